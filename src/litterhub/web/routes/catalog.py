"""DCAT-AP 3 catalogue: /catalog.jsonld, /catalog.ttl, /catalog (content negotiation), per dataset too.

Every GET route also answers HEAD (harvesters and link checkers probe with it): same status and headers,
Content-Length of the GET body, no body.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute

from litterhub.http.deps import get_hub
from litterhub.http.problems import Problem
from litterhub.services import datasets as svc
from litterhub.services import metadata as md
from litterhub.services.hub import Hub
from litterhub.services.serialise import dcat

router = APIRouter(tags=["catalogue"])

JSONLD, TURTLE, RDFXML = "application/ld+json", "text/turtle", "application/rdf+xml"
RESPONSES = {200: {"content": {JSONLD: {}, TURTLE: {}, RDFXML: {}}, "description": "DCAT-AP 3 RDF"},
             404: {"description": "not found (problem+json)"}}


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _rdf(graph, media: str) -> Response:
    body = {TURTLE: dcat.to_turtle, RDFXML: dcat.to_rdfxml}.get(media, dcat.to_jsonld)(graph)
    return Response(body, media_type=media, headers={"Vary": "Accept", "Access-Control-Allow-Origin": "*"})


def negotiate(accept: str | None) -> str:
    """The RDF syntax the client prefers (Turtle, RDF/XML or JSON-LD); JSON-LD when it states none."""
    best, best_q = JSONLD, -1.0
    for part in (accept or "").split(","):
        bits = [b.strip() for b in part.split(";")]
        media = {"application/x-turtle": TURTLE}.get(bits[0], bits[0])
        q = next((float(b[2:]) for b in bits[1:] if b.startswith("q=") and b[2:].replace(".", "", 1).isdigit()),
                 1.0)
        if media in (JSONLD, TURTLE, RDFXML) and q > best_q:
            best, best_q = media, q
    return best


def _catalog(request: Request, hub: Hub):
    return dcat.catalog_graph(md.catalog_meta(hub, _base(request)))


@router.get("/catalog", responses=RESPONSES, response_class=Response)
def catalog(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    """The whole catalogue as DCAT-AP 3, JSON-LD or Turtle by the Accept header."""
    return _rdf(_catalog(request, hub), negotiate(request.headers.get("accept")))


@router.get("/catalog.jsonld", responses=RESPONSES, response_class=Response)
def catalog_jsonld(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return _rdf(_catalog(request, hub), JSONLD)


@router.get("/catalog.ttl", responses=RESPONSES, response_class=Response)
def catalog_ttl(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return _rdf(_catalog(request, hub), TURTLE)


@router.get("/catalog.rdf", responses=RESPONSES, response_class=Response)
def catalog_rdfxml(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return _rdf(_catalog(request, hub), RDFXML)


def _dataset(request: Request, hub: Hub, dataset_id: str):
    try:
        return dcat.dataset_graph(md.dataset_meta(hub, _base(request), dataset_id))
    except svc.NotFound as exc:
        raise Problem(404, str(exc)) from None


@router.get("/datasets/{dataset_id}.jsonld", responses=RESPONSES, response_class=Response)
def dataset_jsonld(dataset_id: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return _rdf(_dataset(request, hub, dataset_id), JSONLD)


@router.get("/datasets/{dataset_id}.ttl", responses=RESPONSES, response_class=Response)
def dataset_ttl(dataset_id: str, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    return _rdf(_dataset(request, hub, dataset_id), TURTLE)


@router.get("/id/dataset/{uuid}", response_class=RedirectResponse, status_code=303,
            responses={303: {"description": "the dataset's landing page"}, 404: {"description": "not found"}})
def dataset_uri(uuid: str, request: Request, hub: Hub = Depends(get_hub)) -> RedirectResponse:
    """Resolve the dataset's stable URI (its UUID, used as the RDF subject) to its landing page."""
    for ds in md.list_dataset_meta(hub, _base(request)):
        if ds.uuid == uuid:
            return RedirectResponse(ds.landing_page, status_code=303)
    raise Problem(404, f"no dataset with id {uuid!r}")


def _headless(endpoint: Callable[..., Response]) -> Callable[..., Response]:
    """The GET endpoint answering HEAD: its status and headers (Content-Length included), without the body."""

    @functools.wraps(endpoint)  # FastAPI reads the wrapped signature: same parameters and dependencies
    def head(*args, **kwargs) -> Response:
        full = endpoint(*args, **kwargs)
        return Response(status_code=full.status_code, headers=dict(full.headers))

    return head


def _answer_head(api: APIRouter) -> None:
    for route in list(api.routes):
        if isinstance(route, APIRoute) and "GET" in route.methods:
            api.add_api_route(route.path, _headless(route.endpoint), methods=["HEAD"], include_in_schema=False,
                              response_class=Response, name=f"{route.name}_head")


_answer_head(router)
