"""Readers of the five chemicals-in-plastics databases: each turns its file into long claims, one row per thing a
source says about a CAS number, so every fact in a merged record stays traceable to its source, version and line.

Contract: `read_source(folder, key)` returns a `SourceFrame` with
  * `claims`: columns cas, source, field, value, detail, listed, line — `field` is one of CLAIM_FIELDS, `value` a
    normalised code (vocabulary.py) or the text as given, `detail` the raw label or extra facts, `listed` is
    "yes"/"no" for listing claims (a source that explicitly says "not listed" is a claim too: that is how
    conflicts between sources become visible) and "" otherwise;
  * `rejected`: the rows that could not be keyed (line, reason, raw CAS) — an invalid CAS never reaches a record;
  * `info`: source name, version, licence, citation, file and its SHA-256 (a changed file is a new version).
Work is vectorised with pandas; only the unique raw labels go through the mapping functions.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from litterhub.chemicals import vocabulary as v
from litterhub.errors import InvalidInput

CLAIM_COLUMNS = ["cas", "source", "field", "value", "detail", "listed", "line"]
CLAIM_FIELDS = ("name", "synonym", "ec_number", "function", "polymer", "hazard", "h_statement", "flag", "listing",
                "use_level", "tonnage")
HEADER_LINES = 1  # every file is a CSV with one header line and no line breaks inside cells (see SOURCE.md)
FACTS_ONLY = "licence not stated: facts only (names, numbers, classifications) are used; the file is not copied"


@dataclass(frozen=True)
class SourceSpec:
    key: str
    path: str
    version: str
    licence: str
    citation: str


SOURCES: dict[str, SourceSpec] = {s.key: s for s in [
    SourceSpec("plasticmap", "plasticmap-wiesinger2021/plasticmap_s8_with_s9_regulatory.csv",
               "PlasticMAP_S1_210611 (2021-06-11), via RaoulWolf/PlastChem@7077267", FACTS_ONLY,
               "Wiesinger H., Wang Z., Hellweg S. (2021) Deep Dive into Plastic Monomers, Additives, and Processing "
               "Aids. Environ. Sci. Technol. 55(13):9339-9351, doi:10.1021/acs.est.1c00976"),
    SourceSpec("cppdb", "cppdb-groh2019/cppdb_lists_A_B.csv", "CPPdb_ListA_ListB_181009 Zenodo V1 (2018-10-09)",
               FACTS_ONLY,
               "Groh K. et al. (2019) Overview of known plastic packaging-associated chemicals and their hazards. "
               "Sci. Total Environ. 651:3253-3268, doi:10.1016/j.scitotenv.2018.10.015"),
    SourceSpec("aurisano", "aurisano2021-chemicals-in-plastics/aurisano2021_table_s3.csv",
               "Table S3 (2021), via RaoulWolf/PlastChem@7077267", FACTS_ONLY,
               "Aurisano N., Weber R., Fantke P. (2021) Enabling a circular economy for chemicals in plastics. "
               "Curr. Opin. Green Sustain. Chem. 31:100513, doi:10.1016/j.cogsc.2021.100513"),
    SourceSpec("eu_10_2011", "eu-fcm-union-list/eu_10_2011_annex_i_union_list.csv",
               "ECHA export of 2023-01-24", FACTS_ONLY + " (ECHA legal notice on re-use applies)",
               "Commission Regulation (EU) No 10/2011, Annex I (Union list), ECHA 'FCM and Articles Regulation, "
               "Annex I - Authorised Substances' export, 2023-01-24"),
    SourceSpec("stockholm", "stockholm-pops/stockholm_pops_listing.csv", "COP-4 2009 to COP-12 2025 amendments",
               "public facts compiled for this project (no third-party file); may be redistributed with citation",
               "Stockholm Convention on Persistent Organic Pollutants (2001) and amendments adopted by the "
               "Conference of the Parties; compiled for litterhub from the public text. Representative CAS only."),
]}


@dataclass
class SourceFrame:
    key: str
    claims: pd.DataFrame
    rejected: pd.DataFrame
    info: dict[str, object] = field(default_factory=dict)
    rows: int = 0


class ChemicalSourceError(InvalidInput, ValueError):
    """A source file is missing or lacks the columns its reader needs (stable `code`)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


# --- CAS numbers, vectorised -------------------------------------------------------------------------------------

INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\s]")
CAS_SHAPE = r"^(\d{2,7})-(\d{2})-(\d)$"
WEIGHTS = np.arange(9, 0, -1)  # body of 9 digits, left-padded with zeros: weights 9..1 from the left


def check_cas(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(cleaned CAS, reason or "") for every value: the same rule as registry/cas.py (format, then check digit),
    vectorised. Invisible characters and spaces are removed first (a left-to-right mark was seen in CPPdb)."""
    cleaned = raw.fillna("").astype(str).str.replace(INVISIBLE, "", regex=True)
    parts = cleaned.str.extract(CAS_SHAPE)
    shaped = parts[0].notna()
    body = (parts[0].fillna("") + parts[1].fillna("")).str.zfill(9).str[-9:]
    digits = np.frombuffer("".join(body.where(shaped, "0" * 9)).encode("ascii"), dtype=np.uint8).reshape(-1, 9) - 48
    expected = (digits * WEIGHTS).sum(axis=1) % 10
    given = pd.to_numeric(parts[2], errors="coerce").fillna(-1).to_numpy()
    reason = pd.Series("", index=raw.index)
    reason[~shaped] = "invalid-cas-format"
    reason[(cleaned == "") | cleaned.str.lower().isin(["-", "nocasrn", "n/a"])] = "missing-cas"
    reason[shaped & (expected != given)] = "invalid-cas-check-digit"
    return cleaned, reason


def _keyed(frame: pd.DataFrame, cas_col: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows with a valid CAS (a cell naming several CAS numbers, "a; b", gives one row per number) and the rejected."""
    frame = frame.assign(line=frame.index + HEADER_LINES + 1)
    split = frame.assign(_raw=frame[cas_col].fillna("").astype(str).str.split(r"\s*;\s*")).explode("_raw")
    cas, reason = check_cas(split["_raw"])
    split = split.assign(cas=cas, _reason=reason)
    good = split[split["_reason"] == ""]
    bad = split[(split["_reason"] != "") & ~split["line"].isin(good["line"])]
    rejected = pd.DataFrame({"line": bad["line"], "reason": bad["_reason"], "cas": bad["_raw"]})
    return good.drop(columns=["_raw", "_reason"]), rejected.drop_duplicates("line")


# --- building claims ---------------------------------------------------------------------------------------------

def _claims(df: pd.DataFrame, source: str, field_: str, values: pd.Series, detail: pd.Series | str = "",
            listed: str = "") -> pd.DataFrame:
    out = pd.DataFrame({"cas": df["cas"], "source": source, "field": field_, "value": values, "detail": detail,
                        "listed": listed, "line": df["line"]})
    out["value"] = out["value"].fillna("").astype(str).str.strip()
    return out[out["value"] != ""]


def _multi(df: pd.DataFrame, column: str, sep: str) -> pd.DataFrame:
    """One row per item of a separated cell, with the item in `raw`."""
    out = df[["cas", "line"]].assign(raw=df[column].fillna("").astype(str).str.split(sep)).explode("raw")
    out["raw"] = out["raw"].fillna("").str.strip()
    return out[out["raw"] != ""]


def _mapped(df: pd.DataFrame, source: str, field_: str, mapper) -> pd.DataFrame:
    """Claims of a normalised vocabulary: the mapper runs once per unique raw label."""
    codes = {raw: mapper(raw) for raw in df["raw"].unique()}
    return _claims(df, source, field_, df["raw"].map(codes), df["raw"])


def _flag_claims(df: pd.DataFrame, source: str, field_: str, columns: dict[str, str], yes, no=None) -> list:
    """Claims for yes/no columns: `yes(series)` and `no(series)` give boolean masks; `columns` maps column→code."""
    out = []
    for column, code in columns.items():
        if column not in df:
            continue
        cell = df[column].fillna("").astype(str).str.strip()
        is_yes = yes(cell)
        out.append(_claims(df[is_yes], source, field_, pd.Series(code, index=df.index)[is_yes],
                           cell[is_yes].str.slice(0, 200), "yes" if field_ == "listing" else ""))
        if no is not None and field_ == "listing":
            is_no = no(cell) & ~is_yes
            out.append(_claims(df[is_no], source, field_, pd.Series(code, index=df.index)[is_no],
                               cell[is_no].str.slice(0, 200), "no"))
    return out


def _read_csv(folder: Path, spec: SourceSpec, needed: list[str]) -> pd.DataFrame:
    path = folder / spec.path
    if not path.is_file():
        raise ChemicalSourceError("chemicals-source-missing", f"{spec.key}: {path} not found")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    df.columns = [" ".join(c.split()) for c in df.columns]
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise ChemicalSourceError("chemicals-source-columns", f"{spec.key}: {path.name} lacks columns {missing}")
    return df


def _plasticmap(df: pd.DataFrame) -> list[pd.DataFrame]:
    s = "plasticmap"
    out = [_claims(df, s, "name", df["name"]),
           _mapped(_multi(df, "use_function", ";"), s, "function", v.function_code),
           _mapped(_multi(df, "polymer", ";"), s, "polymer", v.polymer_code),
           _claims(df, s, "tonnage", df["tonnage_total"].where(df["tonnage_total"] != "", None)
                   .map(lambda t: f"{t} t/year (total band)", na_action="ignore"))]
    # regulatory flags come from sheet S9 only: empty means "not assessed", 0 means "not listed"
    out += _flag_claims(df, s, "listing", {
        "stockholm": "stockholm", "rotterdam": "rotterdam", "montreal": "montreal", "reach_svhc": "eu-svhc",
        "reach_authorisation": "eu-reach-xiv", "reach_restriction": "eu-reach-xvii", "rohs_directive": "eu-rohs",
        "toys_directive": "eu-toys", "eu_pop_directive": "eu-pops-regulation",
        "california_proposition_65": "prop65", "eu_food_contact_materials_list": "eu-10-2011",
    }, yes=lambda c: c == "1", no=lambda c: c == "0")
    return out


CLP_CLASS = [("carcinogenic", r"carc"), ("mutagenic", r"muta"), ("reprotoxic", r"repr|lact"),
             ("acute-toxic", r"acute tox"), ("skin", r"skin (corr|irrit)"), ("eye", r"eye"),
             ("sensitiser", r"sens"), ("stot", r"stot"), ("aspiration", r"asp"),
             ("aquatic-acute", r"aquatic acute"), ("aquatic-chronic", r"aquatic chronic")]


def _clp_code(raw: str) -> str | None:
    text = raw.lower()
    return next((code for code, pattern in CLP_CLASS if re.search(pattern, text)), None)


def _cppdb(df: pd.DataFrame) -> list[pd.DataFrame]:
    s = "cppdb"
    no_info = "no specific information"
    funcs = _multi(df, "Description, function", r"[;,]")
    fcodes = {raw: v.function_code(raw, strict=True) for raw in funcs["raw"].unique()}
    synonyms = _multi(df, "Synonym", ";")
    out = [_claims(df, s, "name", df["Name"]),
           _claims(synonyms, s, "synonym", synonyms["raw"]),
           _claims(df, s, "ec_number", df["EC number"]),
           _claims(funcs, s, "function", funcs["raw"].map(fcodes), funcs["raw"]),
           _mapped(_multi(df, "Used or found in", r"[;,]"), s, "polymer", v.polymer_code),
           _claims(df, s, "use_level", df["Use levels and migration potential"]
                   .where(~df["Use levels and migration potential"].str.contains(no_info), "")),
           _claims(df, s, "tonnage", df["Total tonnage registered in EU"].where(
               ~df["Total tonnage registered in EU"].isin(["info n/f", ""]), ""))]
    classes = _multi(df, "Harmonized CLP: Hazard Class and Category Code(s)", ";")
    out.append(_claims(classes, s, "hazard", classes["raw"].map(_clp_code), classes["raw"]))
    hs = _multi(df, "Harmonized CLP: Hazard Statement Code(s)", ";")
    out.append(_claims(hs, s, "h_statement", hs["raw"].str.extract(r"(H\d{3}[A-Za-z]*)")[0], "harmonised CLP"))
    pbt = df["PBT/vPvB EU status, i.e., on REACH Candidate list and PBT/vPvB assessments under the previous EU "
             "chemicals legislation"]
    out.append(_claims(df, s, "flag", pd.Series("PBT", index=df.index).where(
        pbt.str.match(r"^(PBT|vPvB)") | (df["PBT, on EPA lists?"] == "yes")), pbt))
    edc_cols = ["EDC, REACH classific-n", "EDC, IPCP/WHO report 2018 (data status July 2017)",
                "EDC, SIN List mentions ED properties", "EDC, BLV 2009 list", "EDC on TEDX list"]
    negative = ["none", "not listed", "no", "", "0"]
    edc = pd.concat([~df[c].str.lower().isin(negative) for c in edc_cols], axis=1).any(axis=1)
    out.append(_claims(df, s, "flag", pd.Series("EDC", index=df.index).where(edc), "EDC column(s) of CPPdb"))
    out += _flag_claims(df, s, "listing", {
        "POPs Stockholm convention list?": "stockholm", "On Candidate List? + reasons for inclusion": "eu-svhc",
        "On Authoriz. list? (Annex XIV)": "eu-reach-xiv", "On Restr. List? (Annex XVII)": "eu-reach-xvii",
        "On Prop65 list?": "prop65",
    }, yes=lambda c: c.str.lower().str.startswith("yes"), no=lambda c: c.str.lower() == "no")
    sin = df["On SIN List? + reasons for inclusion"]
    out += _flag_claims(df.assign(_sin=sin), s, "listing", {"_sin": "sin-list"},
                        yes=lambda c: c.str.lower().str.startswith("yes"), no=lambda c: c.str.lower() == "no")
    return out


AURISANO_LISTS = {
    "European Candidate List of substances of very high concern for Authorisation (SVHC)": "eu-svhc",
    "Stockholm Convention (POPs)": "stockholm", "Rotterdam Convention": "rotterdam", "Montreal Protocol": "montreal",
    "Minamata Convention": "minamata", "RoHS Directive": "eu-rohs", "Toy Safety Directive (EU) 2009/48/EC": "eu-toys",
    "REACH ANNEX XVII": "eu-reach-xvii", "California Proposition 65 list of chemicals": "prop65",
    "REACH - PIC Legislation: Regulation (EU) No 649/2012": "eu-pic",
    "Commission Regulation (EU) No 10/2011 on plastic materials and articles intended to come into contact with food":
        "eu-10-2011",
    "UNEP EDC (UNEP, 2018. Overview Report I: Worldwide Initiatives to Identify Endocrine Disrupting Chemicals (EDCs) "
    "and Potential EDCs. International Panel on Chemical Pollution (IPCP))": "unep-edc",
}
AURISANO_HAZARDS = {
    "acute toxicity": "acute-toxic", "Skin corrosion / irritation": "skin",
    "Serious eye damage / eye irritation": "eye",
    "Sensitisation of the respiratory tract or the skin": "sensitiser", "Germ cell mutagenicity": "mutagenic",
    "Carcinogenicity": "carcinogenic", "Reproductive toxicity": "reprotoxic",
    "Specific target organ toxicity (STOT acute | repeated exposure)": "stot", "Aspiration Toxicity": "aspiration",
    "acute ecotoxicity to aquatic organisms": "aquatic-acute", "chronic ecotoxicity to aquatic organisms":
        "aquatic-chronic",
}


def _aurisano(df: pd.DataFrame) -> list[pd.DataFrame]:
    s = "aurisano"
    funcs = pd.concat([_multi(df, "Primary function", r"[|;]"), _multi(df, "Other functions", r"[|;,]")])
    out = [_claims(df, s, "name", df["Substance name"]),
           _mapped(funcs, s, "function", v.function_code),
           _mapped(_multi(df, "Polymer type", r"\|"), s, "polymer", v.polymer_code),
           _claims(df, s, "use_level", df["Concentration range (%)"].map(lambda c: f"{c} %" if c else ""))]
    # an Aurisano list column is the authors' check against that list: blank means "not on it" (as of 2021)
    listed = {c: code for c, code in AURISANO_LISTS.items() if c in df.columns}
    out += _flag_claims(df, s, "listing", listed, yes=lambda c: c.str.lower() == "x", no=lambda c: c == "")
    others = [c for c in df.columns[6:32] if c not in AURISANO_LISTS]
    for column in others:
        hit = df[column].str.lower() == "x"
        out.append(_claims(df[hit], s, "listing", pd.Series("other-list", index=df.index)[hit], column, "yes"))
    for column, code in AURISANO_HAZARDS.items():
        hit = df[column].str.lower() == "x"
        out.append(_claims(df[hit], s, "hazard", pd.Series(code, index=df.index)[hit], f"GHS class: {column}"))
    for column, flag in [("ECHA PBT or vPvB (PBT and vPvB status of a substance in the EU)", "PBT"),
                         ("ECHA ED (Endocrine disruptor assessment list)", "EDC")]:
        hit = df[column].str.lower() == "x"
        out.append(_claims(df[hit], s, "flag", pd.Series(flag, index=df.index)[hit], column))
    return out


def _eu_10_2011(df: pd.DataFrame) -> list[pd.DataFrame]:
    s = "eu_10_2011"
    role = np.where(df["Additive or PPA"] == "yes", "additive or polymer production aid",
                    np.where(df["Use as monomer/macromolecule"] == "yes", "monomer or other starting substance", ""))
    detail = ("FCM No " + df["FCM No"] + "; Annex I; " + pd.Series(role, index=df.index)
              + np.where(df["SML (mg/kg)"] != "", "; SML " + df["SML (mg/kg)"], "")
              + np.where(df["SML(T) (mg/kg)"] != "", "; SML(T) " + df["SML(T) (mg/kg)"] + " mg/kg", ""))
    out = [_claims(df, s, "name", df["Substance Name"]), _claims(df, s, "ec_number", df["EC No."].replace("-", "")),
           _claims(df, s, "listing", pd.Series("eu-10-2011", index=df.index), detail, "yes"),
           _claims(df, s, "function", pd.Series(np.where(df["Use as monomer/macromolecule"] == "yes", "monomer", ""),
                                                   index=df.index), "Use as monomer/macromolecule: yes"),
           _claims(df, s, "use_level", df["Restriction(s)"].str.replace("&gt;", ">").str.replace("&lt;", "<")
                   .str.slice(0, 400))]
    return out


def _stockholm(df: pd.DataFrame) -> list[pd.DataFrame]:
    s = "stockholm"
    detail = ("Annex " + df["annex"].str.replace(";", "/") + "; listed " + df["listing_year"] + " ("
              + df["listing_meeting"] + np.where(df["decision"] != "", ", decision " + df["decision"], "") + ")"
              + "; representative CAS")
    names = df["chemical"] + np.where(df["abbreviation"] != "", " (" + df["abbreviation"] + ")", "")
    return [_claims(df, s, "name", names), _claims(df, s, "listing", pd.Series("stockholm", index=df.index),
                                                    detail, "yes")]


READERS = {
    "plasticmap": ("casrn", ["name", "casrn", "use_function", "polymer"], _plasticmap),
    "cppdb": ("CAS", ["CAS", "Name", "Synonym", "Description, function", "Used or found in"], _cppdb),
    "aurisano": ("CAS number", ["CAS number", "Substance name", "Primary function", "Polymer type"], _aurisano),
    "eu_10_2011": ("CAS No.", ["Substance Name", "CAS No.", "FCM No", "Additive or PPA"], _eu_10_2011),
    "stockholm": ("representative_cas_rn", ["chemical", "representative_cas_rn", "annex", "listing_year"],
                  _stockholm),
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_source(folder: Path, key: str) -> SourceFrame:
    """All claims of one source (see the module contract)."""
    spec = SOURCES[key]
    cas_col, needed, reader = READERS[key]
    raw = _read_csv(folder, spec, needed)
    keyed, rejected = _keyed(raw, cas_col)
    claims = pd.concat(reader(keyed), ignore_index=True)[CLAIM_COLUMNS]
    claims = claims.drop_duplicates(["cas", "field", "value", "detail", "listed"])
    info = {"key": key, "name": v.SOURCE_NAMES[key], "version": spec.version, "licence": spec.licence,
            "citation": spec.citation, "file": spec.path, "sha256": sha256(folder / spec.path)}
    return SourceFrame(key, claims, rejected.reset_index(drop=True), info, rows=len(raw))
