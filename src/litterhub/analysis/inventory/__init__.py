"""National source inventories: how much plastic a country leaks to waterways and the ocean.

One equation chain (`chain`) with switchable last steps: Jambeck et al. 2015 (`jambeck`), Meijer et al.
2021 (`meijer`), Borrelle et al. 2020 with Monte Carlo and scenarios (`borrelle`), and primary
microplastics after Boucher & Friot 2017 (`microplastics`). Inputs come from `inputs`/`sources` with their
citations; a country's own figures override them and keep their source. Pure NumPy, no I/O beyond
reading the input tables.
"""
