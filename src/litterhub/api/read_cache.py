# TRANSITIONAL re-export: removed by the lead after all helpers finish
"""Moved to `litterhub.http.read_cache`: this alias (the very same module object) keeps the old import path working."""

import sys

from litterhub.http import read_cache

sys.modules[__name__] = read_cache
