"""Regenerate the packaged vocabulary files from the real code lists plus the hand-reviewed mapping tables.

Run from the repository root (needs ../shared/data, which is never shipped):
    python -m litterhub.vocab.curation.build [SHARED_DATA]
The outputs (vocab/data/*.csv, crosswalks/*.csv) are committed, so the hub itself never needs the raw lists.
Evidence strings are computed from the real files so that every mapping row says why it exists.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

from litterhub.vocab.crosswalks import normalise_code
from litterhub.vocab.curation import coded_lists, named_lists

DATA = Path(__file__).resolve().parents[1] / "data"
REL = {"=": "exactMatch", "<": "narrowMatch", ">": "broadMatch", "~": "relatedMatch"}

CLASS_MATERIAL = {
    "TSG_ML_0": "not-applicable",
    "TSG_ML_1": "plastic",
    "TSG_ML_2": "chemicals",
    "TSG_ML_3": "cloth",
    "TSG_ML_4": "food",
    "TSG_ML_5": "glass",
    "TSG_ML_6": "metal",
    "TSG_ML_7": "paper",
    "TSG_ML_8": "wood",
    "TSG_ML_9": "rubber",
    "TSG_ML_10": "undefined",
    "TSG_ML_11": "unidentified",
}
MATERIAL_CLASS = {m: c for c, m in CLASS_MATERIAL.items()}
HD_MATERIAL = {
    "plastic": "plastic",
    "chemicals": "chemicals",
    "cloth": "cloth",
    "glass": "glass",
    "metal": "metal",
    "paper": "paper",
    "wood": "wood",
    "rubber": "rubber",
    "unidentified": "unidentified",
    "undefined": "undefined",
}
MLW_MATERIAL = {
    "Plastic": "plastic",
    "Metal": "metal",
    "Cloth/textile": "cloth",
    "Processed/worked wood": "wood",
    "Rubber": "rubber",
    "Paper/Cardboard": "paper",
    "Glass/ceramics": "glass",
    "Chemicals": "chemicals",
    "unidentified": "unidentified",
}
# Groups inside the TSG-ML list: the list itself has both the group and its size/kind splits.
GROUP_PARENT = {
    **{c: "G2" for c in ("G3", "G4", "G5")},
    **{c: "G6" for c in ("G7", "G8")},
    **{c: "G20" for c in ("G21", "G22", "G23", "G24")},
    **{c: "G39" for c in ("G40", "G41")},
    **{c: "G48" for c in ("G49", "G50")},
    **{c: "G52" for c in ("G53", "G54")},
    **{c: "Gfrags" for c in ("G78", "G79", "G80")},
    **{c: "Gfoams" for c in ("G81", "G82", "G83")},
    **{c: "Gpieces" for c in ("G75", "G76", "G77", "Gfrags", "Gfoams")},
}
HUB_GROUPS = [
    (
        "Gpieces",
        "Plastic/polystyrene pieces, all sizes",
        "plastic",
        "TSG_ML_1",
        "hub aggregate of G75, G76, G77 and their plastic/foam splits; lets size-less counts roll up",
    ),
    (
        "Gfrags",
        "Plastic pieces (not foamed), all sizes",
        "plastic",
        "Gpieces",
        "after hammerdirt codes.csv pseudo-code Gfrags; here only the non-foamed splits G78, G79, G80",
    ),
    (
        "Gfoams",
        "Expanded polystyrene pieces, all sizes",
        "plastic",
        "Gpieces",
        "after hammerdirt codes.csv pseudo-code Gfoams (G81, G82, G83)",
    ),
]
NOT_MASTER_SWISS = {"G700", "G998", "G999", "Gfrags", "Gfoams", "Gcaps"}


def norm(text: str) -> str:
    return re.sub(r"\s+", "", text.strip().lower())


def read_legend(shared: Path) -> dict[str, dict[str, str]]:
    lists: dict[str, dict[str, str]] = defaultdict(dict)
    for line in (shared / "code-lists/emodnet-reference-lists/legend.txt").read_text().splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[1].strip():
            lists[parts[0]][parts[1].strip()] = parts[2].strip()
    return lists


def parse(block: str) -> list[tuple[str, str, str, str]]:
    rows = []
    for line in block.strip().splitlines():
        code, rel, master, note = (
            (p.strip() for p in line.split(" | ", 3))
            if line.count(" | ") >= 3
            else (*(p.strip() for p in line.rstrip(" |").split(" | ")), "")
        )
        rows.append((code, REL[rel], master, note))
    return rows


def build_master(shared: Path, legend: dict) -> list[dict[str, str]]:
    hd = {r["code"]: r for r in csv.DictReader(open(shared / "hammerdirt-swiss/iqaasl_end_process/codes.csv"))}
    mlw = {r["generalcode"]: r for r in csv.DictReader(open(shared / "eea-marine-litterwatch/mlw-meta.csv"))}
    items: list[dict[str, str]] = []
    tsg = legend["TSG_ML"]
    for code, name in tsg.items():
        if code.startswith("TSG_ML_"):
            items.append(
                dict(
                    code=code,
                    name=name,
                    kind="class",
                    material=CLASS_MATERIAL[code],
                    parent_code="",
                    origin="tsg-ml",
                    note="material class of the MSFD TSG-ML 2013 master list",
                )
            )
    for code, name in sorted(tsg.items(), key=lambda kv: int(kv[0][1:]) if kv[0][1:].isdigit() else 0):
        if not code.startswith("G"):
            continue
        if code in hd:
            material = HD_MATERIAL[hd[code]["material"]]
        elif code in mlw:
            material = MLW_MATERIAL[mlw[code]["category"]]
        else:
            material = {"G215": "food", "G216": "undefined", "G217": "undefined"}[code]
        parent = GROUP_PARENT.get(code, MATERIAL_CLASS[material])
        items.append(
            dict(
                code=code,
                name=name,
                kind="item",
                material=material,
                parent_code=parent,
                origin="tsg-ml",
                note="",
            )
        )
    for code, name, material, parent, note in HUB_GROUPS:
        items.append(
            dict(
                code=code,
                name=name,
                kind="group",
                material=material,
                parent_code=parent,
                origin="hub",
                note=note,
            )
        )
    for code in ("G301", "G302"):
        row = mlw[code]
        items.append(
            dict(
                code=code,
                name=row["generalname"].strip(),
                kind="extension",
                material="cloth",
                parent_code="G145" if code == "G301" else "TSG_ML_3",
                origin="mlw",
                note="EEA Marine LitterWatch addition (mlw-meta.csv), not in the 2013 list",
            )
        )
    for code, row in sorted(hd.items()):
        if code in tsg or code in NOT_MASTER_SWISS:
            continue
        items.append(
            dict(
                code=code,
                name=row["en"].strip(),
                kind="extension",
                material=HD_MATERIAL[row["material"]],
                parent_code=row["parent_code"],
                origin="swiss-iqaasl",
                note=f"Swiss national extension (IQAASL); fr: {row['fr'].strip()}",
            )
        )
    parents = {i["parent_code"] for i in items}
    for i in items:
        if i["kind"] == "item" and i["code"] in parents:
            i["kind"] = "group"
    return items


class Evidence:
    """Finds, in the real files, the facts that support a mapping row."""

    def __init__(self, shared: Path, master: dict[str, dict[str, str]]) -> None:
        self.master = master
        self.hd_ospar: dict[str, str] = {}
        for r in csv.DictReader(open(shared / "code-lists/hammerdirt-gcode-ospar/codes_with_groups.csv")):
            value = r["ospar_code"].strip()
            if value.replace(".0", "").isdigit():
                self.hd_ospar[r["code"]] = value.replace(".0", "")
        self.plastock_ospar: set[tuple[str, str]] = set()
        self.plastock_unep: set[tuple[str, str]] = set()
        for r in csv.DictReader(open(shared / "plastock-leman/macro_current.csv")):
            if r["OPSAR"].strip():
                self.plastock_ospar.add((r["Code"], r["OPSAR"].replace(".0", "")))
            if r["UNEP"].strip():
                self.plastock_unep.add((r["Code"], r["UNEP"].strip()))
        self.prime: dict[str, str] = {}
        for r in csv.DictReader(open(shared / "code-lists/trash-taxonomy/Items_Alias_.csv", encoding="utf-8-sig")):
            self.prime.setdefault(norm(r["Alias"]), r["Item"])

    def text(self, scheme: str, code: str, name: str, rel: str, master: str, note: str, source_file: str) -> str:
        target = self.master[master]
        parts = [f"{source_file} '{name}' reviewed against {master} '{target['name']}'"]
        if scheme == "ospar":
            if self.hd_ospar.get(master) == code:
                parts.append(f"hammerdirt codes_with_groups.csv maps {master} to OSPAR {code}")
            elif master in self.hd_ospar:
                parts.append(
                    f"hammerdirt codes_with_groups.csv maps {master} to OSPAR {self.hd_ospar[master]} "
                    "instead (not followed after review)"
                )
            if (master, code) in self.plastock_ospar:
                parts.append(f"plastock macro_current.csv records {master} with OSPAR {code}")
        if scheme == "unep-ioc" and (master, code) in self.plastock_unep:
            parts.append(f"plastock macro_current.csv records {master} with UNEP {code}")
        src_prime = self.prime.get(norm(name.split(":")[-1]))
        tgt_prime = self.prime.get(norm(target["name"]))
        if src_prime and src_prime == tgt_prime:
            parts.append(f"trash-taxonomy aliases both to prime item '{src_prime}'")
        if note:
            parts.append(note)
        return "; ".join(parts)


def crosswalk_rows(scheme, block, names, source_file, evidence) -> list[dict[str, str]]:
    rows = []
    for code, rel, master, note in parse(block):
        name = names.get(code, code)
        rows.append(
            dict(
                source_scheme=scheme,
                source_code=code,
                source_name=name,
                relation=rel,
                master_code=master,
                evidence=evidence.text(scheme, code, name, rel, master, note, source_file),
            )
        )
    return rows


def mdt_rows(shared: Path, evidence: Evidence, donors: list[dict[str, str]]) -> list[dict[str, str]]:
    """Marine Debris Tracker: 826 item names, mapped only where trash-taxonomy's alias table gives the
    same prime item as a row already reviewed by hand in another name-based crosswalk."""
    by_prime: dict[str, dict[str, str]] = {}
    for row in donors:
        prime = evidence.prime.get(norm(row["source_name"].split(":")[-1]))
        if prime and row["relation"] in ("exactMatch", "narrowMatch") and prime not in by_prime:
            by_prime[prime] = row
    for code, item in evidence.master.items():
        prime = evidence.prime.get(norm(item["name"]))
        if prime and prime not in by_prime:
            by_prime[prime] = dict(
                source_scheme="tsg-ml", source_name=item["name"], relation="exactMatch", master_code=code
            )
    rows, seen = [], set()
    path = shared / "code-lists/trash-taxonomy/survey_sheets/Marine_Debris_Tracker.csv"
    for r in csv.reader(open(path, encoding="utf-8-sig")):
        name = r[0].strip()
        if not name or name == "Items" or normalise_code(name) in seen:
            continue
        seen.add(normalise_code(name))
        prime = evidence.prime.get(norm(name))
        donor = by_prime.get(prime) if prime else None
        if donor is None:
            continue
        rows.append(
            dict(
                source_scheme="mdt",
                source_code=name,
                source_name=name,
                relation="relatedMatch",
                master_code=donor["master_code"],
                evidence=f"trash-taxonomy Items_Alias_.csv: '{name}' and {donor['source_scheme']} "
                f"'{donor['source_name']}' share prime item '{prime}'; automatic alias match, not reviewed, "
                "so only relatedMatch (rolls up to the parent class)",
            )
        )
    return rows


def swiss_rows(shared: Path, master: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    rows = []
    for r in csv.DictReader(open(shared / "hammerdirt-swiss/iqaasl_end_process/codes.csv")):
        code, name = r["code"], r["en"].strip()
        base = f"hammerdirt codes.csv row {r['index']} ('{name}', parent_code {r['parent_code']})"
        if code in ("G700", "G998", "G999"):
            continue  # survey markers, not litter items (see docs/vocabulary.md)
        if code == "Gcaps":
            rel, target, why = "exactMatch", "G20", "pseudo-code summing G21-G24 = plastic caps and lids"
        elif code == "Gfoams":
            rel, target, why = "exactMatch", "Gfoams", "pseudo-code summing G81-G83"
        elif code == "Gfrags":
            rel, target, why = (
                "narrowMatch",
                "Gpieces",
                "pseudo-code summing G75-G80 (plastic and mixed plastic/polystyrene pieces)",
            )
        elif master.get(code, {}).get("origin") == "swiss-iqaasl":
            rel, target, why = (
                "narrowMatch",
                r["parent_code"],
                "national extension rolls into its parent code",
            )
        else:
            rel, target, why = "exactMatch", code, "MSFD G-code used as is"
        rows.append(
            dict(
                source_scheme="swiss-iqaasl",
                source_code=code,
                source_name=name,
                relation=rel,
                master_code=target,
                evidence=f"{base}: {why}",
            )
        )
    return rows


def write(path: Path, rows: list[dict[str, str]], fields: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def use_groups(
    shared: Path, ospar_rows: list[dict[str, str]], mcs_rows: list[dict[str, str]], master: dict
) -> list[dict[str, str]]:
    """SUP and FISH membership from litteR's OSPAR type table (the grouping used for EU baselines)."""
    to_master = {r["source_code"]: r for r in ospar_rows if r["relation"] in ("exactMatch", "narrowMatch")}
    members: dict[tuple[str, str], str] = {}
    path = shared / "litter-reference/input/types-ospar-sup-fish-other.csv"
    for r in csv.DictReader(open(path)):
        m = re.search(r"\[(\d+)\]", r["type_name"])
        if not m or m.group(1) not in to_master:
            continue
        target = to_master[m.group(1)]["master_code"]
        if master[target]["kind"] == "class":
            continue
        for group in ("SUP", "FISH"):
            if r[group].strip().lower() == "x":
                members.setdefault(
                    (group, target),
                    f"litteR types-ospar-sup-fish-other.csv marks "
                    f"'{r['type_name']}' as {group}; OSPAR {m.group(1)} -> {target}",
                )
    mcs_groups = {"Sewage related debris (SRD)": "SANITARY", "Medical": "MEDICAL", "Fishing": "FISH"}
    mcs_map = {normalise_code(r["source_code"]): r for r in mcs_rows if r["relation"] in ("exactMatch", "narrowMatch")}
    path = shared / "mcs-beachwatch-gbbc/beachwatch_sources_2021_1.0.csv"
    for r in csv.DictReader(open(path, encoding="utf-8-sig")):
        group = mcs_groups.get(r["Source"].strip())
        row = mcs_map.get(normalise_code(r["Material: item"]))
        if group and row and master[row["master_code"]]["kind"] != "class":
            members.setdefault(
                (group, row["master_code"]),
                f"MCS beachwatch_sources_2021_1.0.csv gives source "
                f"'{r['Source'].strip()}' for '{r['Material: item']}' -> {row['master_code']}",
            )
    manual = {
        "SANITARY": ["G95", "G96", "G97", "G98", "G133", "G144", "G923"],
        "MEDICAL": ["G99", "G100", "G211", "G901", "G902", "G903", "G301", "G302"],
        "SMOKING": ["G25", "G26", "G27", "G152"],
    }
    for group, codes in manual.items():
        for code in codes:
            members.setdefault((group, code), f"item name in the master list ('{master[code]['name']}')")
    return [dict(group_code=g, master_code=c, evidence=e) for (g, c), e in sorted(members.items())]


def main(shared: Path) -> None:
    legend = read_legend(shared)
    items = build_master(shared, legend)
    write(
        DATA / "master_items.csv",
        items,
        ["code", "name", "kind", "material", "parent_code", "origin", "note"],
    )
    master = {i["code"]: i for i in items}
    ev = Evidence(shared, master)
    ospar_names = {**legend["OSPAR"], **coded_lists.OSPAR_NL_NAMES}
    ices_names = {**legend["C_TS_REV"], **legend["MEDITS"]}
    legend_file = "EMODnet legend.txt"
    schemes = {
        "ospar": crosswalk_rows("ospar", coded_lists.OSPAR, ospar_names, legend_file + " OSPAR", ev),
        "unep-ioc": crosswalk_rows("unep-ioc", coded_lists.UNEP, legend["UNEP"], legend_file + " UNEP", ev),
        "ices-medits": crosswalk_rows(
            "ices-medits", coded_lists.ICES_MEDITS, ices_names, legend_file + " C_TS_REV/MEDITS", ev
        )
        + crosswalk_rows("ices-medits", coded_lists.ICES_RECO, legend["RECO_LT"], legend_file + " RECO_LT", ev),
        "noaa-mdmap": crosswalk_rows("noaa-mdmap", named_lists.NOAA_MDMAP, {}, "MDMAP export header", ev),
        "oc-icc": crosswalk_rows("oc-icc", named_lists.OC_ICC, {}, "TIDES export header", ev),
        "mcs": crosswalk_rows("mcs", named_lists.MCS, {}, "MCS GBBC 2022 sheet header", ev)
        + crosswalk_rows("mcs", named_lists.MCS_2021, {}, "MCS beachwatch_sources_2021 item", ev),
        "olm": crosswalk_rows("olm", named_lists.OLM, {}, "OpenLitterMap tag", ev),
        "plastic-pirates": crosswalk_rows(
            "plastic-pirates", named_lists.PLASTIC_PIRATES, {}, "Plastic Pirates READme field", ev
        ),
        "swiss-iqaasl": swiss_rows(shared, master),
    }
    schemes["tsg-ml"] = [
        dict(
            source_scheme="tsg-ml",
            source_code=c,
            source_name=i["name"],
            relation="exactMatch",
            master_code=c,
            evidence="identity: the master list is the TSG-ML list (EMODnet legend.txt"
            + (", EEA mlw-meta.csv)" if i["origin"] == "mlw" else ")"),
        )
        for c, i in master.items()
        if i["origin"] in ("tsg-ml", "mlw")
    ] + [
        dict(
            source_scheme="tsg-ml",
            source_code=c,
            source_name=i["name"],
            relation="narrowMatch",
            master_code=i["parent_code"],
            evidence="national extension of the G-code list used under G-codes (e.g. Pla'stock); "
            f"hammerdirt codes.csv parent_code {i['parent_code']}",
        )
        for c, i in master.items()
        if i["origin"] == "swiss-iqaasl"
    ]
    donors = [r for k in ("noaa-mdmap", "oc-icc", "mcs", "olm") for r in schemes[k]]
    schemes["mdt"] = mdt_rows(shared, ev, donors)
    fields = ["source_scheme", "source_code", "source_name", "relation", "master_code", "evidence"]
    for scheme, rows in schemes.items():
        missing = [r["source_code"] for r in rows if r["master_code"] not in master]
        if missing:
            raise SystemExit(f"{scheme}: targets missing from the master list for {missing}")
        write(DATA / "crosswalks" / f"{scheme}.csv", rows, fields)
        print(f"{scheme}: {len(rows)} rows")
    write(
        DATA / "use_group_members.csv",
        use_groups(shared, schemes["ospar"], schemes["mcs"], master),
        ["group_code", "master_code", "evidence"],
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[5] / "shared" / "data")
