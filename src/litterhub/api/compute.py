# TRANSITIONAL re-export: removed by the lead after all helpers finish
"""Moved to `litterhub.http.compute`: this alias (the very same module object) keeps the old import path working."""

import sys

from litterhub.http import compute

sys.modules[__name__] = compute
