"""The chemical lens: G95 cotton bud sticks → PP (typical), PS (uncertain) → substances the databases associate
with them. Association, not measured content."""

from __future__ import annotations

import csv

from litterhub.services import chemicals as svc
from litterhub.vocab.item_polymers import POLYMER_FAMILIES, expand, mapped_items, polymers_of
from litterhub.vocab.items import master_list
from litterhub.vocab.tables import data_path


def test_mapping_file_is_sourced_and_points_at_real_items():
    with open(data_path("item_polymers.csv"), encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 40 and all(r["evidence"] for r in rows)
    assert all(r["certainty"] in ("typical", "possible", "uncertain") for r in rows)
    assert set(mapped_items()) <= set(master_list().items)


def test_g95_lens_counts_the_substances_of_its_polymers(chem_hub):
    lens = svc.lens(chem_hub, "G95")
    assert [(p["polymer"], p["certainty"]) for p in lens["polymers"]] == [("PP", "typical"), ("PS", "uncertain")]
    assert lens["matched_polymer_codes"] == expand(["PP", "PS"]) == sorted({*POLYMER_FAMILIES["PP"], "PS"})
    direct = svc.search(chem_hub, "", {"polymer": lens["matched_polymer_codes"]}, limit=1)
    assert lens["total"] == direct["total"] > 500
    flags = {c["value"]: c["count"] for c in lens["counts"]["flag"]}
    assert flags["CMR"] == svc.search(chem_hub, "", {"polymer": lens["matched_polymer_codes"], "flag": ["CMR"]},
                                      limit=1)["total"]
    assert lens["counts"]["listing"] and "not measured content" in lens["note"]


def test_item_without_mapping_says_why(chem_hub):
    assert polymers_of("G212") == []
    lens = svc.lens(chem_hub, "G212")
    assert lens["total"] == 0 and "item_polymers.csv" in lens["reason"]
