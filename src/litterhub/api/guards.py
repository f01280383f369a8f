# TRANSITIONAL re-export: removed by the lead after all helpers finish
"""Moved to `litterhub.http.guards`: this alias (the very same module object) keeps the old import path working."""

import sys

from litterhub.http import guards

sys.modules[__name__] = guards
