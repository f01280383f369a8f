"""Storage: the catalog database and the observation lake."""
