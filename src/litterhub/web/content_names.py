"""Content in the page's language: item, use-group and material names from the vocabulary's translations
(vocab/names_i18n.py), country names from CLDR through Babel.

One `PageContent` is made per rendered page (web/rendering.py puts it in every template as `content`). It
remembers whether it printed a machine translation no native speaker has reviewed, so base.html can say so once
at the foot of the page instead of after every value. Values are returned as plain text; templates wrap them in
<bdi> (or dir="auto") so an Arabic name beside a Latin code reads in the right order.
"""

from __future__ import annotations

import re
from typing import Any

import pycountry
from babel import Locale

from litterhub.vocab.names_i18n import content_names, fold
from litterhub.web.i18n import translations


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    return message


# The lead sentence of each comparability check (analysis/comparability.py CHECKS, by code): a warning reads
# "<sentence>: <value> (<n> events); ...", and the values are data, so only the sentence is translated.
WARNING_SENTENCES = {
    "mixed-units": N_("counts refer to different sampling units"),
    "mixed-protocols": N_("events follow different protocols"),
    "mixed-compartments": N_("events come from different compartments"),
    "mixed-event-types": N_("monitoring surveys and other events are mixed"),
    "mixed-size-ranges": N_("events count items of different size ranges"),
}


# The other indicator warnings (services/indicators.py), whose English sentences carry numbers mid-sentence: each
# code's sentence as a pattern over the English message and its translatable form. A `where` group is data (a
# country, region and period) and stays as written; a message that no longer matches its pattern is shown as it
# is (English) rather than mistranslated. tests/i18n/test_content_names.py renders each from real indicator runs.
WARNING_PATTERNS = {
    "duplicate-copies-skipped": (r"(?P<n>\d+) events are a second copy of a survey reported through another dataset "
                                 r"and were not counted twice",
                                 N_("%(n)s events are a second copy of a survey reported through another dataset and "
                                    "were not counted twice")),
    "comparability-classes": (r"the inputs fall into (?P<n>\d+) comparability classes; every table gives one result "
                              r"per class \(column comparability_class, largest first\) and nothing is added across "
                              r"classes",
                              N_("the inputs fall into %(n)s comparability classes; every table gives one result per "
                                 "class (column comparability_class, largest first) and nothing is added across "
                                 "classes")),
    "density-not-counted": (r"(?P<n>\d+) events carry a density the source published \(e\.g\. trawl pieces/km²\), "
                            r"not item counts: they have no survey totals here \(see microplastics\)",
                            N_("%(n)s events carry a density the source published (e.g. trawl pieces/km²), not item "
                               "counts: they have no survey totals here (see microplastics)")),
    "no-survey-length": (r"(?P<n>\d+) events have no survey length and were left out of the per-100 m totals",
                         N_("%(n)s events have no survey length and were left out of the per-100 m totals")),
    "threshold-exclusion": (r"(?P<n>\d+) events excluded: (?P<rule>.+)", N_("%(n)s events excluded: %(rule)s")),
    "threshold-boundary": (r"(?P<where>.+): the assessment value equals the threshold value \(20\); the JRC text "
                           r"does not say whether this meets it",
                           N_("%(where)s: the assessment value equals the threshold value (20); the JRC text does not "
                              "say whether this meets it")),
    "too-few-surveys": (r"(?P<where>.+): (?P<n>\d+) surveys, fewer than the minimum (?P<min>\d+)",
                        N_("%(where)s: %(n)s surveys, fewer than the minimum %(min)s")),
}
# the threshold assessment's exclusion rules (analysis/threshold.py), shown inside "… events excluded: <rule>"
EXCLUSION_RULES = {"no survey length": N_("no survey length"), "10 m survey": N_("10 m survey"),
                   "1000 m protocol": N_("1000 m protocol"), "not a monitoring survey": N_("not a monitoring survey")}

# The parts of a comparability class label (analysis/comparability.py: compartment · unit family · size band · event
# type · protocol family, joined by CLASS_SEPARATOR). Each known part is translated on its own; a part that is
# data ("as stated: <the source's protocol> (<dataset>)", an unknown event type) stays as written.
# tests/i18n/test_content_names.py holds this table to the module's named values.
CLASS_PARTS = {
    # compartments (vocab/data/compartments.csv) and the default
    "beach": N_("beach"), "riverbank": N_("riverbank"), "lakeshore": N_("lakeshore"),
    "surface-water": N_("surface water"), "water-column": N_("water column"), "seafloor": N_("seafloor"),
    "sediment": N_("sediment"), "biota": N_("biota"), "not stated": N_("not stated"),
    # unit families
    "per volume (m³)": N_("per volume (m³)"), "per dry mass (kg)": N_("per dry mass (kg)"),
    "per length of shore": N_("per length of shore"), "per area": N_("per area"),
    "per tow length": N_("per tow length"), "per survey (no effort recorded)": N_("per survey (no effort recorded)"),
    # size bands
    "macro (≥ 4.75 mm or no limit stated)": N_("macro (≥ 4.75 mm or no limit stated)"),
    "micro (< 5 mm), lower limit not stated": N_("micro (< 5 mm), lower limit not stated"),
    "micro (< 5 mm) from < 100 µm": N_("micro (< 5 mm) from < 100 µm"),
    "micro (< 5 mm) from ≥ 100 µm": N_("micro (< 5 mm) from ≥ 100 µm"),
    "upper limit only, lower not stated": N_("upper limit only, lower not stated"),
    "all sizes from < 100 µm": N_("all sizes from < 100 µm"),
    "all sizes from 100 µm–4.75 mm (net mesh)": N_("all sizes from 100 µm–4.75 mm (net mesh)"),
    # event types
    "monitoring": N_("monitoring"), "monitoring-accumulation": N_("monitoring (accumulation)"),
    "monitoring-standing-stock": N_("monitoring (standing stock)"), "cleanup": N_("cleanup"),
    "sampling": N_("sampling"), "photo": N_("photo"),
    # protocol families (programme names stay names)
    "surface net tow (manta / neuston)": N_("surface net tow (manta / neuston)"),
    "seafloor trawl": N_("seafloor trawl"),
    "IQAASL shoreline survey (hammerdirt)": N_("IQAASL shoreline survey (hammerdirt)"),
    "OSPAR / MSFD 100 m beach survey": N_("OSPAR / MSFD 100 m beach survey"),
    "Marine LitterWatch cleanup": N_("Marine LitterWatch cleanup"),
    "NOAA MDMAP": N_("NOAA MDMAP"), "MCS Beachwatch": N_("MCS Beachwatch"),
    "Ocean Conservancy ICC": N_("Ocean Conservancy ICC"), "OpenLitterMap photo": N_("OpenLitterMap photo"),
    "Plastic Pirates": N_("Plastic Pirates"), "Pla'stock": N_("Pla'stock"),
}
CLASS_SEPARATOR = " · "  # analysis/comparability.CLASS_SEPARATOR (the web layer reads it from there in the test)


class PageContent:
    """Names for one page in `lang`; English pages get the vocabulary's English names unchanged."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.machine_shown = False
        self._names = content_names()

    def _local(self, table: str, code: Any, english: Any) -> str:
        english = "" if english is None else str(english)
        if self.lang == "en" or code is None:
            return english
        found = self._names.get(table, str(code), self.lang)
        if found is None:
            return english
        if found.awaiting_review:
            self.machine_shown = True
        return found.name

    def item(self, code: Any, english: Any = "") -> str:
        """A master item's name (G-code, TSG_ML class, extension) in the page's language."""
        return self._local("item", code, english)

    def group(self, code: Any, english: Any = "") -> str:
        return self._local("use_group", code, english)

    def material(self, code: Any, english: Any = None) -> str:
        """A material code (plastic, metal, ...) as a name; the code itself when nothing better is known."""
        return self._local("material", code, code if english is None else english)

    def rows(self, rows: Any, table: str = "item", code_key: str = "item", name_key: str = "name") -> list[dict]:
        """Copies of table rows (dicts) with `name_key` in the page's language, for tables and chart data."""
        out = []
        for row in rows or []:
            row = dict(row)
            row[name_key] = self._local(table, row.get(code_key), row.get(name_key, row.get(code_key)))
            out.append(row)
        return out

    def chart_labels(self, chart: Any, items: Any) -> list[dict]:
        """Bar labels "name (code)" of an item-mix chart in the page's language; the chart's rows follow the
        listed items by rank, the "others" bar is labelled by the chart script."""
        listed = list(items or [])
        out = []
        for row in chart or []:
            row = dict(row)
            rank = row.get("rank")
            if not row.get("is_others") and isinstance(rank, int) and rank < len(listed):
                it = listed[rank]
                row["label"] = f"{self.item(it.get('item'), it.get('name'))} ({it.get('item')})"
            out.append(row)
        return out

    def warning(self, code: Any, message: Any) -> str:
        """A comparability warning with its lead sentence in the page's language (the listed values stay as
        the data has them); warnings of other codes are shown as written (English)."""
        text = "" if message is None else str(message)
        if self.lang == "en":
            return text
        gettext = translations(self.lang).gettext
        sentence = WARNING_SENTENCES.get(str(code))
        if sentence and text.startswith(sentence + ":"):
            return gettext(sentence) + text[len(sentence):]
        pattern = WARNING_PATTERNS.get(str(code))
        found = re.fullmatch(pattern[0], text) if pattern else None
        if found is None:
            return text
        values = found.groupdict()
        if "rule" in values:
            values["rule"] = gettext(EXCLUSION_RULES[values["rule"]]) if values["rule"] in EXCLUSION_RULES \
                else values["rule"]
        if "where" in values:  # "USA region 2018-2023 [class label]": the class part in the page's language too
            head, bracket, rest = values["where"].partition(" [")
            values["where"] = head + (bracket + self.klass(rest[:-1]) + "]" if bracket and rest.endswith("]") else
                                      bracket + rest)
        return gettext(pattern[1]) % values

    def klass(self, label: Any) -> str:
        """A comparability class label with each known part in the page's language (the parts that are data stay
        as written; the separator too, so a label still reads as the five dimensions in order)."""
        text = "" if label is None else str(label)
        if self.lang == "en" or not text:
            return text
        gettext = translations(self.lang).gettext
        return CLASS_SEPARATOR.join(gettext(CLASS_PARTS[part]) if part in CLASS_PARTS else part
                                    for part in text.split(CLASS_SEPARATOR))

    def search_text(self, *parts: Any) -> str:
        """The words a search box matches against: each part lower-cased, and once more without accents."""
        text = " ".join(str(p) for p in parts if p).lower()
        folded = fold(text)
        return text if folded == text else f"{text} {folded}"

    def country(self, code: Any, english: Any = "") -> str:
        """A country's name from CLDR in the page's language (ISO alpha-2 or alpha-3 code)."""
        return country_name(code, self.lang, english)


def country_name(code: Any, lang: str, english: Any = "") -> str:
    english = "" if english is None else str(english)
    if not code:
        return english
    text = str(code).strip().upper()
    country = pycountry.countries.get(alpha_3=text) if len(text) == 3 else pycountry.countries.get(alpha_2=text)
    if country is None:
        return english or text
    try:
        return Locale.parse(lang).territories.get(country.alpha_2) or english or country.name
    except (ValueError, TypeError):
        return english or country.name
