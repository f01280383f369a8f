"""Web page routers, one module per capability (each exposes `router`)."""
