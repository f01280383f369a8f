"""litterhub: an open global knowledge hub on marine litter and microplastics."""

__version__ = "0.1.0"
