"""Where the published input tables live, and how each is read into arrays keyed by ISO3.

Tables with a licence that allows it are bundled in `data/`; the others (Jambeck 2015 Data S1,
Borrelle 2020 inputs) are read from an operator-provided sources folder laid out like the
project's `../shared/data` (`<folder>/<source>/<file>`), in the folders `folders.searched()` names (given by
the service layer from the hub's settings; this layer never reads the environment).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from litterhub.analysis.inventory import errors, folders
from litterhub.analysis.inventory.countries import code_for_name, normalise_code

BUNDLED = Path(__file__).resolve().parent / "data"

JAMBECK_FILE = ("jambeck2015", "jambeck2015_S1_owid_original_2018.csv")
BORRELLE_DIR = ("borrelle2020", "inputs")
MEIJER_FILE = "meijer2021_country_owid.csv"
MEIJER_RIVERS_FILE = "meijer2021_top50_rivers_owid.csv"
# River rows of the OWID file without "(country)" in the name, and its misspelt country.
RIVER_COUNTRIES = {"Cilliwung": "IDN", "Douala Estuary": "CMR"}
RIVER_COUNTRY_NAMES = {"Myamnar": "MMR"}
WAW_FILE = "what_a_waste_2_country_level_data_0.csv"

JAMBECK_CITATION = "Jambeck et al. 2015, Science 347:768, Data S1 (via OWID owid-datasets @ dc504ef)"
MEIJER_CITATION = "Meijer et al. 2021, Sci. Adv. 7:eaaz5803, Table S8 (via OWID owid-datasets @ 5f88752)"
BORRELLE_CITATION = (
    "Borrelle et al. 2020, Science 369:1515, model inputs "
    "(SBBorrelle/Borrelle-et-al-Science-Plastic-Emissions @ 5337146)"
)
WAW_CITATION = "World Bank, What a Waste 2.0 (Kaza et al. 2018), CC BY 4.0"

BORRELLE_FIRST_YEAR = 2016
BORRELLE_LAST_YEAR = 2030


def sources_dirs() -> list[Path]:
    """Candidate folders holding the non-bundled source tables, most specific first."""
    return folders.searched()


def locate(*parts: str) -> Path:
    """Find a non-bundled source table, or explain where it was looked for."""
    for folder in sources_dirs():
        path = folder.joinpath(*parts)
        if path.exists():
            return path
    looked = ", ".join(str(folder) for folder in sources_dirs())
    raise errors.InventoryInputError.single(
        errors.SOURCE_TABLE_MISSING,
        f"source table {'/'.join(parts)} is not bundled (its licence does not allow it) and was not "
        f"found in: {looked}. Set LITTERHUB_INVENTORY_SOURCES to a folder that holds it.",  # Settings.inventory_sources
    )


@dataclass(frozen=True)
class JambeckTable:
    """Jambeck 2015 Data S1 inputs, one row per coastal country (year 2010)."""

    codes: np.ndarray
    names: np.ndarray
    coastal_population: np.ndarray
    waste_kg_per_person_day: np.ndarray
    plastic_share: np.ndarray
    inadequately_managed_share: np.ndarray
    mpw_2025_published_t: np.ndarray

    def index(self, code: str) -> int | None:
        hits = np.flatnonzero(self.codes == normalise_code(code))
        return int(hits[0]) if hits.size else None


@lru_cache(maxsize=1)
def jambeck_table() -> JambeckTable:
    """Read S1; the OWID copy rounds the rates, so the sheet's own rates are recovered from its
    kg/day columns (plastic share = P/W, inadequately managed share = I/P), as the spec allows."""
    frame = pd.read_csv(locate(*JAMBECK_FILE))
    frame = frame[frame["Entity"] != "World"]
    msw = frame["Municipal waste generated"].to_numpy(float)
    plastic = frame["Plastic waste generated"].to_numpy(float)
    inadequate = frame["Inadequately managed plastic waste"].to_numpy(float)
    printed_p = frame["Share of plastics in waste stream"].to_numpy(float)
    printed_m = frame["Share of plastic inadequately managed"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(msw > 0, plastic / msw, (printed_p - 0.05) / 100)
        m_in = np.where(plastic > 0, inadequate / plastic, printed_m / 100)
    names = frame["Entity"].to_numpy(str)
    codes = np.array([code_for_name(n) or "" for n in names])
    return JambeckTable(
        codes=codes,
        names=names,
        coastal_population=frame["Coastal population"].to_numpy(float),
        waste_kg_per_person_day=frame["Per capita waste generation rate"].to_numpy(float),
        plastic_share=p,
        inadequately_managed_share=m_in,
        mpw_2025_published_t=frame["Total mismanaged plastic waste in 2025"].to_numpy(float),
    )


@dataclass(frozen=True)
class MeijerTable:
    """Meijer 2021 Table S8 (2015 MPW reference year), countries only (regions dropped)."""

    codes: np.ndarray
    names: np.ndarray
    emission_probability: np.ndarray  # P(E), fraction, area-averaged
    mpw_t: np.ndarray
    emission_ratio: np.ndarray  # r = M(E)/MPW (fraction), MPW-weighted
    published_share: np.ndarray  # the table's rounded "share emitted" column (fraction)

    def index(self, code: str) -> int | None:
        hits = np.flatnonzero(self.codes == normalise_code(code))
        return int(hits[0]) if hits.size else None


@lru_cache(maxsize=1)
def meijer_table() -> MeijerTable:
    """Table S8; r = M(E)/MPW at full precision (the spec's definition; the table's "share emitted"
    column is the same ratio rounded to 0.01 %, used only where MPW is 0)."""
    path = BUNDLED / MEIJER_FILE
    if not path.exists():
        path = locate("meijer2021", MEIJER_FILE)
    frame = pd.read_csv(path)
    names = frame["Entity"].to_numpy(str)
    codes = np.array([code_for_name(n) or "" for n in names])
    keep = codes != ""
    mpw = frame["Mismanaged plastic waste (metric tons year-1)"].to_numpy(float)[keep]
    emitted = frame["Mismanaged waste emitted to the ocean (metric tons year-1)"].to_numpy(float)[keep]
    share = frame["Share of mismanaged plastic waste emitted to ocean"].to_numpy(float)[keep] / 100
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(mpw > 0, emitted / mpw, share)
    return MeijerTable(
        codes=codes[keep],
        names=names[keep],
        emission_probability=frame["Probability of plastic being emitted to ocean"].to_numpy(float)[keep] / 100,
        mpw_t=mpw,
        emission_ratio=ratio,
        published_share=share,
    )


@dataclass(frozen=True)
class MeijerRivers:
    """The 50 river mouths emitting most (Meijer 2021 midpoint), t/yr and share of the global total."""

    river: np.ndarray
    codes: np.ndarray
    emission_t: np.ndarray
    share_of_global: np.ndarray  # fraction


@lru_cache(maxsize=1)
def meijer_rivers() -> MeijerRivers:
    path = BUNDLED / MEIJER_RIVERS_FILE
    if not path.exists():
        path = locate("meijer2021", MEIJER_RIVERS_FILE)
    frame = pd.read_csv(path)
    entities = frame["Entity"].astype(str)
    rivers, codes = [], []
    for entity in entities:
        name, _, rest = entity.partition(" (")
        country = rest.rstrip(")") if rest else ""
        code = RIVER_COUNTRIES.get(entity) or RIVER_COUNTRY_NAMES.get(country) or code_for_name(country) or ""
        rivers.append(name if rest else entity)
        codes.append(code)
    return MeijerRivers(
        river=np.array(rivers),
        codes=np.array(codes),
        emission_t=frame["Mismanaged waste emitted to the ocean (metric tons year-1)"].to_numpy(float),
        share_of_global=frame["Share of global plastics emitted to ocean"].to_numpy(float) / 100,
    )


@dataclass(frozen=True)
class BorrelleTable:
    """Borrelle 2020 per-country inputs for the countries present in all input files (as in the R code)."""

    codes: np.ndarray
    names: np.ndarray
    income_class: np.ndarray  # HI / UMI / LMI / LI
    waste_kg_per_person_day: np.ndarray
    waste_growth: np.ndarray  # a_c, multiplicative per year
    plastic_share: np.ndarray
    mismanaged_share: np.ndarray
    population: np.ndarray  # (country, year 2016..2030)
    emission_ratio_replicates: np.ndarray  # (country, 1000)
    plastic_share_cap: dict[str, float]
    scenarios: dict[str, dict[str, dict[str, tuple[float, float, float]]]]
    # scenarios[name][income_class][action] = (value, min_rate, max_rate)

    @property
    def years(self) -> np.ndarray:
        return np.arange(BORRELLE_FIRST_YEAR, BORRELLE_LAST_YEAR + 1)

    def index(self, code: str) -> int | None:
        hits = np.flatnonzero(self.codes == normalise_code(code))
        return int(hits[0]) if hits.size else None


@lru_cache(maxsize=1)
def borrelle_table() -> BorrelleTable:
    folder = locate(*BORRELLE_DIR)
    waste = pd.read_csv(folder / "01-waste-inputs.csv", encoding="utf-8-sig")
    ratios = pd.read_csv(folder / "02-spatial_emission_ratios.csv", encoding="utf-8-sig")
    population = pd.read_csv(folder / "03-population-growth_PF.csv", encoding="latin-1")
    caps = pd.read_csv(folder / "04-waste-proportions_PF.csv", encoding="utf-8-sig")
    listed = pd.read_csv(folder / "05-country-codes_PF.csv", encoding="utf-8-sig")
    scen = pd.read_csv(folder / "07-scenarios_Manuscript.csv", encoding="utf-8-sig")

    codes = set(listed["iso3c"]) & set(waste["iso3c"]) & set(population["iso3c"]) & set(ratios["iso3c"])
    waste = waste[waste["iso3c"].isin(codes)].drop_duplicates("iso3c").set_index("iso3c").sort_index()
    order = waste.index
    ratios = ratios.drop_duplicates("iso3c").set_index("iso3c").loc[order]
    population = population.drop_duplicates("iso3c").set_index("iso3c").loc[order]
    years = [str(y) for y in range(BORRELLE_FIRST_YEAR, BORRELLE_LAST_YEAR + 1)]
    rep_cols = [c for c in ratios.columns if c.startswith("rep")]

    scenarios: dict[str, dict[str, dict[str, tuple[float, float, float]]]] = {}
    for row in scen.itertuples(index=False):
        by_class = scenarios.setdefault(str(row.Scenario), {}).setdefault(str(row.eco_status), {})
        by_class[str(row.action)] = (float(row.Value), float(row.min_rate), float(row.max_rate))
    return BorrelleTable(
        codes=order.to_numpy(str),
        names=waste["country"].to_numpy(str),
        income_class=waste["eco_status"].to_numpy(str),
        waste_kg_per_person_day=waste["Kg_capita_day_waste_gen"].to_numpy(float),
        waste_growth=waste["annual_change_waste_gen"].to_numpy(float),
        plastic_share=waste["percent_plastic"].to_numpy(float),
        mismanaged_share=waste["total_missman"].to_numpy(float),
        population=population[years].to_numpy(float),
        emission_ratio_replicates=ratios[rep_cols].to_numpy(float),
        plastic_share_cap={str(r.eco_status): float(r.prop_2030) for r in caps.itertuples(index=False)},
        scenarios=scenarios,
    )


@dataclass(frozen=True)
class WhatAWasteTable:
    """What a Waste 2.0 country-level data: the defaults for waste generated and its fate."""

    codes: np.ndarray
    names: np.ndarray
    income_class: np.ndarray
    population: np.ndarray
    msw_t_per_year: np.ndarray
    plastic_share: np.ndarray
    open_dump_share: np.ndarray
    other_share: np.ndarray
    unaccounted_share: np.ndarray
    waterways_marine_share: np.ndarray
    landfill_unspecified_share: np.ndarray

    def index(self, code: str) -> int | None:
        hits = np.flatnonzero(self.codes == normalise_code(code))
        return int(hits[0]) if hits.size else None


@lru_cache(maxsize=1)
def what_a_waste_table() -> WhatAWasteTable:
    frame = pd.read_csv(BUNDLED / WAW_FILE, encoding="utf-8-sig")

    def share(column: str) -> np.ndarray:
        return frame[column].to_numpy(float) / 100

    return WhatAWasteTable(
        codes=frame["iso3c"].str.upper().to_numpy(str),
        names=frame["country_name"].to_numpy(str),
        income_class=frame["income_id"].fillna("").to_numpy(str),
        population=frame["population_population_number_of_people"].to_numpy(float),
        msw_t_per_year=frame["total_msw_total_msw_generated_tons_year"].to_numpy(float),
        plastic_share=share("composition_plastic_percent"),
        open_dump_share=share("waste_treatment_open_dump_percent"),
        other_share=share("waste_treatment_other_percent"),
        unaccounted_share=share("waste_treatment_unaccounted_for_percent"),
        waterways_marine_share=share("waste_treatment_waterways_marine_percent"),
        landfill_unspecified_share=share("waste_treatment_landfill_unspecified_percent"),
    )
