"""Every example request in docs/api.md works, and every read endpoint of the foundation and of open
sharing is documented there with an example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
DOCUMENTED_TAGS = {"datasets", "downloads", "catalogue"}  # the foundation's and open sharing's routers
# described in prose only: the UUID differs in every hub (tested in test_stable_dataset_uri_resolves...)
PROSE_ONLY = {"/id/dataset/{uuid}"}


def _examples() -> list[str]:
    blocks = re.findall(r"```http\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return [line.split(" ", 1)[1].strip() for block in blocks for line in block.splitlines()
            if line.startswith("GET ")]


EXAMPLES = _examples()


def test_the_page_has_examples():
    assert len(EXAMPLES) >= 35


@pytest.mark.parametrize("url", EXAMPLES)
def test_documented_example_request_works(client, url):
    r = client.get(url)
    assert r.status_code == 200, (url, r.text[:300])
    assert r.content


def _matches(template: str, url: str) -> bool:
    pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + r"(\?.*)?$"
    return re.match(pattern, url) is not None


def test_every_read_endpoint_has_a_documented_example(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    templates = [p for p, ops in paths.items() if "get" in ops and DOCUMENTED_TAGS & set(ops["get"].get("tags", []))]
    assert len(templates) >= 20
    missing = [t for t in templates if t not in PROSE_ONLY and not any(_matches(t, url) for url in EXAMPLES)]
    assert not missing, f"document these in docs/api.md: {missing}"
