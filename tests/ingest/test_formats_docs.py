"""Every validation code is documented in docs/errors.md, and every programme format in docs/formats.md."""

from __future__ import annotations

from pathlib import Path

from litterhub.ingest.formats import ADAPTERS  # importing every adapter registers its codes
from litterhub.ingest.report import CODES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_code_has_a_section_in_errors_md():
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    missing = [code for code in CODES if f"### `{code}`" not in text]
    assert not missing, f"codes without a section in docs/errors.md: {missing}"
    for code, (severity, _) in CODES.items():
        heading = text.split(f"### `{code}`", 1)[1].splitlines()[0]
        assert severity in heading, f"{code}: severity {severity!r} not stated in its heading"


def test_every_format_has_a_section_in_formats_md():
    text = (DOCS / "formats.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert len(ADAPTERS) >= 13
    for name in ADAPTERS:
        assert any(f"`{name}`" in heading for heading in headings), f"no section for format {name!r}"
    for topic in ("detection", "blank", "units", "effort", "pitfalls"):
        assert topic in text.lower(), topic
