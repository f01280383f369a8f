# TRANSITIONAL re-export: removed by the lead after all helpers finish
"""Moved to `litterhub.http.problems`: this alias (the very same module object) keeps the old import path working."""

import sys

from litterhub.http import problems

sys.modules[__name__] = problems
