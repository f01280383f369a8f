"""Country groups a country belongs to: the 18 Regional Seas programmes, UN regional groups, MEAs, other
transnational groups (from the GPML platform's lists), and the fisheries bodies and river basin commissions that
are registry records.

Contract:
- `groups(hub)` lists every group once, keyed by a stable slug (`mediterranean`, `basel-convention`, `gfcm`); a
  Regional Seas programme carries the id of its registry record (`region-mediterranean`), every other GPML group
  `group-<slug>` (the record `litterhub registry import-groups` writes, services/knowledge.py), so its page can
  show the record's members, action plan, projects and discussion.
- Members of the CSV groups come from the CSV, never from the registry record (the record may be incomplete);
  fisheries bodies and river basin commissions have no CSV, so their members are the record's `countries`.
- The CSV lists (akvo/unep-gpml, AGPL-3.0) are not copied into this Apache-2.0 package: they are read at run time
  from `LITTERHUB_GROUPS_DIR` (default `../shared/data/regional-seas-groups`); without them the page says so and
  only registry groups are listed.

These are *country groups* (who takes part), not the *marine regions* sites are located in
(vocab/regions.py, /api/v1/marine-regions): a site in the North Sea is in the OSPAR marine region whatever its
country, while Norway is an OSPAR member whatever sea its sites are on.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select

from litterhub.services.hub import Hub
from litterhub.store import registry_tables as rt

DEFAULT_DIR = Path("../shared/data/regional-seas-groups")
MEMBERS_FILE = "gpml_country_groups_members.csv"
SOURCE = ("UNEP Global Partnership on Marine Litter digital platform (akvo/unep-gpml, AGPL-3.0), "
          "frontend/src/modules/knowledge-library/multicountry.js, 2022")

# CSV category → our kind; the kind orders memberships on a profile.
KINDS = {"Regional Seas": "regional-seas", "UN Regional Groups of Member States": "un-regional-group",
         "Global Multi-lateral Environmental Agreements (MEAs)": "mea",
         "Transnational Groups of Member States": "transnational"}
RECORD_KINDS = ("fisheries-body", "river-basin")  # registry region records with no CSV list
KIND_ORDER = ("regional-seas", "fisheries-body", "river-basin", "mea", "un-regional-group", "transnational")

# GPML group id of each Regional Seas programme → the registry record describing it (registry/seed/regions.json)
REGIONAL_SEAS_RECORDS = {
    "126": "region-antarctic", "127": "region-arctic", "128": "region-baltic", "129": "region-black-sea",
    "130": "region-caspian", "131": "region-eastern-africa", "132": "region-east-asian-seas",
    "133": "region-mediterranean", "134": "region-northeast-atlantic", "135": "region-northwest-pacific",
    "136": "region-northeast-pacific", "137": "region-pacific", "138": "region-red-sea-gulf-of-aden",
    "139": "region-ropme-sea-area", "140": "region-south-asian-seas", "141": "region-southeast-pacific",
    "142": "region-west-central-africa", "143": "region-wider-caribbean",
}


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    kind: str
    members: tuple[str, ...]
    record_id: str | None = None
    source: str = SOURCE
    notes: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "members": list(self.members),
                "record_id": self.record_id, "source": self.source, "notes": list(self.notes)}


def groups_dir(hub: Hub) -> Path:
    """Settings.groups_dir (LITTERHUB_GROUPS_DIR), else ../shared/data/regional-seas-groups from the working
    directory or the checkout."""
    if hub.settings.groups_dir is not None:
        return hub.settings.groups_dir
    beside_checkout = Path(__file__).resolve().parents[3] / DEFAULT_DIR
    return DEFAULT_DIR if DEFAULT_DIR.is_dir() or not beside_checkout.is_dir() else beside_checkout


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


@lru_cache(maxsize=4)
def _csv_groups(folder: str) -> tuple[Group, ...]:
    """The GPML lists, one Group per group id; rows without an ISO3 code (the EU) are noted, not members."""
    path = Path(folder) / MEMBERS_FILE
    if not path.is_file():
        return ()
    rows: dict[str, dict] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            g = rows.setdefault(row["group_id"], {"name": " ".join(row["group_name"].split()),
                                                  "kind": KINDS.get(row["group_category"], "transnational"),
                                                  "members": [], "notes": []})
            if row["iso3"]:
                g["members"].append(row["iso3"].upper())
            else:
                g["notes"].append(f"{row['country_name']} is listed as a member (no country code)")
    out = []
    for gid, g in rows.items():
        record = REGIONAL_SEAS_RECORDS.get(gid) if g["kind"] == "regional-seas" else None
        slug = record.removeprefix("region-") if record else _slug(g["name"])
        if g["kind"] == "un-regional-group":
            slug = "un-" + slug
        record = record or f"group-{slug}"  # written by `litterhub registry import-groups` (services/knowledge.py)
        out.append(Group(slug, g["name"], g["kind"], tuple(dict.fromkeys(g["members"])), record,
                         notes=tuple(g["notes"])))
    return tuple(out)


def _record_groups(hub: Hub) -> list[Group]:
    """Fisheries bodies and river basin commissions: published registry region records, members from the record."""
    r, v = rt.registry_records, rt.registry_revisions
    query = (select(r.c.id, v.c.data).join(v, (v.c.record_id == r.c.id) & (v.c.revision == r.c.published_revision))
             .where(r.c.type == "region"))
    with hub.engine.connect() as conn:
        rows = conn.execute(query).all()
    out = []
    for record_id, data in rows:
        if data.get("kind") in RECORD_KINDS:
            out.append(Group(record_id.removeprefix("region-"), data.get("title") or record_id, data["kind"],
                             tuple(c.upper() for c in data.get("countries") or []), record_id,
                             source=f"registry record {record_id}"))
    return out


def groups(hub: Hub) -> list[Group]:
    """Every group, Regional Seas first, then by name."""
    found = list(_csv_groups(str(groups_dir(hub)))) + _record_groups(hub)
    return sorted(found, key=lambda g: (KIND_ORDER.index(g.kind), g.name.lower()))


def csv_available(hub: Hub) -> bool:
    return bool(_csv_groups(str(groups_dir(hub))))


def get(hub: Hub, group_id: str) -> Group | None:
    return next((g for g in groups(hub) if g.id == group_id), None)


def memberships(hub: Hub, iso3: str) -> list[Group]:
    return [g for g in groups(hub) if iso3.upper() in g.members]
