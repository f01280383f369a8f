"""Open standard APIs for existing clients, mounted at their own roots (not under /api/v1): OGC API - Features
(/ogc) and CKAN's action API (/api/3/action). One module per standard, each exposing `router`."""
