# TRANSITIONAL re-export: removed by the lead after all helpers finish
"""Moved: the application factory is `litterhub.app.create_app` (above both faces); this alias keeps the old
import path working."""

from litterhub.app import create_app

__all__ = ["create_app"]
