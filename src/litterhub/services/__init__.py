"""Use cases that combine the layers; the only door for the API, the web hub and the CLI."""
