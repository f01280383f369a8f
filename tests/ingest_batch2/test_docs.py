"""Every validation code is documented in docs/errors.md, and every batch-2 format in docs/formats-batch2.md."""

from __future__ import annotations

from pathlib import Path

import litterhub.ingest.registry  # noqa: F401 - importing every adapter registers its codes
from litterhub.ingest.report import CODES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_code_has_a_section_in_errors_md():
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    missing = [code for code in CODES if f"### `{code}`" not in text]
    assert not missing, f"codes without a section in docs/errors.md: {missing}"
    for code, (severity, _) in CODES.items():
        heading = text.split(f"### `{code}`", 1)[1].splitlines()[0]
        assert severity in heading, f"{code}: severity {severity!r} not stated in its heading"


def test_every_batch2_format_is_documented():
    text = (DOCS / "formats-batch2.md").read_text(encoding="utf-8")
    for name in ("olm", "plastock", "plastic-pirates", "ncei", "eriksen", "generic"):
        assert f"`{name}`" in text, name
    for topic in ("detection", "blank", "units", "effort", "pitfalls"):
        assert topic in text.lower(), topic
