"""National source inventory use cases: run a leakage model for a country (published defaults or
the country's own figures), compare scenarios, and build the flow from waste generated to leakage.

The CLI, the API and the web pages all call these functions and only serialise what they return.
Results say which compartment the plastic reaches, because Jambeck and Meijer estimate input to
the ocean while Borrelle estimates emission to all aquatic ecosystems.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

import numpy as np
from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError

from litterhub.analysis.inventory import borrelle, chain, errors, jambeck, meijer, microplastics, sources
from litterhub.analysis.inventory import inputs as inputs_module
from litterhub.analysis.inventory.countries import country_name, normalise_code
from litterhub.analysis.inventory.errors import InventoryInputError
from litterhub.analysis.inventory.inputs import (
    BORRELLE_OVERRIDABLE,
    JAMBECK_COLUMNS,
    Override,
    Sourced,
    apply_overrides,
    borrelle_inputs,
    check_country,
    check_value,
    jambeck_defaults,
    jambeck_inputs,
    jambeck_published_mpw_2025,
    meijer_defaults,
    parse_jambeck_csv,
    parse_overrides_csv,
    read_table,
    what_a_waste_defaults,
)
from litterhub.analysis.inventory.uncertainty import summarise, summary_at
from litterhub.services.auth import audit
from litterhub.store.inventory_tables import national_inventories as records_table

__all__ = [
    "SCENARIOS",
    "BorrelleEstimate",
    "InventoryInputError",
    "JambeckEstimate",
    "MeijerEstimate",
    "Override",
    "borrelle_all_countries",
    "borrelle_country",
    "borrelle_scenarios",
    "borrelle_totals",
    "jambeck_ranking",
    "country_flow",
    "country_profile",
    "decode_upload",
    "jambeck_country",
    "jambeck_from_csv",
    "list_inventories",
    "meijer_country",
    "meijer_top_rivers",
    "microplastics_from_csv",
    "microplastics_summary",
    "overrides_from_csv",
    "overview",
    "parse_override_args",
    "submit_from_json",
    "submit_inventory",
    "versions",
]

SCENARIOS = tuple(borrelle.SCENARIOS)
DEFAULT_DRAWS = 1000
DEFAULT_SEED = 1421  # the seed of Borrelle et al.'s R script; NumPy's stream differs, the spread does not
# Monte Carlo draws per request. Memory grows as countries x draws x years (about ten float arrays of that
# shape live at once): one country over 2016-2030 at 50 000 draws is ~100 MB, and the P10/P90 are then
# within a fraction of a percent (the sampling error of a tail quantile shrinks as 1/sqrt(draws); the
# default 1 000 is within about 3 %). Runs over all 174 countries (the world and income-class totals) are
# held to 10 000 draws (~140 MB for one year): at 100 000 one request took 1.7 GB and three at once took the
# server down. More draws than these buy no precision anyone can use.
MAX_DRAWS = 50_000
MAX_WORLD_DRAWS = 10_000


def decode_upload(data: bytes) -> str:
    """Text of an uploaded CSV (UTF-8, with or without BOM), or a clear error."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InventoryInputError.single(
            errors.ENCODING_ERROR, f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV"
        ) from None


def parse_override_args(pairs: Iterable[str], source: str | None) -> list[Override]:
    """`FIELD=VALUE` pairs from the command line or a form, all citing `source`."""
    result = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise InventoryInputError.single(errors.INVALID_PARAMETER, f"'{pair}' is not FIELD=VALUE", field="override")
        if not (source or "").strip():
            raise InventoryInputError.single(
                errors.MISSING_CELL, "say where the overriding figures come from", field="override_source"
            )
        number, issues = check_value(name.strip(), value)
        if issues:
            raise InventoryInputError(issues)
        result.append(Override(name.strip(), float(number), str(source).strip()))
    return result


def _inputs_dict(values: dict[str, Sourced]) -> dict[str, dict[str, object]]:
    return {name: {"value": v.value, "source": v.source} for name, v in values.items()}


@dataclass(frozen=True)
class JambeckEstimate:
    country: str
    year: int
    mismanaged_plastic_waste_t: float
    marine_debris_low_t: float
    marine_debris_mid_t: float
    marine_debris_high_t: float
    inputs: dict[str, dict[str, object]] = field(default_factory=dict)
    method: str = "jambeck2015"
    compartment: str = jambeck.COMPARTMENT
    note: str = ""

    def summary(self) -> dict[str, object]:
        """The documented CLI/API shape."""
        return {
            "country": self.country,
            "year": self.year,
            "mismanaged_plastic_waste_t": self.mismanaged_plastic_waste_t,
            "marine_debris_low_t": self.marine_debris_low_t,
            "marine_debris_high_t": self.marine_debris_high_t,
        }

    def detail(self) -> dict[str, object]:
        return {
            **self.summary(),
            "marine_debris_mid_t": self.marine_debris_mid_t,
            "marine_debris_uniform_t": jambeck.debris_uniform_summary(self.mismanaged_plastic_waste_t),
            "marine_debris_uniform_note": "conversion rate c ~ U(0.15, 0.40): the paper gives the range, "
            "the uniform law is an assumption",
            "method": self.method,
            "compartment": self.compartment,
            "inputs": self.inputs,
            "note": self.note,
        }


def _check_year(year: int, allowed: Sequence[int], model: str) -> None:
    if year not in allowed:
        raise InventoryInputError.single(
            errors.YEAR_OUT_OF_RANGE,
            f"{model} is available for {', '.join(map(str, allowed))}, not {year}",
            field="year",
        )


def jambeck_country(code: str, year: int = 2010, overrides: Iterable[Override] = ()) -> JambeckEstimate:
    """Jambeck 2015 for one country: 2010 computed from inputs (overridable); 2025 from the paper's
    published MPW projection (its method is not reproducible), times the same 15–40 % range."""
    _check_year(year, jambeck.YEARS, "Jambeck et al. 2015")
    defaults = jambeck_defaults(code)
    code = normalise_code(code)
    overrides = list(overrides)
    if year == 2025:
        if overrides:
            raise InventoryInputError.single(
                errors.INVALID_PARAMETER,
                "the 2025 figures are Jambeck's published projection; overrides apply to 2010 only",
                field="year",
            )
        mpw = jambeck_published_mpw_2025(code)
        low, mid, high = (float(x) for x in jambeck.debris_range(mpw))
        return JambeckEstimate(
            code,
            2025,
            mpw,
            low,
            mid,
            high,
            inputs={"mismanaged_plastic_waste_t": {"value": mpw, "source": sources.JAMBECK_CITATION}},
            note="MPW 2025 is the paper's published projection (method not reproducible), not computed here",
        )
    values = apply_overrides(defaults, overrides)
    result = jambeck.compute(jambeck_inputs(code, values))
    return JambeckEstimate(
        code,
        2010,
        float(result.mismanaged_plastic_waste_t[0]),
        float(result.marine_debris_low_t[0]),
        float(result.marine_debris_mid_t[0]),
        float(result.marine_debris_high_t[0]),
        inputs=_inputs_dict(values),
    )


USER_YEARS = range(1950, 2101)


def jambeck_from_csv(text: str, source: str = "user upload", year: int = 2010) -> list[JambeckEstimate]:
    """Jambeck chain on a user table (columns `country,coastal_population,waste_kg_per_person_day,
    plastic_share,inadequately_managed_share,littered_share`); refused whole if any row is bad.
    `year` is the year the user's inputs describe (it only labels the results)."""
    if year not in USER_YEARS:
        raise InventoryInputError.single(
            errors.YEAR_OUT_OF_RANGE, f"the inputs' year must be between 1950 and 2100, not {year}", field="year"
        )
    parsed = parse_jambeck_csv(text, source)
    result = jambeck.compute(parsed)
    estimates = []
    for i, code in enumerate(parsed.country):
        used = {name: {"value": float(getattr(parsed, name)[i]), "source": source} for name in JAMBECK_COLUMNS[1:]}
        estimates.append(
            JambeckEstimate(
                str(code),
                year,
                float(result.mismanaged_plastic_waste_t[i]),
                float(result.marine_debris_low_t[i]),
                float(result.marine_debris_mid_t[i]),
                float(result.marine_debris_high_t[i]),
                inputs=used,
                note="computed from the inputs supplied; the year labels them",
            )
        )
    return estimates


@dataclass(frozen=True)
class MeijerEstimate:
    country: str
    year: int
    mismanaged_plastic_waste_t: float
    emission_ratio: float
    emission_probability: float
    emitted_to_ocean_t: float
    inputs: dict[str, dict[str, object]] = field(default_factory=dict)
    method: str = "meijer2021"
    compartment: str = meijer.COMPARTMENT

    def summary(self) -> dict[str, object]:
        return {
            "country": self.country,
            "year": self.year,
            "mismanaged_plastic_waste_t": self.mismanaged_plastic_waste_t,
            "emission_ratio": self.emission_ratio,
            "emitted_to_ocean_t": self.emitted_to_ocean_t,
        }

    def detail(self) -> dict[str, object]:
        return {
            **self.summary(),
            "emission_probability": self.emission_probability,
            "method": self.method,
            "compartment": self.compartment,
            "inputs": self.inputs,
        }


MEIJER_OVERRIDABLE = ("mismanaged_plastic_waste_t", "emission_ratio")


def meijer_top_rivers(code: str | None = None) -> list[dict[str, object]]:
    """Meijer's top-50 emitting river mouths (all, or one country's), largest first: hotspots."""
    rivers = sources.meijer_rivers()
    if code is not None:
        known, issues = check_country(code)
        if issues:
            raise InventoryInputError(issues)
        keep = rivers.codes == known
    else:
        keep = np.ones(rivers.codes.shape, bool)
    order = np.argsort(-rivers.emission_t[keep], kind="stable")
    return [
        {
            "river": str(rivers.river[keep][i]),
            "country": str(rivers.codes[keep][i]),
            "emitted_to_ocean_t": float(rivers.emission_t[keep][i]),
            "share_of_global": float(rivers.share_of_global[keep][i]),
        }
        for i in order
    ]


def meijer_country(code: str, overrides: Iterable[Override] = ()) -> MeijerEstimate:
    """Emission to the ocean = MPW × r (Meijer's country ratio); MPW and r overridable."""
    values = apply_overrides(meijer_defaults(code), overrides, MEIJER_OVERRIDABLE)
    code = normalise_code(code)
    result = meijer.compute(
        np.array([code]),
        values["mismanaged_plastic_waste_t"].value,
        values["emission_ratio"].value,
        values["emission_probability"].value,
    )
    return MeijerEstimate(
        code,
        meijer.REFERENCE_YEAR,
        float(result.mismanaged_plastic_waste_t),
        float(result.emission_ratio),
        float(result.emission_probability),
        float(result.emitted_to_ocean_t),
        inputs=_inputs_dict(values),
    )


@dataclass(frozen=True)
class BorrelleEstimate:
    country: str
    year: int
    scenario: str
    draws: int
    seed: int
    emissions_t_mean: float
    emissions_t_p10: float
    emissions_t_p90: float
    emissions_t_p2_5: float
    emissions_t_p97_5: float
    inputs: dict[str, str] = field(default_factory=dict)
    method: str = "borrelle2020"
    compartment: str = borrelle.COMPARTMENT

    def summary(self) -> dict[str, object]:
        return {
            "country": self.country,
            "year": self.year,
            "scenario": self.scenario,
            "emissions_t_mean": self.emissions_t_mean,
            "emissions_t_p10": self.emissions_t_p10,
            "emissions_t_p90": self.emissions_t_p90,
        }

    def detail(self) -> dict[str, object]:
        return {
            **self.summary(),
            "emissions_t_p2_5": self.emissions_t_p2_5,
            "emissions_t_p97_5": self.emissions_t_p97_5,
            "draws": self.draws,
            "seed": self.seed,
            "method": self.method,
            "compartment": self.compartment,
            "input_sources": self.inputs,
        }


def _check_run(scenario: str, draws: int, years: Iterable[int], limit: int = MAX_DRAWS) -> None:
    if scenario not in borrelle.SCENARIOS:
        raise InventoryInputError.single(
            errors.UNKNOWN_SCENARIO,
            f"'{scenario}' is not a scenario; choose one of {', '.join(borrelle.SCENARIOS)}",
            field="scenario",
        )
    if not 1 <= draws <= limit:
        raise InventoryInputError.single(
            errors.INVALID_PARAMETER, f"draws must be between 1 and {limit} here (more add no precision to the "
            f"P10/P90 and only cost memory), not {draws}", field="draws"
        )
    for year in years:
        if not borrelle.FIRST_YEAR <= year <= borrelle.LAST_YEAR:
            raise InventoryInputError.single(
                errors.YEAR_OUT_OF_RANGE,
                f"Borrelle et al. 2020 covers {borrelle.FIRST_YEAR}–{borrelle.LAST_YEAR}, not {year}",
                field="year",
            )


def _run_borrelle(
    inputs: borrelle.BorrelleInputs, scenario: str, years: Sequence[int], draws: int, seed: int
) -> dict[str, np.ndarray]:
    levers = borrelle.levers_for(sources.borrelle_table().scenarios, scenario, inputs.income_class)
    col = np.asarray(years, int) - int(inputs.years[0])
    if np.isnan(inputs.population[:, col]).any():
        missing = inputs.country[np.isnan(inputs.population[:, col]).any(axis=1)]
        raise InventoryInputError.single(
            errors.NO_MODEL_INPUTS,
            f"no World Bank population projection for {', '.join(map(str, missing))} in the years asked",
            field="year",
        )
    draws_t = borrelle.simulate(inputs, levers, np.asarray(years), draws, np.random.default_rng(seed))
    return summarise(draws_t, axis=1)


def borrelle_country(
    code: str,
    year: int,
    scenario: str = "bau",
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    overrides: Iterable[Override] = (),
) -> BorrelleEstimate:
    """Borrelle 2020 emissions to aquatic ecosystems for one country, year and scenario."""
    _check_run(scenario, draws, [year])
    inputs = borrelle_inputs([code], overrides)
    stats = _run_borrelle(inputs, scenario, [year], draws, seed)
    s = summary_at(stats, (0, 0))
    return BorrelleEstimate(
        str(inputs.country[0]),
        year,
        scenario,
        draws,
        seed,
        s.mean,
        s.p10,
        s.p90,
        s.p2_5,
        s.p97_5,
        inputs=dict(inputs.sources),
    )


def borrelle_scenarios(
    code: str, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED
) -> dict[str, list[dict[str, float]]]:
    """Trajectories 2016–2030 of every scenario for one country (mean, P10, P90 per year)."""
    years = list(range(borrelle.FIRST_YEAR, borrelle.LAST_YEAR + 1))
    _check_run("bau", draws, years)
    inputs = borrelle_inputs([code])
    out: dict[str, list[dict[str, float]]] = {}
    for scenario in borrelle.SCENARIOS:
        stats = _run_borrelle(inputs, scenario, years, draws, seed)
        out[scenario] = [
            {"year": year, **{k: float(v[0, i]) for k, v in stats.items()}} for i, year in enumerate(years)
        ]
    return out


def borrelle_all_countries(
    years: Sequence[int],
    scenarios: Sequence[str] = SCENARIOS,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> dict[str, dict[str, np.ndarray]]:
    """Every country in Borrelle's inputs × scenarios × draws at once; countries whose population
    projection is missing for a year get NaN for that year (as in the R code)."""
    for scenario in scenarios:
        _check_run(scenario, draws, years, MAX_WORLD_DRAWS)
    inputs = borrelle_inputs(None)
    out = {}
    for scenario in scenarios:
        levers = borrelle.levers_for(sources.borrelle_table().scenarios, scenario, inputs.income_class)
        draws_t = borrelle.simulate(inputs, levers, np.asarray(years), draws, np.random.default_rng(seed))
        out[scenario] = {"country": inputs.country, **summarise(draws_t, axis=1)}
    return out


INCOME_CLASSES = ("HI", "UMI", "LMI", "LI")


def borrelle_totals(
    year: int, scenario: str = "bau", draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED
) -> dict[str, object]:
    """Income-class and global totals the way the paper reports them: sums of the per-country mean,
    P10 and P90 (not quantiles of the sum); countries without a population projection are left out."""
    _check_run(scenario, draws, [year], MAX_WORLD_DRAWS)
    stats = borrelle_all_countries([year], [scenario], draws, seed)[scenario]
    income = sources.borrelle_table().income_class
    rows: list[dict[str, object]] = []
    for label, mask in [*((c, income == c) for c in INCOME_CLASSES), ("world", np.ones(income.shape, bool))]:
        rows.append(
            {
                "group": label,
                "countries": int(np.isfinite(stats["mean"][mask, 0]).sum()),
                **{f"emissions_t_{k}": float(np.nansum(stats[k][mask, 0])) for k in ("mean", "p10", "p90")},
            }
        )
    return {"year": year, "scenario": scenario, "compartment": borrelle.COMPARTMENT, "groups": rows}


def jambeck_ranking(limit: int = 20) -> list[dict[str, object]]:
    """Jambeck Table 1: countries ranked by MPW 2010 with the columns the paper prints, computed from S1's
    inputs (MPW 2025 is the published projection)."""
    inputs = inputs_module.jambeck_all()
    result = jambeck.compute(inputs)
    table = sources.jambeck_table()
    mpw = result.mismanaged_plastic_waste_t
    order = np.argsort(-mpw, kind="stable")[: max(0, limit)]
    total = mpw.sum()
    return [
        {
            "rank": rank,
            "country": str(inputs.country[i]),
            "name": country_name(str(inputs.country[i])),
            "coastal_population": float(inputs.coastal_population[i]),
            "waste_kg_per_person_day": float(inputs.waste_kg_per_person_day[i]),
            "plastic_share": float(inputs.plastic_share[i]),
            "mismanaged_share": float(inputs.inadequately_managed_share[i] + inputs.littered_share[i]),
            "mismanaged_plastic_waste_t": float(mpw[i]),
            "share_of_global_mpw": float(mpw[i] / total),
            "marine_debris_low_t": float(result.marine_debris_low_t[i]),
            "marine_debris_high_t": float(result.marine_debris_high_t[i]),
            "mismanaged_plastic_waste_2025_t": float(table.mpw_2025_published_t[i]),
        }
        for rank, i in enumerate(order, start=1)
    ]


def microplastics_from_csv(text: str) -> microplastics.MicroplasticsResult:
    """Primary microplastics from user parameters, long format: `source,pathway,activity,loss_rate,
    pathway_share,retention` (shares and retention as fractions; pathway shares of a source sum to 1)."""
    columns = ("source", "pathway", "activity", "loss_rate", "pathway_share", "retention")
    rows = read_table(text, columns)
    issues: list[errors.InputIssue] = []
    values: dict[str, list] = {c: [] for c in columns}
    for line, row in rows:
        for name in ("source", "pathway"):
            text_value = (row.get(name) or "").strip()
            if not text_value:
                issues.append(errors.InputIssue(errors.MISSING_CELL, "a name is required", line, name))
            values[name].append(text_value)
        for name in ("activity", "loss_rate", "pathway_share", "retention"):
            value, found = check_value(name, row.get(name), line)
            issues += found
            values[name].append(value)
    if issues:
        raise InventoryInputError(issues)
    table = microplastics.PathwayTable(
        source=np.array(values["source"]),
        pathway=np.array(values["pathway"]),
        activity=np.array(values["activity"], float),
        loss_rate=np.array(values["loss_rate"], float),
        pathway_share=np.array(values["pathway_share"], float),
        retention=np.array(values["retention"], float),
    )
    sums = np.bincount(np.unique(table.source, return_inverse=True)[1], weights=table.pathway_share)
    bad = [str(s) for s, total in zip(np.unique(table.source), sums, strict=True) if abs(total - 1) > 1e-6]
    if bad:
        raise InventoryInputError.single(
            errors.INVALID_PARAMETER,
            f"pathway shares must sum to 1 for each source; they do not for: {', '.join(bad)}",
            field="pathway_share",
        )
    return microplastics.compute(table)


@dataclass(frozen=True)
class FlowStep:
    """One node of the flow chart from waste generated to leakage (t/yr)."""

    label: str
    value_t: float
    compartment: str = ""
    source: str = ""


def country_flow(code: str, overrides: Iterable[Override] = ()) -> dict[str, object]:
    """Waste generated → plastic → mismanaged (whole population, What a Waste 2.0 defaults or the
    country's figures) → leakage by each method, every leakage labelled by compartment."""
    known, issues = check_country(code)
    if issues:
        raise InventoryInputError(issues)
    values = apply_overrides(
        what_a_waste_defaults(known),
        overrides,
        (
            "population",
            "waste_kg_per_person_day",
            "plastic_share",
            "inadequately_managed_share",
            "littered_share",
        ),
    )
    waste_t = float(chain.waste_generated(values["population"].value, values["waste_kg_per_person_day"].value))
    waste_t *= chain.KG_PER_DAY_TO_T_PER_YEAR
    plastic_t = float(chain.plastic_waste(waste_t, values["plastic_share"].value))
    inadequate, littered = chain.mismanaged_parts(
        plastic_t, values["inadequately_managed_share"].value, values["littered_share"].value
    )
    mpw_t = float(inadequate + littered)
    steps = [
        FlowStep("waste generated", waste_t, source=values["waste_kg_per_person_day"].source),
        FlowStep("plastic waste", plastic_t, source=values["plastic_share"].source),
        FlowStep("mismanaged plastic waste", mpw_t, source=values["inadequately_managed_share"].source),
    ]
    leakage: list[dict[str, object]] = []
    low, mid, high = jambeck.debris_range(mpw_t)
    leakage.append(
        {
            "method": "jambeck2015",
            "compartment": jambeck.COMPARTMENT,
            "low_t": float(low),
            "mid_t": float(mid),
            "high_t": float(high),
            "basis": "15–40 % of this mismanaged plastic waste (Jambeck applied it to coastal MPW only)",
        }
    )
    try:
        ratio = meijer_defaults(known)["emission_ratio"]
        leakage.append(
            {
                "method": "meijer2021",
                "compartment": meijer.COMPARTMENT,
                "mean_t": float(chain.leakage(mpw_t, ratio.value)),
                "basis": f"this MPW × Meijer's emission ratio {ratio.value:.4f}",
            }
        )
    except InventoryInputError:
        pass
    try:
        replicates = borrelle_inputs([known]).emission_ratio_replicates[0]
        draws = chain.leakage(mpw_t, replicates)
        stats = summarise(draws)
        leakage.append(
            {
                "method": "borrelle2020",
                "compartment": borrelle.COMPARTMENT,
                "mean_t": float(stats["mean"]),
                "p10_t": float(stats["p10"]),
                "p90_t": float(stats["p90"]),
                "basis": "this MPW × Borrelle's 1000 spatial emission-ratio replicates",
            }
        )
    except InventoryInputError:
        pass
    return {
        "country": known,
        "name": country_name(known),
        "inputs": _inputs_dict(values),
        "steps": [step.__dict__ for step in steps],
        "leakage": leakage,
        "compartment_labels": chain.COMPARTMENT_LABELS,
    }


OVERRIDABLE = {
    "jambeck": JAMBECK_COLUMNS[1:],
    "meijer": MEIJER_OVERRIDABLE,
    "borrelle": BORRELLE_OVERRIDABLE,
}


def overrides_from_csv(text: str, method: str) -> list[Override]:
    """A country's own figures for `method` from a `field,value,source` table."""
    return parse_overrides_csv(text, OVERRIDABLE[method])


def microplastics_summary(result: microplastics.MicroplasticsResult) -> dict[str, object]:
    """Plain-data shape of a primary-microplastics result (CLI JSON, API)."""
    rows = [
        {"source": str(s), "loss_t": float(loss), "release_to_ocean_t": float(rel), "release_share": float(sh)}
        for s, loss, rel, sh in zip(
            result.sources, result.loss_t, result.release_to_ocean_t, result.release_share, strict=True
        )
    ]
    return {
        "total_release_to_ocean_t": result.total_release_t,
        "compartment": microplastics.COMPARTMENT,
        "sources": rows,
        "by_pathway": result.by_pathway,
    }


# --- national inventories as versioned records -------------------------------------------------

RECORD_METHODS = ("jambeck", "meijer", "borrelle")


def _record_row(row) -> dict[str, object]:
    data = dict(row._mapping)
    data["created_at"] = data["created_at"].isoformat() if data.get("created_at") else None
    data.pop("id", None)
    return data


def _estimate_for(
    method: str, country: str, year: int | None, overrides: list[Override], scenario: str, draws: int, seed: int
) -> tuple[dict[str, object], int, str, float, float | None, float | None]:
    """Run `method`; return (results, year, compartment, central, low, high)."""
    if method == "jambeck":
        e = jambeck_country(country, 2010 if year is None else year, overrides)
        return e.detail(), e.year, e.compartment, e.marine_debris_mid_t, e.marine_debris_low_t, e.marine_debris_high_t
    if method == "meijer":
        e = meijer_country(country, overrides)
        return e.detail(), e.year, e.compartment, e.emitted_to_ocean_t, None, None
    e = borrelle_country(country, 2016 if year is None else year, scenario, draws, seed, overrides)
    return e.detail(), e.year, e.compartment, e.emissions_t_mean, e.emissions_t_p10, e.emissions_t_p90


def submit_inventory(
    hub,
    country: str,
    method: str,
    submitter: str,
    year: int | None = None,
    overrides: Iterable[Override] = (),
    scenario: str = "bau",
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    account: str = "cli",
) -> dict[str, object]:
    """Compute a national inventory with the country's own figures and store it as a new version;
    `submitter` is who the inventory is from (an agency), `account` who stored it (audit log)."""
    if method not in RECORD_METHODS:
        raise InventoryInputError.single(
            errors.INVALID_PARAMETER, f"method must be one of {', '.join(RECORD_METHODS)}", field="method"
        )
    if not submitter.strip():
        raise InventoryInputError.single(errors.MISSING_CELL, "say who submits this inventory", field="submitter")
    overrides = list(overrides)
    results, year_used, compartment, central, low, high = _estimate_for(
        method, country, year, overrides, scenario, draws, seed
    )
    code = normalise_code(country)
    row = {
        "country": code,
        "method": method,
        "year": year_used,
        "scenario": scenario if method == "borrelle" else "",
        "compartment": compartment,
        "submitter": submitter.strip(),
        "account": account,
        "inputs": [{"field": o.field, "value": o.value, "source": o.source} for o in overrides],
        "results": results,
        "central_t": central,
        "low_t": low,
        "high_t": high,
    }
    for _attempt in range(3):  # two writers may race for the same version number
        try:
            with hub.engine.begin() as conn:
                latest = conn.execute(
                    select(func.max(records_table.c.version)).where(
                        records_table.c.country == code, records_table.c.method == method
                    )
                ).scalar()
                version = (latest or 0) + 1
                conn.execute(records_table.insert().values(**row, version=version, created_at=datetime.now(UTC)))
                audit(conn, account, "inventory.submitted", f"inventory:{code}/{method}", {"version": version})
            return {**row, "version": version}
        except IntegrityError:
            continue
    raise InventoryInputError.single(errors.INVALID_PARAMETER, "could not allocate a version; try again")


def submit_from_json(hub, body: object, account: str) -> dict[str, object]:
    """Validate an API submission body and store it."""
    if not isinstance(body, dict):
        raise InventoryInputError.single(errors.TYPE_ERROR, "send a JSON object")
    issues: list[errors.InputIssue] = []
    for name in ("country", "method", "submitter"):
        if not isinstance(body.get(name), str) or not body[name].strip():
            issues.append(errors.InputIssue(errors.MISSING_CELL, "a text value is required", field=name))
    overrides: list[Override] = []
    raw = body.get("overrides") or []
    if not isinstance(raw, list):
        issues.append(errors.InputIssue(errors.TYPE_ERROR, "a list of {field, value, source}", field="overrides"))
        raw = []
    for n, item in enumerate(raw):
        where = f"overrides[{n}]"
        if not isinstance(item, dict):
            issues.append(errors.InputIssue(errors.TYPE_ERROR, "an object {field, value, source}", field=where))
            continue
        value, found = check_value(str(item.get("field")), item.get("value"))
        issues += [errors.InputIssue(i.code, i.message, None, f"{where}.{i.field}") for i in found]
        if not str(item.get("source") or "").strip():
            issues.append(
                errors.InputIssue(errors.MISSING_CELL, "say where this figure comes from", None, f"{where}.source")
            )
        elif value is not None:
            overrides.append(Override(str(item["field"]), value, str(item["source"]).strip()))
    numbers = {}
    for name, default in (("year", None), ("draws", DEFAULT_DRAWS), ("seed", DEFAULT_SEED)):
        value = body.get(name, default)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            issues.append(errors.InputIssue(errors.TYPE_ERROR, "an integer is required", field=name))
        numbers[name] = value
    if issues:
        raise InventoryInputError(issues)
    return submit_inventory(
        hub,
        body["country"],
        body["method"].strip().lower(),
        body["submitter"],
        numbers["year"],
        overrides,
        str(body.get("scenario") or "bau"),
        numbers["draws"],
        numbers["seed"],
        account,
    )


def list_inventories(hub, country: str | None = None, method: str | None = None) -> list[dict[str, object]]:
    """Latest version of every stored inventory, largest central estimate first."""
    latest = (
        select(records_table.c.country, records_table.c.method, func.max(records_table.c.version).label("version"))
        .group_by(records_table.c.country, records_table.c.method)
        .subquery()
    )
    query = select(records_table).join(
        latest,
        and_(
            records_table.c.country == latest.c.country,
            records_table.c.method == latest.c.method,
            records_table.c.version == latest.c.version,
        ),
    )
    if country:
        query = query.where(records_table.c.country == normalise_code(country))
    if method:
        query = query.where(records_table.c.method == method)
    with hub.engine.connect() as conn:
        rows = conn.execute(query.order_by(records_table.c.central_t.desc())).fetchall()
    return [_record_row(r) for r in rows]


def versions(hub, country: str, method: str) -> list[dict[str, object]]:
    """Every stored version of one country's inventory for one method, newest first."""
    query = (
        select(records_table)
        .where(records_table.c.country == normalise_code(country), records_table.c.method == method)
        .order_by(records_table.c.version.desc())
    )
    with hub.engine.connect() as conn:
        rows = conn.execute(query).fetchall()
    if not rows:
        raise InventoryInputError.single(
            "litter-not-found", f"no stored {method} inventory for {normalise_code(country)}", field="country"
        )
    return [_record_row(r) for r in rows]


# --- pages: every country at a glance, one country in full ---------------------------------------


def _try(fn, *args, **kwargs):
    """Run one model for a page; a country a model does not cover gets the reason instead."""
    try:
        return fn(*args, **kwargs), None
    except InventoryInputError as exc:
        return None, exc.issues[0].message


@lru_cache(maxsize=4)
def overview(draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED) -> tuple[dict[str, object], ...]:
    """One row per country with each model's default headline (for the index table and map)."""
    import pycountry

    rows: dict[str, dict[str, object]] = {}

    def row(code: str) -> dict[str, object]:
        if code not in rows:
            found = pycountry.countries.get(alpha_3=code)
            rows[code] = {"country": code, "name": country_name(code), "numeric": found.numeric if found else None}
        return rows[code]

    try:
        table = sources.jambeck_table()
    except InventoryInputError:
        table = None
    if table is not None:
        result = jambeck.compute(inputs_module.jambeck_all())
        for i, code in enumerate(table.codes):
            r = row(str(code))
            r["jambeck_mpw_t"] = float(result.mismanaged_plastic_waste_t[i])
            r["jambeck_debris_low_t"] = float(result.marine_debris_low_t[i])
            r["jambeck_debris_high_t"] = float(result.marine_debris_high_t[i])
    table = sources.meijer_table()
    emitted = chain.leakage(table.mpw_t, table.emission_ratio)
    for i, code in enumerate(table.codes):
        row(str(code))["meijer_emitted_t"] = float(emitted[i])
    try:
        runs = borrelle_all_countries([borrelle.FIRST_YEAR, borrelle.LAST_YEAR], SCENARIOS, draws, seed)
    except InventoryInputError:
        runs = {}
    for scenario, stats in runs.items():
        for i, code in enumerate(stats["country"]):
            r = row(str(code))
            if scenario == "bau":
                r["borrelle_2016_mean_t"] = _finite(stats["mean"][i, 0])
                r["borrelle_2016_p10_t"] = _finite(stats["p10"][i, 0])
                r["borrelle_2016_p90_t"] = _finite(stats["p90"][i, 0])
            r[f"borrelle_2030_{scenario}_mean_t"] = _finite(stats["mean"][i, 1])
    return tuple(sorted(rows.values(), key=lambda r: str(r["name"])))


def _finite(value: float) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def country_profile(
    code: str, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED, overrides: Iterable[Override] = ()
) -> dict[str, object]:
    """Everything the country page shows; each model that does not cover the country says why."""
    known, issues = check_country(code)
    if issues:
        raise InventoryInputError(issues)
    overrides = list(overrides)
    by_method: dict[str, list[Override]] = {m: [] for m in OVERRIDABLE}
    for o in overrides:
        for method, allowed in OVERRIDABLE.items():
            if o.field in allowed:
                by_method[method].append(o)
    profile: dict[str, object] = {"country": known, "name": country_name(known), "notes": {}}
    notes: dict[str, str] = profile["notes"]  # type: ignore[assignment]
    j2010, notes["jambeck"] = _try(jambeck_country, known, 2010, by_method["jambeck"])
    j2025, _ = _try(jambeck_country, known, 2025)
    profile["jambeck"] = [e.detail() for e in (j2010, j2025) if e is not None]
    m, notes["meijer"] = _try(meijer_country, known, by_method["meijer"])
    profile["meijer"] = m.detail() if m else None
    profile["rivers"] = meijer_top_rivers(known)
    results: list[dict[str, object]] = []
    note = None
    for scenario in SCENARIOS:
        for year in (borrelle.FIRST_YEAR, borrelle.LAST_YEAR):
            e, note = _try(borrelle_country, known, year, scenario, draws, seed, by_method["borrelle"])
            if e is None:
                break
            results.append(e.detail())
        if note:
            break
    notes["borrelle"] = note
    profile["borrelle"] = results
    trajectories, _ = _try(borrelle_scenarios, known, draws, seed)
    profile["scenarios"] = trajectories
    profile["flow"], notes["flow"] = _try(country_flow, known)
    profile["compartment_labels"] = chain.COMPARTMENT_LABELS
    profile["overrides"] = [{"field": o.field, "value": o.value, "source": o.source} for o in overrides]
    profile["notes"] = {k: v for k, v in notes.items() if v}
    return profile
