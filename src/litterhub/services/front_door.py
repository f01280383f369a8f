"""The hub's front door: one figure per pillar (monitoring data, indicators, sites, knowledge registry, evidence,
inventories, chemicals, countries and regions, contributions, discussion, events), each a count of what a person
finds behind its link.

Contract: every figure is a COUNT of rows the hub really holds (or of the countries its bundled inventory
tables cover), read with one cheap query each — the home page must stay fast — and a pillar whose source
cannot be read says so (`count` None, `problem` the reason) instead of showing a zero that would mislead.
The web home page, `GET /api/v1/summary` and `litterhub summary` all print this one list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from litterhub.services.hub import Hub
from litterhub.store import chemical_tables as chem
from litterhub.store import community_tables as ev
from litterhub.store import contrib_tables as ct
from litterhub.store import evidence_tables as et
from litterhub.store import forum_tables as ft
from litterhub.store import registry_tables as rt
from litterhub.store import summary_tables as st
from litterhub.store import tables as t


@dataclass(frozen=True)
class Pillar:
    """One door of the front page: where it leads and how much is behind it."""

    key: str  # stable id (API field, CSS hook)
    href: str  # the web page it opens
    count: int | None  # None: the source could not be read (see problem)
    unit: str  # what is counted, in English (the web page translates its own labels)
    problem: str | None = None


def _scalar(hub: Hub, query) -> int:
    with hub.engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


def _datasets(hub: Hub) -> int:
    return _scalar(hub, select(func.count()).select_from(t.datasets).where(t.datasets.c.current_version > 0))


def _programmes(hub: Hub) -> int:
    """Programmes with public data (the indicators are computed per programme and comparability class)."""
    from litterhub.services.summaries import current

    f = st.dataset_facets
    return _scalar(hub, select(func.count(func.distinct(f.c.value))).join(t.datasets, current(f))
                   .where(f.c.facet == "programme"))


def _sites(hub: Hub) -> int:
    from litterhub.services.datasets import headline_counts

    return headline_counts(hub)["sites"]


def _countries(hub: Hub) -> int:
    from litterhub.services.datasets import headline_counts

    return headline_counts(hub)["countries"]


def _records(hub: Hub) -> int:
    r = rt.registry_records
    return _scalar(hub, select(func.count()).select_from(r).where(r.c.published_revision.is_not(None)))


def _inventory_countries(_hub: Hub) -> int:
    """Countries the bundled emission inventories (Jambeck 2015, Meijer 2021) give an estimate for."""
    from litterhub.analysis.inventory import sources

    codes = {str(c) for c in sources.meijer_table().codes}
    try:
        codes |= {str(c) for c in sources.jambeck_table().codes}
    except Exception:  # noqa: BLE001 - Jambeck's table is optional (its data folder may be absent)
        pass
    return len(codes)


def _chemicals(hub: Hub) -> int:
    return _scalar(hub, select(func.count()).select_from(chem.chem_substances))


def _contributions(hub: Hub) -> int:
    """Contributions reviewers approved (each is a published dataset version)."""
    s = ct.submissions
    return _scalar(hub, select(func.count()).select_from(s).where(s.c.status == "approved"))


def _evidence(hub: Hub) -> int:
    return _scalar(hub, select(func.count()).select_from(et.evidence_records))


def _threads(hub: Hub) -> int:
    return _scalar(hub, select(func.count()).select_from(ft.forum_threads))


def _upcoming_events(hub: Hub) -> int:
    """Meetings, trainings and cleanups not over yet and not cancelled."""
    c = ev.calendar_events
    return _scalar(hub, select(func.count()).select_from(c).where(c.c.ends_at >= datetime.now(UTC),
                                                                  c.c.cancelled_at.is_(None)))


# (key, web page, unit, counter): the order is the front page's order
PILLARS: tuple[tuple[str, str, str, Callable[[Hub], int]], ...] = (
    ("data", "/datasets", "datasets", _datasets),
    ("indicators", "/indicators", "programmes", _programmes),
    ("map", "/map", "sites", _sites),
    ("knowledge", "/registry", "registry records", _records),
    ("evidence", "/evidence", "evidence records", _evidence),
    ("inventories", "/inventory", "countries with estimates", _inventory_countries),
    ("chemicals", "/chemicals", "substances", _chemicals),
    ("countries", "/countries", "countries with surveys", _countries),
    ("contribute", "/contribute", "approved contributions", _contributions),
    ("discussion", "/forum", "forum threads", _threads),
    ("events", "/events", "upcoming events", _upcoming_events),
)


def pillars(hub: Hub) -> list[Pillar]:
    """Every pillar with its count (a failing source is named, never shown as 0)."""
    out = []
    for key, href, unit, count in PILLARS:
        try:
            out.append(Pillar(key, href, count(hub), unit))
        except Exception as exc:  # noqa: BLE001 - one unreadable source must not take the front page down
            out.append(Pillar(key, href, None, unit, f"{type(exc).__name__}: {exc}"[:200]))
    return out


def as_dicts(found: list[Pillar]) -> list[dict[str, Any]]:
    return [asdict(p) for p in found]
