"""Server-rendered web hub (Jinja2 + bundled front-end libraries)."""
