"""Named fault points: a TEST HOOK that lets the fault-injection tests kill a real process mid-publish.

`LITTERHUB_FAULT=<point>` makes the process SIGKILL itself when it reaches that point, exactly as a power
cut or the OOM killer would (no cleanup handler runs). Unset in every deployment; the points are:

- `after-stage`   every lake file and the manifest written and fsynced in the staging folder, not renamed
- `after-rename`  the version folder renamed into place, the catalog not yet written
- `before-commit` the catalog rows inserted inside the transaction, not committed
- `after-commit`  the catalog committed, nothing after it done yet
"""

from __future__ import annotations

import os
import signal

POINTS = ("after-stage", "after-rename", "before-commit", "after-commit")


def fault_point(name: str) -> None:
    """SIGKILL this process if LITTERHUB_FAULT names this point (a test hook; a no-op otherwise)."""
    if os.environ.get("LITTERHUB_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
