"""Harmonisation: crosswalks, units, densities, QC flags, duplicates."""
