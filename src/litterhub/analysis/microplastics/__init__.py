"""Microplastics: size-range alignment after Koelmans et al. (2020) / Kooi et al. (2021)."""
