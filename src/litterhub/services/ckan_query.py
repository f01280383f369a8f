"""Solr/Lucene query syntax of CKAN's `package_search` (`q`, `fq`, `fq_list`), evaluated over catalogue records.

Contract: `compile_query(text, param)` parses with luqum (a maintained Lucene parser, not a hand-written one)
and returns a predicate over a `Record` (field name -> values, plus free text). Supported, as Solr does:
words and quoted phrases, `field:value`, `field:(a OR b)`, `AND`/`OR`/`NOT`, `+`/`-` prefixes, grouping,
`*:*`, trailing/leading `*` wildcards, and ranges `[X TO Y]`/`{X TO Y}` with `*` open ends on date fields
(ISO timestamps with or without fractions and `Z`) and numeric fields. Space-separated clauses combine with
AND (what ckanext-harvest means when it joins its filters with spaces). Anything else (fuzzy, proximity,
boost, regex, Solr local params, date math, unknown fields) raises `QuerySyntaxError`, which the action layer
answers with CKAN's 409 validation error: never a 500, never a silently wrong result.
"""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from luqum import tree
from luqum.exceptions import ParseError
from luqum.parser import parser

from litterhub.errors import InvalidInput

DATE_FIELDS = frozenset({"metadata_modified", "metadata_created"})
NUMBER_FIELDS = frozenset({"version", "num_resources", "num_tags"})
# every field a record carries (search index fields of CKAN plus the hub's own facets)
FIELDS = frozenset({"id", "name", "title", "notes", "text", "organization", "owner_org", "tags", "res_format",
                    "license_id", "groups", "programme", "compartment", "region", "country", "url", "author",
                    "maintainer", "state", "dataset_type", "type", "capacity", "site_id", "entity_type"}
                   | DATE_FIELDS | NUMBER_FIELDS)


class QuerySyntaxError(InvalidInput, ValueError):
    """The query uses syntax or a field this search cannot honour (say which, and what works)."""


@dataclass
class Record:
    """One dataset as the search sees it: lower-cased string values per field, and dates as UTC datetimes."""

    fields: dict[str, list[str]]
    dates: dict[str, datetime]
    text: str


Predicate = Callable[[Record], bool]
_PARSER_LOCK = threading.Lock()  # luqum's ply lexer/parser keep state between calls: one parse at a time


def utc_naive(value: datetime) -> datetime:
    """Solr works in UTC: compare naive UTC datetimes."""
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _timestamp(text: str) -> datetime:
    try:
        return utc_naive(datetime.fromisoformat(text))
    except ValueError:
        raise QuerySyntaxError(f"{text!r} is not a timestamp: use ISO 8601 such as 2026-12-03T12:00:00Z "
                               "(Solr date math such as NOW-1DAY is not supported)") from None


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise QuerySyntaxError(f"{text!r} is not a number") from None


def _value_text(node: tree.Item) -> str:
    if isinstance(node, tree.Phrase):
        return node.value[1:-1].replace('\\"', '"')
    if isinstance(node, tree.Word):
        return node.value.replace("\\", "")
    raise QuerySyntaxError(f"unsupported search syntax {str(node)!r}: use words, quoted phrases and ranges")


def _range(field: str, node: tree.Range) -> Predicate:
    low, high = (_value_text(node.low), _value_text(node.high))
    if field in DATE_FIELDS:
        convert: Callable[[str], object] = _timestamp
    elif field in NUMBER_FIELDS:
        convert = _number
    else:
        raise QuerySyntaxError(f"ranges work on {sorted(DATE_FIELDS | NUMBER_FIELDS)}, not on {field!r}")
    lo = None if low == "*" else convert(low)
    hi = None if high == "*" else convert(high)

    def within(value) -> bool:
        if lo is not None and (value < lo or (value == lo and not node.include_low)):
            return False
        return not (hi is not None and (value > hi or (value == hi and not node.include_high)))

    if field in DATE_FIELDS:
        return lambda r: field in r.dates and within(r.dates[field])
    return lambda r: any(within(_number(v)) for v in r.fields.get(field, []) if _is_number(v))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _term(field: str | None, node: tree.Item) -> Predicate:
    """A word or phrase, in a field (exact, case-insensitive; `*` wildcards) or in the free text."""
    if isinstance(node, tree.Range):
        if field is None:
            raise QuerySyntaxError("a range needs a field, e.g. metadata_modified:[2026-01-01T00:00:00Z TO *]")
        return _range(field, node)
    value = _value_text(node).lower()
    if field is None or field == "text":
        words = value.replace("*", " ").split()
        return lambda r: all(w in r.text for w in words)
    if field in DATE_FIELDS:
        if value == "*":
            return lambda r: field in r.dates
        when = _timestamp(value.upper())
        return lambda r: r.dates.get(field) == when
    if value == "*":
        return lambda r: bool(r.fields.get(field))
    if "*" in value or "?" in value:
        return lambda r: any(fnmatch.fnmatchcase(v, value) for v in r.fields.get(field, []))
    return lambda r: value in r.fields.get(field, [])


def _all(preds: list[Predicate]) -> Predicate:
    return lambda r: all(p(r) for p in preds)


def _clauses(children, field: str | None) -> Predicate:
    """Space-separated clauses: required and plain ones must all hold, prohibited ones must not."""
    must, must_not = [], []
    for child in children:
        if isinstance(child, tree.Prohibit):
            must_not.append(_compile(child.a, field))
        elif isinstance(child, tree.Plus):
            must.append(_compile(child.a, field))
        else:
            must.append(_compile(child, field))
    return lambda r: all(p(r) for p in must) and not any(p(r) for p in must_not)


def _compile(node: tree.Item, field: str | None = None) -> Predicate:
    if isinstance(node, tree.SearchField):
        name = node.name
        if name == "*":
            if isinstance(node.expr, tree.Word) and node.expr.value == "*":
                return lambda r: True
            raise QuerySyntaxError("'*:' only matches everything as '*:*'")
        if name not in FIELDS:
            raise QuerySyntaxError(f"unknown field {name!r}; use one of {sorted(FIELDS)}")
        return _compile(node.expr, name)
    if isinstance(node, tree.Group | tree.FieldGroup):
        return _compile(node.expr, field)
    if isinstance(node, tree.AndOperation):
        return _all([_compile(c, field) for c in node.children])
    if isinstance(node, tree.OrOperation):
        preds = [_compile(c, field) for c in node.children]
        return lambda r: any(p(r) for p in preds)
    if isinstance(node, tree.UnknownOperation):
        return _clauses(node.children, field)
    if isinstance(node, tree.Not | tree.Prohibit):
        inner = _compile(node.a, field)
        return lambda r: not inner(r)
    if isinstance(node, tree.Plus):
        return _compile(node.a, field)
    if isinstance(node, tree.Word) and node.value == "*" and field is None:
        return lambda r: True
    if isinstance(node, tree.Word | tree.Phrase | tree.Range):
        return _term(field, node)
    raise QuerySyntaxError(f"unsupported search syntax {str(node).strip()!r} ({type(node).__name__.lower()}): "
                           "use words, quoted phrases, field:value, ranges, AND/OR/NOT, + and -")


def compile_query(text: str) -> Predicate:
    """The predicate of one `q`/`fq` expression; an empty expression matches everything."""
    text = text.strip()
    if not text or text == "*:*":
        return lambda r: True
    if text.startswith("{!"):
        raise QuerySyntaxError("Solr local parameters ({!...}) are not supported")
    try:
        with _PARSER_LOCK:
            node = parser.parse(text)
    except (ParseError, TypeError, ValueError) as exc:  # luqum reports syntax errors as ParseError subclasses
        raise QuerySyntaxError(f"cannot parse {text!r}: {exc}") from None
    return _compile(node)
