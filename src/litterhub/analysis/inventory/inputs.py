"""Model inputs: published defaults per country, a country's own overrides (each with its source),
and validated user tables. Nothing is computed from an input with an issue: every issue found is
collected, reported with its line and field, and the whole input is refused.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from litterhub.analysis.inventory import borrelle, chain, errors, sources
from litterhub.analysis.inventory.countries import is_known_code, normalise_code
from litterhub.analysis.inventory.jambeck import JambeckInputs

SHARE = "share"  # a fraction in [0, 1]
NON_NEGATIVE = "non-negative"
POSITIVE = "positive"

FIELD_RULES: dict[str, str] = {
    "coastal_population": NON_NEGATIVE,
    "population": NON_NEGATIVE,
    "waste_kg_per_person_day": NON_NEGATIVE,
    "plastic_share": SHARE,
    "inadequately_managed_share": SHARE,
    "littered_share": SHARE,
    "mismanaged_share": SHARE,
    "mismanaged_plastic_waste_t": NON_NEGATIVE,
    "emission_ratio": SHARE,
    "waste_growth": POSITIVE,
    "unspecified_landfill_mismanaged_share": SHARE,
    "activity": NON_NEGATIVE,
    "loss_rate": NON_NEGATIVE,
    "pathway_share": SHARE,
    "retention": SHARE,
}

JAMBECK_COLUMNS = (
    "country",
    "coastal_population",
    "waste_kg_per_person_day",
    "plastic_share",
    "inadequately_managed_share",
    "littered_share",
)
OVERRIDE_COLUMNS = ("field", "value", "source")

# Borrelle's compilation counts a share of "landfill, unspecified" as mismanaged; the spec's
# example is 25 % (USA). Used only for What a Waste based defaults; overridable.
DEFAULT_UNSPECIFIED_LANDFILL_MISMANAGED = 0.25


@dataclass(frozen=True)
class Sourced:
    """One input value with the source it came from (a citation, or the user's stated source)."""

    value: float
    source: str


@dataclass(frozen=True)
class Override:
    """A country's own figure replacing a default; `source` is required so it can be cited."""

    field: str
    value: float
    source: str


def check_value(
    field: str, raw: object, line: int | None = None
) -> tuple[float | None, list[errors.InputIssue]]:
    """Parse and range-check one numeric input against its field rule."""
    rule = FIELD_RULES.get(field)
    if rule is None:
        return None, [
            errors.InputIssue(
                errors.INVALID_PARAMETER,
                f"'{field}' is not an input of this model; known inputs: {', '.join(sorted(FIELD_RULES))}",
                line,
                field,
            )
        ]
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None, [errors.InputIssue(errors.MISSING_CELL, "a value is required", line, field)]
    try:
        value = float(text)
    except ValueError:
        return None, [errors.InputIssue(errors.TYPE_ERROR, f"'{text}' is not a number", line, field)]
    if not math.isfinite(value):
        return None, [errors.InputIssue(errors.TYPE_ERROR, f"'{text}' is not a finite number", line, field)]
    if rule == SHARE and not 0 <= value <= 1:
        return None, [
            errors.InputIssue(
                errors.SHARE_OUT_OF_RANGE,
                f"{value:g} is outside [0, 1]; shares are fractions (write 0.11 for 11 %)",
                line,
                field,
            )
        ]
    if rule == NON_NEGATIVE and value < 0:
        return None, [errors.InputIssue(errors.NEGATIVE_VALUE, f"{value:g} is negative", line, field)]
    if rule == POSITIVE and value <= 0:
        return None, [
            errors.InputIssue(errors.NEGATIVE_VALUE, f"{value:g} must be greater than 0", line, field)
        ]
    return value, []


def check_country(raw: object, line: int | None = None, field: str = "country") -> tuple[str | None, list]:
    text = "" if raw is None else str(raw).strip()
    if text == "":
        return None, [
            errors.InputIssue(errors.MISSING_CELL, "an ISO 3166-1 alpha-3 code is required", line, field)
        ]
    if not is_known_code(text):
        return None, [
            errors.InputIssue(
                errors.UNKNOWN_COUNTRY,
                f"'{text}' is not an ISO 3166-1 alpha-3 country code (e.g. PHL, CHN)",
                line,
                field,
            )
        ]
    return normalise_code(text), []


def read_table(text: str, required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV text with their file line numbers; refuses a table missing any column."""
    text = text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise errors.InventoryInputError.single(
            errors.EMPTY_INPUT, "the file is empty (no header row)", line=1
        )
    missing = [c for c in required if c not in header]
    if missing:
        raise errors.InventoryInputError(
            [
                errors.InputIssue(
                    errors.MISSING_LABEL,
                    f"required column '{name}' is missing; expected columns: {', '.join(required)}",
                    1,
                    name,
                )
                for name in missing
            ]
        )
    reader.fieldnames = header
    rows = [(reader.line_num, {k: v for k, v in row.items() if k is not None}) for row in reader]
    if not rows:
        raise errors.InventoryInputError.single(
            errors.EMPTY_INPUT, "the file has a header but no data rows", line=2
        )
    return rows


def parse_jambeck_csv(text: str, source: str = "user upload") -> JambeckInputs:
    """User inputs for the Jambeck chain, one country per row; shares as fractions."""
    rows = read_table(text, JAMBECK_COLUMNS)
    issues: list[errors.InputIssue] = []
    countries: list[str | None] = []
    numbers: dict[str, list[float | None]] = {name: [] for name in JAMBECK_COLUMNS[1:]}
    for line, row in rows:
        code, found = check_country(row.get("country"), line)
        issues += found
        countries.append(code)
        for name in JAMBECK_COLUMNS[1:]:
            value, found = check_value(name, row.get(name), line)
            issues += found
            numbers[name].append(value)
    if issues:
        raise errors.InventoryInputError(issues)
    return JambeckInputs(
        country=np.array(countries),
        **{name: np.array(values, float) for name, values in numbers.items()},
        sources={name: source for name in JAMBECK_COLUMNS[1:]},
    )


def parse_overrides_csv(text: str, allowed: Iterable[str]) -> list[Override]:
    """A country's own figures as `field,value,source` rows; the source is mandatory."""
    allowed = set(allowed)
    rows = read_table(text, OVERRIDE_COLUMNS)
    issues: list[errors.InputIssue] = []
    result: list[Override] = []
    for line, row in rows:
        name = (row.get("field") or "").strip()
        if name not in allowed:
            issues.append(
                errors.InputIssue(
                    errors.INVALID_PARAMETER,
                    f"'{name}' cannot be overridden here; allowed: {', '.join(sorted(allowed))}",
                    line,
                    "field",
                )
            )
            continue
        value, found = check_value(name, row.get("value"), line)
        issues += [errors.InputIssue(i.code, i.message, i.line, f"value ({name})") for i in found]
        cited = (row.get("source") or "").strip()
        if not cited:
            issues.append(
                errors.InputIssue(errors.MISSING_CELL, "say where this figure comes from", line, "source")
            )
        if value is not None and cited:
            result.append(Override(name, value, cited))
    if issues:
        raise errors.InventoryInputError(issues)
    return result


def apply_overrides(
    defaults: dict[str, Sourced], overrides: Iterable[Override], allowed: Iterable[str] | None = None
) -> dict[str, Sourced]:
    """Replace defaults by the country's own figures, checking each and keeping its source."""
    allowed = set(defaults if allowed is None else allowed)
    merged = dict(defaults)
    issues: list[errors.InputIssue] = []
    for override in overrides:
        if override.field not in allowed:
            issues.append(
                errors.InputIssue(
                    errors.INVALID_PARAMETER,
                    f"'{override.field}' cannot be overridden here; allowed: {', '.join(sorted(allowed))}",
                    field=override.field,
                )
            )
            continue
        value, found = check_value(override.field, override.value)
        issues += found
        if not override.source.strip():
            issues.append(
                errors.InputIssue(errors.MISSING_CELL, "say where this figure comes from", field="source")
            )
        if value is not None and override.source.strip():
            merged[override.field] = Sourced(value, f"override: {override.source.strip()}")
    if issues:
        raise errors.InventoryInputError(issues)
    return merged


def _require_country(code: str, table_codes: np.ndarray, model: str) -> int:
    known, issues = check_country(code)
    if issues:
        raise errors.InventoryInputError(issues)
    hits = np.flatnonzero(table_codes == known)
    if not hits.size:
        raise errors.InventoryInputError.single(
            errors.NO_MODEL_INPUTS,
            f"{known} has no default inputs for the {model} model (not in its input table); "
            "supply the country's own inputs instead",
            field="country",
        )
    return int(hits[0])


def jambeck_defaults(code: str) -> dict[str, Sourced]:
    """Jambeck 2015 S1 inputs (2010) for one country."""
    table = sources.jambeck_table()
    i = _require_country(code, table.codes, "Jambeck 2015")
    cite = sources.JAMBECK_CITATION
    return {
        "coastal_population": Sourced(float(table.coastal_population[i]), cite),
        "waste_kg_per_person_day": Sourced(float(table.waste_kg_per_person_day[i]), cite),
        "plastic_share": Sourced(float(table.plastic_share[i]), cite + "; unrounded rate = P/W"),
        "inadequately_managed_share": Sourced(
            float(table.inadequately_managed_share[i]), cite + "; unrounded rate = I/P"
        ),
        "littered_share": Sourced(
            chain.DEFAULT_LITTERED_SHARE, "Jambeck et al. 2015 (U.S. national litter study)"
        ),
    }


def jambeck_inputs(code: str, values: dict[str, Sourced]) -> JambeckInputs:
    """One-country JambeckInputs from sourced values."""
    return JambeckInputs(
        country=np.array([normalise_code(code)]),
        **{name: np.array([values[name].value]) for name in JAMBECK_COLUMNS[1:]},
        sources={name: values[name].source for name in JAMBECK_COLUMNS[1:]},
    )


def jambeck_published_mpw_2025(code: str) -> float:
    """Jambeck's own 2025 projection of MPW (S1 column): used as a published reference value, since
    the projection method is not reproducible from the paper."""
    table = sources.jambeck_table()
    return float(table.mpw_2025_published_t[_require_country(code, table.codes, "Jambeck 2015")])


def jambeck_all() -> JambeckInputs:
    """Every S1 country at once (for tables, maps and global sums)."""
    table = sources.jambeck_table()
    return JambeckInputs(
        country=table.codes,
        coastal_population=table.coastal_population,
        waste_kg_per_person_day=table.waste_kg_per_person_day,
        plastic_share=table.plastic_share,
        inadequately_managed_share=table.inadequately_managed_share,
        littered_share=np.full(table.codes.shape, chain.DEFAULT_LITTERED_SHARE),
        sources={"all": sources.JAMBECK_CITATION},
    )


def meijer_defaults(code: str) -> dict[str, Sourced]:
    table = sources.meijer_table()
    i = _require_country(code, table.codes, "Meijer 2021")
    cite = sources.MEIJER_CITATION
    return {
        "mismanaged_plastic_waste_t": Sourced(
            float(table.mpw_t[i]), cite + " (MPW 2015, Lebreton & Andrady 2019)"
        ),
        "emission_ratio": Sourced(float(table.emission_ratio[i]), cite + " (share of MPW emitted to ocean)"),
        "emission_probability": Sourced(float(table.emission_probability[i]), cite + " (P(E))"),
    }


BORRELLE_OVERRIDABLE = (
    "waste_kg_per_person_day",
    "plastic_share",
    "mismanaged_share",
    "waste_growth",
    "emission_ratio",
)


def borrelle_inputs(
    codes: Sequence[str] | None = None, overrides: Iterable[Override] = ()
) -> borrelle.BorrelleInputs:
    """Borrelle inputs for the given countries (all when None), with one country's overrides applied.

    An `emission_ratio` override replaces the 1000 spatial replicates by the country's own ratio.
    """
    table = sources.borrelle_table()
    if codes is None:
        rows = np.arange(table.codes.size)
    else:
        rows = np.array([_require_country(c, table.codes, "Borrelle 2020") for c in codes], int)
    cite = sources.BORRELLE_CITATION
    fields = {
        "waste_kg_per_person_day": table.waste_kg_per_person_day[rows].copy(),
        "plastic_share": table.plastic_share[rows].copy(),
        "mismanaged_share": table.mismanaged_share[rows].copy(),
        "waste_growth": table.waste_growth[rows].copy(),
    }
    replicates = table.emission_ratio_replicates[rows].copy()
    used = {name: cite for name in (*fields, "population", "emission_ratio")}
    overrides = list(overrides)
    if overrides:
        if rows.size != 1:
            raise errors.InventoryInputError.single(
                errors.INVALID_PARAMETER, "overrides apply to one country at a time", field="country"
            )
        defaults = {name: Sourced(float(values[0]), cite) for name, values in fields.items()}
        defaults["emission_ratio"] = Sourced(float(replicates[0].mean()), cite)
        merged = apply_overrides(defaults, overrides, BORRELLE_OVERRIDABLE)
        for name in fields:
            fields[name][0] = merged[name].value
            used[name] = merged[name].source
        if merged["emission_ratio"].source != cite:
            replicates[:] = merged["emission_ratio"].value
            used["emission_ratio"] = merged["emission_ratio"].source
    income = table.income_class[rows]
    return borrelle.BorrelleInputs(
        country=table.codes[rows],
        income_class=income,
        years=table.years,
        population=table.population[rows],
        plastic_share_cap=np.array([table.plastic_share_cap[str(c)] for c in income], float),
        emission_ratio_replicates=replicates,
        sources=used,
        **fields,
    )


def what_a_waste_defaults(code: str) -> dict[str, Sourced]:
    """Whole-population defaults for the generic chain from What a Waste 2.0 (bundled, CC BY 4.0)."""
    table = sources.what_a_waste_table()
    i = _require_country(code, table.codes, "What a Waste 2.0")
    cite = sources.WAW_CITATION
    population = float(table.population[i])
    msw = float(table.msw_t_per_year[i])
    plastic = float(table.plastic_share[i])
    if not (population > 0 and math.isfinite(msw) and math.isfinite(plastic)):
        raise errors.InventoryInputError.single(
            errors.NO_MODEL_INPUTS,
            f"What a Waste 2.0 has no population, MSW or plastic share for {normalise_code(code)}; "
            "supply the country's own figures",
            field="country",
        )
    inadequate = chain.mismanaged_share_from_treatment(
        table.open_dump_share[i],
        table.other_share[i],
        table.unaccounted_share[i],
        table.waterways_marine_share[i],
        table.landfill_unspecified_share[i],
        DEFAULT_UNSPECIFIED_LANDFILL_MISMANAGED,
    )
    return {
        "population": Sourced(population, cite),
        "waste_kg_per_person_day": Sourced(
            msw * 1000 / population / 365, cite + " (total MSW / population / 365)"
        ),
        "plastic_share": Sourced(plastic, cite + " (composition, plastic)"),
        "inadequately_managed_share": Sourced(
            float(inadequate),
            cite + " (open dump + other + unaccounted + waterways + 25 % of unspecified landfill)",
        ),
        "littered_share": Sourced(
            chain.DEFAULT_LITTERED_SHARE, "Jambeck et al. 2015 (U.S. national litter study)"
        ),
    }
