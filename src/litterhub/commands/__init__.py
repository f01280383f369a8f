"""Command groups of the CLI, one module per capability, each exposing `register(app)`."""
