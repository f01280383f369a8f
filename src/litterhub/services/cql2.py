"""CQL2 (text and JSON) filters translated to parameterised SQLAlchemy clauses over named queryables.

Parsing is pygeofilter's (a maintained OGC parser); this module only walks its AST. Contract: every literal
becomes a bound parameter (never SQL text), every property must be a declared queryable (else BadRequest
naming the queryables), and a value must fit its queryable's type, so a filter is either translated exactly
or refused with a reason -- never silently approximated. Features are points (lon/lat columns), so spatial
predicates are exact for envelopes: BBOX(...) and axis-aligned rectangular polygons. Dates are whole days:
a timestamp literal compared with a date queryable is compared by its UTC calendar date.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pygeofilter import ast, values
from pygeofilter.backends.evaluator import Evaluator, handle
from pygeofilter.parsers.cql2_json import parse as parse_json
from pygeofilter.parsers.cql2_text import parse as parse_text
from sqlalchemy import and_, not_, or_, true
from sqlalchemy.sql.elements import ColumnElement

from litterhub.errors import InvalidInput

LANGUAGES = ("cql2-text", "cql2-json")
# Names of the Part 3 drafts, still sent by clients (GDAL <= 3.8 OAPIF sends filter-lang=cql-text).
ALIASES = {"cql-text": "cql2-text", "cql-json": "cql2-json"}
# The one geometry queryable of every collection (point features).
GEOMETRY = "geometry"


class FilterError(InvalidInput, ValueError):
    """The filter cannot be parsed or translated; the message says why (a 400 on the API)."""


@dataclass(frozen=True)
class Queryable:
    """A filterable property: its column, JSON Schema type ('string' | 'number' | 'date') and description."""

    column: Any
    type: str
    description: str

    def schema(self) -> dict[str, Any]:
        if self.type == "date":
            return {"type": "string", "format": "date", "description": self.description}
        return {"type": self.type, "description": self.description}


@dataclass(frozen=True)
class Point:
    """The lon/lat columns of the point geometry."""

    lon: Any
    lat: Any


def date_of(value: Any) -> date:
    """The (UTC) calendar day of a date, a date-time or their ISO 8601 / RFC 3339 text."""
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date_of(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}T?", value):  # GDAL writes a date as 'YYYY-MM-DDT'
                return date_of(date.fromisoformat(value[:10]))
    raise FilterError(f"{value!r} is not a date or timestamp")


class _Translator(Evaluator):
    """pygeofilter AST -> SQLAlchemy clause; literals stay Python values (bound by SQLAlchemy)."""

    def __init__(self, queryables: dict[str, Queryable], point: Point) -> None:
        self.queryables, self.point = queryables, point

    # -- operands ----------------------------------------------------------------------------------------
    @handle(ast.Attribute)
    def attribute(self, node):
        if node.name == GEOMETRY:
            return self.point
        if node.name not in self.queryables:
            raise FilterError(f"unknown queryable {node.name!r}; queryables: {sorted([*self.queryables, GEOMETRY])}")
        return self.queryables[node.name]

    @handle(*values.LITERALS)
    def literal(self, node):
        return node

    @handle(values.Interval)
    def interval(self, node, start, end):
        return (start, end)

    @handle(values.Envelope)
    def envelope(self, node):
        # pygeofilter's CQL2-JSON parser fills Envelope(x1, x2, y1, y2) from [minx, miny, maxx, maxy]
        return (node.x1, node.x2, node.y1, node.y2) if self._json else (node.x1, node.y1, node.x2, node.y2)

    @handle(values.Geometry)
    def geometry(self, node):
        return _rectangle(node.geometry)

    @handle(ast.Function)
    def function(self, node, *arguments):
        if node.name.lower() == "bbox" and len(arguments) in (4, 6):
            a = [float(x) for x in arguments]
            return (a[0], a[1], a[2], a[3]) if len(a) == 4 else (a[0], a[1], a[3], a[4])
        raise FilterError(f"function {node.name!r} is not supported (only BBOX)")

    # -- predicates -----------------------------------------------------------------------------------------
    def _value(self, q: Queryable, value: Any) -> Any:
        if isinstance(value, Queryable):
            if value.type != q.type:
                raise FilterError("property-property comparison needs two queryables of one type")
            return value.column
        if value is None:
            return None
        if q.type == "date":
            return date_of(value)
        if q.type == "number" and not (isinstance(value, int | float) and not isinstance(value, bool)):
            raise FilterError(f"a number is needed to compare with a numeric queryable, got {value!r}")
        if q.type == "string" and not isinstance(value, str):
            raise FilterError(f"a string is needed to compare with a text queryable, got {value!r}")
        return value

    def _queryable(self, lhs: Any) -> Queryable:
        if not isinstance(lhs, Queryable):
            raise FilterError("the left side of a comparison must be a queryable property")
        return lhs

    @handle(ast.Comparison, subclasses=True)
    def comparison(self, node, lhs, rhs):
        q = self._queryable(lhs)
        col, v = q.column, self._value(q, rhs)
        return {"=": col == v, "<>": col != v, "<": col < v, "<=": col <= v, ">": col > v,
                ">=": col >= v}[node.op.value]

    @handle(ast.Between)
    def between(self, node, lhs, low, high):
        q = self._queryable(lhs)
        clause = q.column.between(self._value(q, low), self._value(q, high))
        return not_(clause) if node.not_ else clause

    @handle(ast.Like)
    def like(self, node, lhs):
        q = self._queryable(lhs)
        if q.type != "string":
            raise FilterError("LIKE needs a text queryable")
        pattern = node.pattern if isinstance(node.pattern, str) else None
        if pattern is None:
            raise FilterError("LIKE needs a string pattern")
        pattern = pattern.replace(node.wildcard, "%").replace(node.singlechar, "_") if node.wildcard != "%" else pattern
        clause = q.column.ilike(pattern) if node.nocase else q.column.like(pattern)
        return not_(clause) if node.not_ else clause

    @handle(ast.In)
    def in_(self, node, lhs, *options):
        q = self._queryable(lhs)
        clause = q.column.in_([self._value(q, o) for o in options])
        return not_(clause) if node.not_ else clause

    @handle(ast.IsNull)
    def null(self, node, lhs):
        if isinstance(lhs, Point):
            clause = or_(lhs.lon.is_(None), lhs.lat.is_(None))
        else:
            clause = self._queryable(lhs).column.is_(None)
        return not_(clause) if node.not_ else clause

    @handle(ast.Not)
    def not_(self, node, sub):
        return not_(sub)

    @handle(ast.And, ast.Or)
    def combination(self, node, lhs, rhs):
        return and_(lhs, rhs) if node.op.value == "AND" else or_(lhs, rhs)

    @handle(ast.TemporalPredicate, subclasses=True)
    def temporal(self, node, lhs, rhs):
        q = self._queryable(lhs)
        if q.type != "date":
            raise FilterError(f"temporal operator {node.op.value} needs a date queryable")
        lo, hi = (rhs if isinstance(rhs, tuple) else (rhs, rhs))
        lo = None if lo in (None, "..") else date_of(lo)
        hi = None if hi in (None, "..") else date_of(hi)
        col, op = q.column, node.op.name
        lower = col >= lo if lo else true()
        upper = col <= hi if hi else true()
        if op in ("TOVERLAPS", "DURING") or (op == "TEQUALS" and lo == hi):
            return and_(lower, upper, col.is_not(None))
        if op == "BEFORE" and lo:
            return col < lo
        if op == "AFTER" and hi:
            return col > hi
        if op == "DISJOINT":
            return and_(col.is_not(None), not_(and_(lower, upper)))
        raise FilterError(f"temporal operator {node.op.value} is not supported on whole-day dates "
                          "(T_INTERSECTS, T_DURING, T_BEFORE, T_AFTER, T_DISJOINT are)")

    @handle(ast.SpatialComparisonPredicate, subclasses=True)
    def spatial(self, node, lhs, rhs):
        if not isinstance(lhs, Point) or not isinstance(rhs, tuple):
            raise FilterError("spatial predicates compare the `geometry` queryable with BBOX(...) or a polygon")
        x0, y0, x1, y1 = rhs
        inside = and_(lhs.lat.between(y0, y1),
                      lhs.lon.between(x0, x1) if x0 <= x1 else or_(lhs.lon >= x0, lhs.lon <= x1))
        op = node.op.name.upper()
        if op in ("INTERSECTS", "WITHIN"):
            return inside
        if op == "DISJOINT":
            return and_(lhs.lat.is_not(None), not_(inside))
        raise FilterError(f"spatial operator {node.op.name} is not supported for point features "
                          "(S_INTERSECTS, S_WITHIN, S_DISJOINT are)")

    def translate(self, tree: Any, is_json: bool) -> ColumnElement:
        self._json = is_json
        clause = self.evaluate(tree)
        if isinstance(clause, Queryable | Point | tuple) or not isinstance(clause, ColumnElement):
            raise FilterError("a filter must be a predicate (e.g. country = 'USA')")
        return clause


def _rectangle(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    """An axis-aligned rectangle polygon as an envelope; anything else is refused (no approximation)."""
    if geometry.get("type") == "Polygon" and len(geometry["coordinates"]) == 1:
        ring = [tuple(map(float, p[:2])) for p in geometry["coordinates"][0]]
        xs, ys = {x for x, _ in ring}, {y for _, y in ring}
        if len(ring) == 5 and len(xs) == 2 and len(ys) == 2:
            return min(xs), min(ys), max(xs), max(ys)
    raise FilterError("spatial filters accept BBOX(...) or an axis-aligned rectangular polygon")


def _standard_between(node: Any) -> Any:
    """CQL2-JSON 1.0 writes BETWEEN as args [property, low, high]; pygeofilter 0.4 reads [property, [low, high]]."""
    if isinstance(node, list):
        return [_standard_between(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _standard_between(v) for k, v in node.items()}
    if node.get("op") == "between" and isinstance(node.get("args"), list) and len(node["args"]) == 3:
        node["args"] = [node["args"][0], node["args"][1:]]
    return node


def typed(q: Queryable, text: str) -> Any:
    """A query-parameter value (always text) as the queryable's type, for `?country=BEL&total_count=5`."""
    if q.type == "number":
        try:
            return float(text)
        except ValueError:
            raise FilterError(f"a number is needed, got {text!r}") from None
    if q.type == "date":
        return date_of(text)
    return text


def parse(text: str, lang: str | None = None) -> tuple[Any, bool]:
    """Parse CQL2 text or JSON with pygeofilter; returns (AST, is_json)."""
    lang = ALIASES.get(lang or "cql2-text", lang or "cql2-text")
    if lang not in LANGUAGES:
        raise FilterError(f"filter-lang must be one of {list(LANGUAGES)}, got {lang!r}")
    try:
        if lang == "cql2-json":
            return parse_json(_standard_between(json.loads(text))), True
        return parse_text(text), False
    except FilterError:
        raise
    except Exception as exc:  # lark and pygeofilter raise many types; all mean "not valid CQL2"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FilterError(f"filter is not valid {lang}: {first[:200]}") from None


def to_clause(text: str, lang: str | None, queryables: dict[str, Queryable], point: Point) -> ColumnElement:
    """The SQLAlchemy clause of a CQL2 filter over the given queryables (literals are bound parameters)."""
    tree, is_json = parse(text, lang)
    try:
        return _Translator(queryables, point).translate(tree, is_json)
    except FilterError:
        raise
    except (NotImplementedError, KeyError, TypeError, AttributeError) as exc:
        raise FilterError(f"filter uses an operator this server does not support: {type(exc).__name__} "
                          f"{str(exc)[:120]}") from None
