"""Registry entity types as pydantic models: one typed definition per kind of knowledge record, all sharing
coverage (ISO 3166-1 alpha-3 countries, region records), languages, topics, tags, sources and a licence.

Why typed fields rather than free text: the GPML platform keeps initiatives as 41 JSON answers that cannot be
filtered or compared (specs/peers.md §1.2); here every field a user would filter on has a type and a check.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from litterhub.errors import Unprocessable
from litterhub.registry.cas import validate_cas

UN_LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,118}[a-z0-9]$")
DOI_RE = re.compile(r"^(doi:)?10\.\d{4,9}/\S+$", re.IGNORECASE)
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s<>\"]*$", re.IGNORECASE)
LICENCE_RE = re.compile(r"^[A-Za-z0-9.+-]{2,64}$")

# Controlled topics: the facet users filter by. Free-form keywords go to `tags`.
TOPICS = (
    "monitoring", "beach-litter", "floating-litter", "seafloor-litter", "microplastics", "riverine-litter",
    "citizen-science", "data-management", "fishing-gear", "single-use-plastics", "plastic-bags", "packaging",
    "waste-management", "circular-economy", "epr", "additives", "chemicals", "policy", "governance",
    "capacity-building", "financing", "research", "assessment", "shipping", "biota", "source-inventory",
    "cleanup", "education", "industry", "regional-cooperation",
)

Str = Annotated[str, Field(min_length=1, max_length=300)]
Text = Annotated[str, Field(max_length=10_000)]
Year = Annotated[int, Field(ge=1800, le=2100)]
DateStr = Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
Verification = Literal["verified", "unverified", "needs-review"]
VERIFICATION_STATES = ("verified", "unverified", "needs-review")


def check_country(code: str) -> str:
    code = code.strip().upper()
    if pycountry.countries.get(alpha_3=code) is None:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-3 country code")
    return code


def check_source(value: str) -> str:
    value = value.strip()
    if DOI_RE.match(value):
        return "doi:" + value.split(":", 1)[1] if value.lower().startswith("doi:") else "doi:" + value
    if URL_RE.match(value):
        return value
    raise ValueError(f"{value!r} is neither an http(s) URL nor a DOI (10.xxxx/…)")


def source_url(source: str) -> str:
    """A clickable address for a source (DOIs resolve through doi.org)."""
    return "https://doi.org/" + source[4:] if source.startswith("doi:") else source


class Listing(BaseModel):
    """A regulatory listing of a substance: instrument, what it means, when, and the source saying so."""

    model_config = ConfigDict(extra="forbid")
    instrument: Str
    listing: Str
    year: Year
    source: str

    @field_validator("source")
    @classmethod
    def _src(cls, v: str) -> str:
        return check_source(v)


class Progress(BaseModel):
    """Progress an industry initiative reported for one year, with where it was reported; `metric`, `value` and
    `unit` when the report gives a figure (the compendium compares those)."""

    model_config = ConfigDict(extra="forbid")
    year: Year
    text: Text
    source: str
    metric: str | None = Field(None, max_length=120)
    value: float | None = None
    unit: str | None = Field(None, max_length=40)

    @field_validator("source")
    @classmethod
    def _src(cls, v: str) -> str:
        return check_source(v)


class Commitment(BaseModel):
    """A commitment of an industry initiative: what, the target (value, unit, year) and the baseline it is
    measured from, each as the initiative states it."""

    model_config = ConfigDict(extra="forbid")
    text: Text
    metric: str | None = Field(None, max_length=120)
    target_value: float | None = None
    unit: str | None = Field(None, max_length=40)
    target_year: Year | None = None
    baseline_value: float | None = None
    baseline_year: Year | None = None
    source: str

    @field_validator("source")
    @classmethod
    def _src(cls, v: str) -> str:
        return check_source(v)


class Covered(BaseModel):
    """A master item a policy targets (vocab/data/master_items.csv), with the products in the policy's words."""

    model_config = ConfigDict(extra="forbid")
    item: str
    products: str = Field("", max_length=300)

    @field_validator("item")
    @classmethod
    def _item(cls, v: str) -> str:
        from litterhub.vocab.items import master_list

        found = master_list().get(v.strip())
        if found is None:
            raise ValueError(f"{v!r} is not a master item code (vocab/data/master_items.csv)")
        return found.code


class RecordBase(BaseModel):
    """Fields every registry record has."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str | None = Field(None, description="stable slug; made from the title when absent")
    type: str
    title: Str
    names: dict[str, Str] = Field(default_factory=dict, description="official names by UN language code")
    acronyms: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(default_factory=list)
    summary: Text = ""
    url: str | None = None
    year: Year | None = Field(None, description="year of adoption, publication, founding or start")
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-3")
    regions: list[str] = Field(default_factory=list, description="ids of region records")
    languages: list[str] = Field(default_factory=list, description="ISO 639-1 codes of the record's material")
    topics: list[str] = Field(default_factory=list)
    tags: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(default_factory=list)
    sources: list[str] = Field(..., min_length=1, description="URLs or DOIs backing every fact in the record")
    licence: str = Field("CC-BY-4.0", description="SPDX id of the licence of this record's text, or 'facts-only' "
                         "(facts taken from a source whose text is not reproduced)")
    verification: Verification = Field("unverified", description="verified: every fact checked against the source "
                                       "document; unverified: entered from the source's description or knowledge "
                                       "and not checked against the document; needs-review: a doubt was raised")
    as_of: DateStr | None = Field(None, description="date the facts were taken from the source (YYYY[-MM[-DD]])")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str | None) -> str | None:
        if v is not None and not SLUG_RE.match(v):
            raise ValueError("id must be 3-120 characters of a-z, 0-9 and '-'")
        return v

    @field_validator("names")
    @classmethod
    def _names(cls, v: dict[str, str]) -> dict[str, str]:
        bad = [k for k in v if not re.fullmatch(r"[a-z]{2}", k)]
        if bad:
            raise ValueError(f"names are keyed by two-letter language codes, not {bad}")
        return v

    @field_validator("url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v and not URL_RE.match(v):
            raise ValueError("url must be an http(s) address")
        return v or None

    @field_validator("countries")
    @classmethod
    def _countries(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(check_country(c) for c in v))

    @field_validator("regions")
    @classmethod
    def _regions(cls, v: list[str]) -> list[str]:
        for r in v:
            if not SLUG_RE.match(r):
                raise ValueError(f"region {r!r} is not a record id")
        return list(dict.fromkeys(v))

    @field_validator("languages")
    @classmethod
    def _languages(cls, v: list[str]) -> list[str]:
        out = []
        for code in v:
            code = code.strip().lower()
            if pycountry.languages.get(alpha_2=code) is None:
                raise ValueError(f"{code!r} is not an ISO 639-1 language code")
            out.append(code)
        return list(dict.fromkeys(out))

    @field_validator("topics")
    @classmethod
    def _topics(cls, v: list[str]) -> list[str]:
        bad = [t for t in v if t not in TOPICS]
        if bad:
            raise ValueError(f"unknown topics {bad}; topics are: {', '.join(TOPICS)}")
        return list(dict.fromkeys(v))

    @field_validator("sources")
    @classmethod
    def _sources(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(check_source(s) for s in v))

    @field_validator("licence")
    @classmethod
    def _licence(cls, v: str) -> str:
        if not LICENCE_RE.match(v):
            raise ValueError("licence must be an SPDX identifier such as CC-BY-4.0 or CC0-1.0")
        return v


class Actor(RecordBase):
    type: Literal["actor"] = "actor"
    kind: Literal["government", "intergovernmental", "ngo", "research", "company", "network",
                  "secretariat", "other"]
    headquarters: str | None = Field(None, description="ISO3 country of the seat")

    @field_validator("headquarters")
    @classmethod
    def _hq(cls, v: str | None) -> str | None:
        return check_country(v) if v else None


class Initiative(RecordBase):
    type: Literal["initiative"] = "initiative"
    kind: Literal["project", "demonstration", "programme", "monitoring-programme", "citizen-science",
                  "campaign", "partnership", "database"]
    objectives: Text = ""
    start_year: Year | None = None
    end_year: Year | None = None
    funding: Text = ""
    results: Text = ""
    regional_activity: str | None = Field(None, description="id of the region record it belongs to")
    location: str | None = Field(None, max_length=300, description="where a project or demonstration runs")
    partners: list[Str] = Field(default_factory=list, description="partner organisations as named by the source")


Compartment = Literal["beach", "riverbank", "lakeshore", "surface-water", "water-column", "seafloor", "sediment",
                      "biota", "air", "wastewater", "drinking-water"]


class Guideline(RecordBase):
    type: Literal["guideline"] = "guideline"
    compartments: list[Compartment] = Field(default_factory=list)
    size_min_mm: float | None = Field(None, ge=0)
    size_max_mm: float | None = Field(None, ge=0)
    method: Text = ""
    equipment: list[Str] = Field(default_factory=list)
    version: str | None = None
    publisher: str | None = None
    dataset_ids: list[str] = Field(default_factory=list, description="hub datasets collected with this guideline")


class Report(RecordBase):
    type: Literal["report"] = "report"
    kind: Literal["assessment", "scientific-article", "technical-report", "book", "dataset-description",
                  "policy-brief"]
    authors: list[Str] = Field(default_factory=list)
    publisher: str | None = None
    series: str | None = None


class Policy(RecordBase):
    type: Literal["policy"] = "policy"
    kind: Literal["ban", "levy", "epr", "deposit-return", "regulation", "directive", "convention", "resolution",
                  "action-plan", "strategy", "standard", "other"]
    status: Literal["proposed", "adopted", "in-force", "repealed", "superseded"]
    jurisdiction: str | None = None
    adopted: DateStr | None = None
    in_force: DateStr | None = None
    reference: str | None = Field(None, description="official number, e.g. Directive (EU) 2019/904")
    start_year: Year | None = Field(None, description="year the measure started to apply")
    covers: list[Covered] = Field(default_factory=list, description="master items the measure targets")


SCOPES = ("product-design", "standards", "innovation", "production-volumes", "additives")


class IndustryInitiative(RecordBase):
    type: Literal["industry_initiative"] = "industry_initiative"
    actors: list[Str] = Field(default_factory=list, description="who runs or signs it, as named by the source")
    sector: str | None = Field(None, max_length=200, description="value-chain sector, e.g. packaging, resin production")
    scope: list[Literal["product-design", "standards", "innovation", "production-volumes", "additives"]] = Field(
        default_factory=list, description="the 9(d) areas the initiative addresses")
    commitments: list[Commitment] = Field(default_factory=list)
    product_design: Text = ""
    standards: list[Str] = Field(default_factory=list)
    innovation: Text = ""
    production_volumes: Text = ""
    additives_used: list[Str] = Field(default_factory=list)
    additives_phased_out: list[Str] = Field(default_factory=list)
    epr_participation: bool | None = None
    progress: list[Progress] = Field(default_factory=list)


class Additive(RecordBase):
    type: Literal["additive"] = "additive"
    cas_rn: list[str] = Field(default_factory=list)
    functions: list[Str] = Field(default_factory=list, description="e.g. flame retardant, plasticiser")
    polymers: list[Str] = Field(default_factory=list)
    hazard_classes: list[Str] = Field(default_factory=list)
    listings: list[Listing] = Field(default_factory=list)

    @field_validator("cas_rn")
    @classmethod
    def _cas(cls, v: list[str]) -> list[str]:
        return [validate_cas(c) for c in v]


_FORMATS = Literal["training", "mentoring", "technical-assistance", "equipment", "data-analysis", "funding",
                   "exchange-visit", "online-course", "expert-advice"]


class CapacityNeed(RecordBase):
    type: Literal["capacity_need"] = "capacity_need"
    formats: list[_FORMATS] = Field(default_factory=list)
    deadline: DateStr | None = None


class CapacityOffer(RecordBase):
    type: Literal["capacity_offer"] = "capacity_offer"
    formats: list[_FORMATS] = Field(default_factory=list)
    provider: str | None = Field(None, description="id of the actor record offering it")


class Financing(RecordBase):
    type: Literal["financing"] = "financing"
    funder: str | None = None
    kind: Literal["grant", "loan", "trust-fund", "prize", "blended", "other"] = "other"
    amount: float | None = Field(None, ge=0)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    deadline: DateStr | None = None


LIFE_CYCLE_STAGES = ("design", "production", "distribution", "use", "collection", "sorting", "recycling",
                     "recovery", "disposal", "cleanup")
EVIDENCE_LEVELS = ("evaluated", "monitored", "case-study", "expert-guidance", "not-assessed")


class Practice(RecordBase):
    """A waste-management or recycling practice, or a guidance document on one: where in the life cycle, which
    material, in what setting, at what cost, and how strong the evidence that it works is."""

    type: Literal["practice"] = "practice"
    kind: Literal["practice", "guidance"]
    life_cycle_stages: list[Literal["design", "production", "distribution", "use", "collection", "sorting",
                                    "recycling", "recovery", "disposal", "cleanup"]] = Field(default_factory=list)
    materials: list[Str] = Field(default_factory=list, description="e.g. PET, plastic packaging, fishing gear")
    settings: list[Literal["urban", "rural", "island", "coastal", "port", "at-sea", "riverine", "industrial",
                           "national"]] = Field(default_factory=list)
    cost: Text = Field("", description="cost as the source gives it (amount, currency, per what), or empty")
    evidence_level: Literal["evaluated", "monitored", "case-study", "expert-guidance", "not-assessed"] = Field(
        "not-assessed", description="evaluated: independent evaluation of outcomes; monitored: outcomes measured by "
        "the implementer; case-study: described experience; expert-guidance: recommended by an expert body")
    publisher: str | None = Field(None, max_length=300)


class Event(RecordBase):
    type: Literal["event"] = "event"
    start_date: DateStr
    end_date: DateStr | None = None
    location: str | None = None
    online: bool = False


class Region(RecordBase):
    type: Literal["region"] = "region"
    kind: Literal["regional-seas", "river-basin", "fisheries-body", "marine-region", "political", "mea",
                  "un-regional-group", "transnational"]
    convention: str | None = None
    secretariat: str | None = None


class LearningResource(RecordBase):
    """A course, masterclass, webinar, field manual or video (by link) and the skills it teaches (issue 22); the
    guideline records it trains for are `protocols`, so a protocol's page and a dataset's page link the training."""

    type: Literal["learning_resource"] = "learning_resource"
    kind: Literal["course", "masterclass", "webinar", "field-manual", "guideline", "video", "tool", "other"] = "course"
    level: Literal["introductory", "intermediate", "advanced"] = "introductory"
    format: Literal["online-self-paced", "online-live", "in-person", "document", "video"] = "document"
    duration_hours: float | None = Field(None, gt=0, le=1000, description="as the provider states it; empty if not")
    provider: str | None = Field(None, max_length=300, description="who offers it, as the source names them")
    skills: list[Str] = Field(default_factory=list, description="what a learner can do afterwards")
    protocols: list[str] = Field(default_factory=list, description="ids of the guideline records it trains for")


class LearningPath(RecordBase):
    """An ordered sequence of learning resources towards one goal, e.g. "run an OSPAR beach survey"."""

    type: Literal["learning_path"] = "learning_path"
    goal: Text = ""
    steps: list[str] = Field(default_factory=list, description="ids of learning resources, in the order to follow")
    level: Literal["introductory", "intermediate", "advanced"] = "introductory"


ENTITY_TYPES: dict[str, type[RecordBase]] = {
    m.model_fields["type"].default: m
    for m in (Actor, Initiative, Guideline, Report, Policy, IndustryInitiative, Additive, CapacityNeed,
              CapacityOffer, Financing, Event, Region, Practice, LearningResource, LearningPath)
}
TYPE_LABELS = {
    "actor": "Actor", "initiative": "Initiative or project", "guideline": "Guideline or protocol",
    "report": "Report or publication", "policy": "Policy or measure", "industry_initiative": "Industry initiative",
    "additive": "Additive or chemical", "capacity_need": "Capacity need", "capacity_offer": "Capacity offer",
    "financing": "Financing opportunity", "event": "Event", "region": "Region",
    "practice": "Practice or guidance", "learning_resource": "Learning resource", "learning_path": "Learning path",
}


class RecordError(Unprocessable, ValueError):
    """A record that cannot be stored; `errors` are {code, field, message} like every hub error."""

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None, code: str = "invalid-record"):
        super().__init__(message)
        self.code = code
        self.errors = errors or [{"code": code, "field": None, "message": message}]


def slugify(text: str) -> str:
    from litterhub.registry.text import normalise

    slug = re.sub(r"[^a-z0-9]+", "-", normalise(text).encode("ascii", "ignore").decode()).strip("-")
    return slug[:100].strip("-") or "record"


def parse_record(data: dict[str, Any]) -> RecordBase:
    """Validate a record dict into its typed model, or RecordError listing every problem with its field."""
    if not isinstance(data, dict):
        raise RecordError("a record is a JSON object")
    kind = data.get("type")
    model = ENTITY_TYPES.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise RecordError(f"unknown record type {kind!r}; types: {', '.join(ENTITY_TYPES)}",
                          [{"code": "constraint-error", "field": "type",
                            "message": f"one of {', '.join(ENTITY_TYPES)}"}])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [{"code": "type-error" if e["type"].endswith("_type") or "parsing" in e["type"]
                   else "constraint-error", "field": ".".join(str(p) for p in e["loc"]) or None,
                   "message": e["msg"]} for e in exc.errors()]
        raise RecordError("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors) from None


def record_text_fields(record: RecordBase) -> list[str]:
    """Every human-readable text of a record, for the search index and the XSS tests."""
    out: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    dumped = record.model_dump(exclude={"id", "type", "sources", "licence", "url", "countries", "languages",
                                        "regions", "dataset_ids", "verification", "as_of"})
    walk(dumped)
    return out
