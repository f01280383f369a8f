"""The packaged vocabulary loads cleanly, and each broken-file rule fails naming the offending row."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from litterhub.vocab.crosswalks import COLUMNS, RELATIONS, all_crosswalks, load_crosswalk, normalise_code
from litterhub.vocab.errors import VocabError
from litterhub.vocab.items import COLUMNS as ITEM_COLUMNS
from litterhub.vocab.items import load_master, master_list
from litterhub.vocab.tables import DATA_DIR


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _item(code: str, parent: str = "", kind: str = "item") -> list[str]:
    return [code, f"name of {code}", kind, "plastic", parent, "test", ""]


def test_packaged_master_list_is_a_tree_rooted_in_material_classes():
    master = master_list()
    assert "G27" in master and "TSG_ML_1" in master
    for item in master.items.values():
        top = master.material_class(item.code)
        assert top.kind == "class", f"{item.code} does not end in a material class but in {top.code}"


def test_every_crosswalk_row_is_valid_and_has_evidence():
    walks = all_crosswalks()
    assert {"tsg-ml", "ospar", "unep-ioc", "ices-medits", "noaa-mdmap", "oc-icc", "mcs", "olm", "mdt",
            "plastic-pirates", "swiss-iqaasl"} <= set(walks)
    master = master_list()
    for scheme, rows in walks.items():
        assert rows, f"{scheme} has no mappings"
        for m in rows:
            assert m.relation in RELATIONS
            assert m.master_code in master
            assert m.evidence.strip()


def test_duplicate_master_code_names_the_line(tmp_path):
    path = _write(tmp_path / "master_items.csv", ITEM_COLUMNS,
                  [_item("TSG_ML_1", kind="class"), _item("G1", "TSG_ML_1"), _item("G1", "TSG_ML_1")])
    with pytest.raises(VocabError) as exc:
        load_master(path)
    assert exc.value.code == "litter-vocab-duplicate-id"
    assert exc.value.line == 4
    assert "G1" in str(exc.value) and "line 4" in str(exc.value) and "line 3" in str(exc.value)


def test_cycle_in_parents_names_the_cycle(tmp_path):
    path = _write(tmp_path / "master_items.csv", ITEM_COLUMNS,
                  [_item("TSG_ML_1", kind="class"), _item("G1", "G3"), _item("G2", "G1"), _item("G3", "G2")])
    with pytest.raises(VocabError) as exc:
        load_master(path)
    assert exc.value.code == "litter-vocab-parent-cycle"
    message = str(exc.value)
    assert "G1" in message and "G2" in message and "G3" in message and "line" in message


def test_missing_parent_names_the_row(tmp_path):
    path = _write(tmp_path / "master_items.csv", ITEM_COLUMNS, [_item("G1", "G404")])
    with pytest.raises(VocabError) as exc:
        load_master(path)
    assert exc.value.code == "litter-vocab-missing-parent" and exc.value.line == 2 and "G404" in str(exc.value)


def test_crosswalk_to_missing_target_names_the_row(tmp_path):
    good = ["ospar", "1", "Yokes", "exactMatch", "G1", "legend"]
    bad = ["ospar", "2", "Bags", "exactMatch", "G9999", "legend"]
    path = _write(tmp_path / "ospar.csv", COLUMNS, [good, bad])
    with pytest.raises(VocabError) as exc:
        load_crosswalk(path)
    assert exc.value.code == "litter-vocab-missing-target"
    assert exc.value.line == 3 and exc.value.field == "master_code" and "G9999" in str(exc.value)


def test_crosswalk_duplicate_source_code_after_normalisation(tmp_path):
    rows = [["mcs", "Plastic / Polystyrene: Caps", "Caps", "exactMatch", "G20", "sheet"],
            ["mcs", "Plastic/Polystyrene: Caps", "Caps", "exactMatch", "G20", "sheet"]]
    path = _write(tmp_path / "mcs.csv", COLUMNS, rows)
    with pytest.raises(VocabError) as exc:
        load_crosswalk(path)
    assert exc.value.code == "litter-vocab-duplicate-id" and exc.value.line == 3


def test_crosswalk_rejects_unknown_relation_and_missing_evidence(tmp_path):
    path = _write(tmp_path / "ospar.csv", COLUMNS, [["ospar", "1", "Yokes", "closeMatch", "G1", "x"]])
    with pytest.raises(VocabError, match="relation"):
        load_crosswalk(path)
    path = _write(tmp_path / "ospar.csv", COLUMNS, [["ospar", "1", "Yokes", "exactMatch", "G1", ""]])
    with pytest.raises(VocabError, match="evidence"):
        load_crosswalk(path)


def test_packaged_files_pass_the_same_loader_from_a_copy(tmp_path):
    """Guards the check itself: a verbatim copy of the real files loads, so the failures above are real."""
    shutil.copy(DATA_DIR / "master_items.csv", tmp_path / "master_items.csv")
    master = load_master(tmp_path / "master_items.csv")
    assert len(master) == len(master_list())
    for path in (DATA_DIR / "crosswalks").glob("*.csv"):
        assert load_crosswalk(path, master)


def test_code_normalisation_joins_spelling_variants():
    assert normalise_code("Plastic / Polystyrene:  Caps / lids ") == normalise_code("Plastic/Polystyrene: Caps/lids")
    assert normalise_code("G27") != normalise_code("G2 7")


def test_material_prefixes_agree_with_master_material_unless_explained():
    """MDMAP and MCS codes start with their material; a mapping to an item of another material must say why."""
    prefixes = {"plastic": {"plastic"}, "metal": {"metal"}, "glass": {"glass"}, "rubber": {"rubber"},
                "processed-lumber": {"wood", "paper"}, "cloth-fabric": {"cloth"}, "plastic/polystyrene": {"plastic"},
                "cloth": {"cloth"}, "paper/cardboard": {"paper"}, "wood": {"wood"}, "wood (machined)": {"wood"},
                "pottery/ceramics": {"glass"}}
    master = master_list()
    for scheme in ("noaa-mdmap", "mcs"):
        for m in all_crosswalks()[scheme]:
            expected = prefixes.get(normalise_code(m.source_code).split(":")[0])
            if expected and master.items[m.master_code].material not in expected:
                assert "listed under" in m.evidence, f"{scheme} {m.source_code!r} -> {m.master_code} ({m.evidence})"
