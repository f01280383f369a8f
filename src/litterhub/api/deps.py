"""Dependencies shared by routes: the hub of this process."""

from __future__ import annotations

from fastapi import Request

from litterhub.services.hub import Hub


def get_hub(request: Request) -> Hub:
    return request.app.state.hub
