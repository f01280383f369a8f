"""Named fault points: a TEST HOOK that lets the fault-injection tests kill a real process mid-publish.

`LITTERHUB_FAULT=<point>` (Settings.fault, passed down as `hub.settings.fault` and `Lake.fault`) makes the
process SIGKILL itself when it reaches that point, exactly as a power cut or the OOM killer would (no cleanup
handler runs). Unset in every deployment; the points (`settings.FAULT_POINTS`) are:

- `after-stage`   every lake file and the manifest written and fsynced in the staging folder, not renamed
- `after-rename`  the version folder renamed into place, the catalog not yet written
- `before-commit` the catalog rows inserted inside the transaction, not committed
- `after-commit`  the catalog committed, nothing after it done yet
"""

from __future__ import annotations

import os
import signal


def fault_point(armed: str | None, name: str) -> None:
    """SIGKILL this process if the armed fault (Settings.fault) names this point (a test hook; a no-op otherwise)."""
    if armed == name:
        os.kill(os.getpid(), signal.SIGKILL)
