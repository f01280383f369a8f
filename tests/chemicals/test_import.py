"""The import on the real files: per-source counts, CAS validation, label normalisation, a conflict shown, and
idempotence (a second run changes nothing; a changed source updates only what changed)."""

from __future__ import annotations

import csv
import shutil

import pytest
from sqlalchemy import select

from litterhub.registry.cas import is_valid_cas
from litterhub.services import chemicals as svc
from litterhub.store.chemical_tables import chem_substances

CAS_COLUMNS = {"plasticmap": "casrn", "cppdb": "CAS", "aurisano": "CAS number", "eu_10_2011": "CAS No.",
               "stockholm": "representative_cas_rn"}


def _rows(folder, key):
    from litterhub.chemicals.sources import SOURCES

    with open(folder / SOURCES[key].path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _valid_cas_of(cell: str) -> set[str]:
    """The pure-Python rule of registry/cas.py, applied independently of the vectorised importer."""
    cleaned = "".join(ch for ch in cell if ch.isprintable() and ch not in "\u200e\u200f\ufeff")
    return {c.strip() for c in cleaned.split(";") if is_valid_cas(c.strip())}


@pytest.mark.parametrize("key", list(CAS_COLUMNS))
def test_per_source_counts_follow_the_files(chem_import, chem_folder, key):
    _, report = chem_import
    counts = next(s for s in report["sources"] if s["key"] == key)
    rows = _rows(chem_folder, key)
    valid = [_valid_cas_of(r[CAS_COLUMNS[key]]) for r in rows]
    assert counts["rows"] == len(rows)
    assert counts["rejected"] == sum(1 for v in valid if not v)
    assert counts["substances"] == len(set().union(*valid))
    assert counts["merged"] + counts["new"] == counts["substances"]
    assert counts["version"] and counts["citation"] and counts["licence"] and len(counts["sha256"]) == 64
    for bad in counts["rejected_rows"]:
        assert bad["reason"] in {"missing-cas", "invalid-cas-format", "invalid-cas-check-digit"}
        assert not _valid_cas_of(rows[bad["line"] - 2][CAS_COLUMNS[key]])  # line = CSV line, header is line 1


def test_every_stored_cas_passes_the_check_digit_and_totals_add_up(chem_hub, chem_import, chem_folder):
    _, report = chem_import
    with chem_hub.engine.connect() as conn:
        stored = set(conn.execute(select(chem_substances.c.cas)).scalars())
    assert all(is_valid_cas(c) for c in stored)
    every = set()
    for key, column in CAS_COLUMNS.items():
        for r in _rows(chem_folder, key):
            every |= _valid_cas_of(r[column])
    assert stored == every and report["substances"] == len(every)
    assert "134-51-7" not in stored  # CPPdb line 789: check digit should be 8, so it never reaches a record


def test_misspelt_function_label_is_normalised_and_kept(chem_hub, chem_folder):
    row = next(r for r in _rows(chem_folder, "aurisano") if r["Primary function"] == "Lubrificant"
               and is_valid_cas(r["CAS number"]))
    doc = svc.get(chem_hub, row["CAS number"])
    lubricant = next(f for f in doc["functions"] if f["code"] == "lubricant")
    assert "Lubrificant" in lubricant["sources"]["aurisano"]


def test_dehp_merges_four_sources_and_shows_their_conflict(chem_hub, chem_folder):
    doc = svc.get(chem_hub, "117-81-7")
    assert {s["key"] for s in doc["sources"]} >= {"plasticmap", "cppdb", "aurisano", "eu_10_2011"}
    plasticiser = next(f for f in doc["functions"] if f["code"] == "plasticiser")
    assert {"plasticmap", "cppdb", "aurisano"} <= set(plasticiser["sources"])
    pmap = next(r for r in _rows(chem_folder, "plasticmap") if r["casrn"] == "117-81-7")
    auri = next(r for r in _rows(chem_folder, "aurisano") if r["CAS number"] == "117-81-7")
    toys = next(c for c in doc["conflicts"] if c["code"] == "eu-toys")
    assert pmap["toys_directive"] == "0" and auri["Toy Safety Directive (EU) 2009/48/EC"].lower() == "x"
    assert toys["says_yes"] == ["aurisano"] and toys["says_no"] == ["plasticmap"]
    assert any(f["code"] == "CMR" for f in doc["flags"])  # derived from CPPdb's harmonised Repr. 1B


def test_second_run_changes_nothing(chem_hub, chem_folder, chem_import):
    before = _hashes(chem_hub)
    again = svc.import_chemicals(chem_hub, chem_folder)
    assert (again["inserted"], again["updated"], again["removed"]) == (0, 0, 0)
    assert again["unchanged"] == chem_import[1]["substances"] and _hashes(chem_hub) == before


def test_a_changed_source_updates_only_its_substances(tmp_path, chem_folder):
    from litterhub.services.hub import Hub

    folder = tmp_path / "chem"
    shutil.copytree(chem_folder, folder)
    (folder / "stockholm-pops").chmod(0o755)
    pops = folder / "stockholm-pops" / "stockholm_pops_listing.csv"
    pops.chmod(0o644)
    hub = Hub.open(tmp_path / "data")
    svc.import_chemicals(hub, folder)
    text = pops.read_text(encoding="utf-8")
    pops.write_text(text.replace("Aldrin", "Aldrin (edited)", 1), encoding="utf-8")
    report = svc.import_chemicals(hub, folder)
    assert (report["inserted"], report["updated"], report["removed"]) == (0, 1, 0)
    assert svc.get(hub, "309-00-2")["name"] == "Aldrin (edited)"
    hub.close()


def test_missing_folder_or_source_is_a_clear_error(tmp_path, hub):
    with pytest.raises(svc.ChemicalsError) as exc:
        svc.import_chemicals(hub, tmp_path / "nowhere")
    assert exc.value.code == "chemicals-folder-missing"
    (tmp_path / "empty").mkdir()
    with pytest.raises(svc.ChemicalsError) as exc:
        svc.import_chemicals(hub, tmp_path / "empty")
    assert exc.value.code == "chemicals-source-missing"


def test_hand_entered_additives_are_superseded_where_cas_matches(chem_hub):
    from litterhub.services.registry import load_seed

    load_seed(chem_hub)
    pairs = svc.superseded(chem_hub)
    assert any(p["record"] == "additive-hbcdd" for p in pairs)
    cas = next(p["cas"] for p in pairs if p["record"] == "additive-hbcdd")
    assert {"id": "additive-hbcdd"}.items() <= svc.get(chem_hub, cas)["registry_records"][0].items()


def _hashes(hub) -> dict[str, str]:
    with hub.engine.connect() as conn:
        return dict(conn.execute(select(chem_substances.c.cas, chem_substances.c.content_hash)).all())
