"""Typed links between registry records, with the record types each end may have (None = any type), so a
link reads as a sentence: <initiative> follows guideline <guideline>, <actor> member of <region> …"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LinkType:
    name: str
    label: str  # how the link reads from source to target
    inverse: str  # how it reads from target to source
    sources: frozenset[str] | None = None
    targets: frozenset[str] | None = None


def _set(*types: str) -> frozenset[str]:
    return frozenset(types)


LINK_TYPES: dict[str, LinkType] = {lt.name: lt for lt in (
    LinkType("implements", "implements", "implemented by"),
    LinkType("funds", "funds", "funded by", _set("actor", "financing", "initiative")),
    LinkType("leads", "leads", "led by", _set("actor")),
    LinkType("partner_of", "partner of", "partner of"),
    LinkType("member_of", "member of", "has member", _set("actor", "region"), _set("actor", "initiative", "region")),
    LinkType("follows_guideline", "follows guideline", "followed by", None, _set("guideline")),
    LinkType("in_region", "in region", "covers", None, _set("region")),
    LinkType("supersedes", "supersedes", "superseded by"),
    LinkType("part_of", "part of", "has part"),
    LinkType("publishes", "publishes", "published by", _set("actor", "initiative"),
             _set("report", "guideline", "policy")),
    LinkType("secretariat_of", "secretariat of", "secretariat", _set("actor"), _set("region", "policy", "initiative")),
    LinkType("regulates", "regulates", "regulated by", _set("policy"), _set("additive", "industry_initiative")),
    LinkType("uses_additive", "uses additive", "used by", None, _set("additive")),
    LinkType("addresses", "addresses", "addressed by", _set("capacity_offer", "financing", "initiative"),
             _set("capacity_need")),
    LinkType("reports_on", "reports on", "reported on by", _set("report"), None),
    LinkType("organises", "organises", "organised by", _set("actor"), _set("event")),
    LinkType("related", "related to", "related to"),
)}


def check_link(link_type: str, source_type: str, target_type: str) -> str | None:
    """Why this link cannot be made, or None if it can."""
    lt = LINK_TYPES.get(link_type)
    if lt is None:
        return f"unknown link type {link_type!r}; types: {', '.join(LINK_TYPES)}"
    if lt.sources is not None and source_type not in lt.sources:
        return f"a {link_type} link starts at {' or '.join(sorted(lt.sources))}, not {source_type}"
    if lt.targets is not None and target_type not in lt.targets:
        return f"a {link_type} link points to {' or '.join(sorted(lt.targets))}, not {target_type}"
    if link_type == "supersedes" and source_type != target_type:
        return "a record can only supersede a record of the same type"
    return None
