"""Registering a dataset version's DOI with DataCite (REST API, `POST /dois` with `event: publish`).

Contract: credentials come only from settings (LITTERHUB_DATACITE_REPOSITORY_ID, LITTERHUB_DATACITE_PASSWORD,
LITTERHUB_DATACITE_PREFIX, LITTERHUB_DATACITE_API_URL -- DataCite's test endpoint unless set); the payload is
serialise/datacite.py's record of that version (the same DOI its draft reserved), so what is minted is what the
hub shows. A DOI that already exists as a draft at DataCite (409, or 422 "already been taken") is updated with
`PUT /dois/{doi}`. Every refusal is a DoiError with a stable code; the registration is recorded in
`<data>/datacite/registered.json` so `litterhub doi status` can tell drafts from registered DOIs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from litterhub.errors import HubError
from litterhub.services import auth
from litterhub.services import datasets as svc
from litterhub.services.hub import Hub
from litterhub.services.metadata import version_meta
from litterhub.services.serialise import datacite
from litterhub.store.settings import Settings

MEDIA = "application/vnd.api+json"
TIMEOUT_S = 30.0
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


class DoiError(HubError):
    """A refused mint: `code` is stable (docs/api.md lists them), the message says what to do."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class DataCiteSettings:
    repository_id: str
    password: str
    prefix: str
    api_url: str

    @classmethod
    def from_settings(cls, settings: Settings) -> DataCiteSettings:
        if not settings.datacite_repository_id or not settings.datacite_password:
            raise DoiError("not-configured", "DataCite credentials are not set: set LITTERHUB_DATACITE_REPOSITORY_ID "
                                             "and LITTERHUB_DATACITE_PASSWORD (and LITTERHUB_DATACITE_PREFIX)")
        return cls(settings.datacite_repository_id, settings.datacite_password, settings.datacite_prefix,
                   settings.datacite_api_url)


def parse_ref(ref: str) -> tuple[str, int]:
    """`DATASET@VERSION` -> (dataset id, version number)."""
    dataset_id, sep, version = ref.rpartition("@")
    if not sep or not dataset_id or not version.isdigit() or int(version) < 1:
        raise DoiError("bad-reference", f"expected DATASET@VERSION (e.g. mdmap-maine@1), got {ref!r}")
    return dataset_id, int(version)


def _registry_path(hub: Hub) -> Path:
    return hub.settings.data_dir / "datacite" / "registered.json"


def registered(hub: Hub) -> dict[str, dict[str, Any]]:
    """Every DOI this hub registered, by `dataset@version`."""
    path = _registry_path(hub)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _record(hub: Hub, key: str, entry: dict[str, Any]) -> None:
    path = _registry_path(hub)
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = registered(hub)
    entries[key] = entry
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def _errors(response: httpx.Response) -> str:
    try:
        return "; ".join(e.get("title", "") for e in response.json().get("errors", [])) or response.reason_phrase
    except (ValueError, AttributeError):
        return response.reason_phrase


def _already_exists(response: httpx.Response) -> bool:
    return response.status_code == 409 or (response.status_code == 422 and "already been taken" in _errors(response))


def is_registered(hub: Hub, dataset_id: str, version: int) -> bool:
    """Whether this hub registered the DOI of that version (its records then drop the draft note)."""
    return f"{dataset_id}@{version}" in registered(hub)


def status(hub: Hub, base_url: str, ref: str) -> dict[str, Any]:
    """The DOI of one version and whether this hub registered it (`draft` otherwise)."""
    dataset_id, version = parse_ref(ref)
    try:
        ds = version_meta(hub, base_url, dataset_id, version)
    except svc.NotFound as exc:
        raise DoiError("not-found", str(exc)) from None
    entry = registered(hub).get(f"{dataset_id}@{version}")
    return entry or {"doi": datacite.doi(ds), "state": "draft", "url": ds.version_url}


def mint(hub: Hub, base_url: str, ref: str, settings: DataCiteSettings | None = None,
         transport: httpx.BaseTransport | None = None, actor: str = "cli") -> dict[str, Any]:
    """Register (publish) the DOI of DATASET@VERSION with DataCite; returns what DataCite answered. Only the
    operator (CLI, holding the DataCite credentials) mints; the registration is audited."""
    dataset_id, version = parse_ref(ref)
    settings = settings or DataCiteSettings.from_settings(hub.settings)
    host = urlsplit(base_url).hostname or ""
    if not base_url.startswith(("http://", "https://")) or host in LOCAL_HOSTS:
        raise DoiError("base-url", f"the DOI must point at the hub's public address; --base-url is {base_url!r} "
                                   "(give the URL visitors use, e.g. https://hub.example.org)")
    try:
        ds = version_meta(hub, base_url.rstrip("/"), dataset_id, version)
    except svc.NotFound as exc:
        raise DoiError("not-found", str(exc)) from None
    payload = datacite.to_json(ds, settings.prefix, event="publish")
    doi = payload["data"]["attributes"]["doi"]
    credentials = (settings.repository_id, settings.password)
    headers = {"Content-Type": MEDIA, "Accept": MEDIA}
    with httpx.Client(transport=transport, timeout=TIMEOUT_S, auth=credentials, headers=headers) as client:
        try:
            response = client.post(f"{settings.api_url}/dois", json=payload)
            if _already_exists(response):
                response = client.put(f"{settings.api_url}/dois/{quote(doi, safe='/')}", json=payload)
        except httpx.HTTPError as exc:
            raise DoiError("unreachable", f"DataCite at {settings.api_url} did not answer: {exc}") from None
    if response.status_code in (401, 403):
        raise DoiError("bad-credentials", f"DataCite refused the credentials ({response.status_code}: "
                                          f"{_errors(response)}); check LITTERHUB_DATACITE_REPOSITORY_ID/PASSWORD "
                                          f"and that prefix {settings.prefix} belongs to the repository")
    if response.status_code not in (200, 201):
        raise DoiError("refused", f"DataCite answered {response.status_code}: {_errors(response)}")
    try:
        attributes = response.json()["data"]["attributes"]
    except (ValueError, KeyError, TypeError):
        raise DoiError("bad-response", "DataCite's answer is not a JSON:API `dois` document") from None
    entry = {"doi": attributes.get("doi", doi), "state": attributes.get("state", "findable"), "url": ds.version_url,
             "registered_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "api_url": settings.api_url}
    _record(hub, f"{dataset_id}@{version}", entry)
    with hub.engine.begin() as conn:  # also a new catalog fingerprint: cached public records drop "draft"
        auth.audit(conn, actor, "dataset.doi.registered", f"dataset:{dataset_id}@{version}", entry)
    return entry
