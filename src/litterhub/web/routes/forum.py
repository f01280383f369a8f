"""The forum pages (issue 19): /forum (threads by theme, region and country, search, follow a topic),
/forum/new (open a thread, prefilled from a country page or a record), /forum/threads/{id} (numbered posts, reply,
quote, report, follow; moderators hide posts and lock the thread) and /forum/moderation (open reports).

Every write is a signed-in form post with CSRF and the write rate limit; who may do it is decided by
services/forum.py (an anonymous visitor is sent to sign in first, a refusal is the error page with its code).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote as urlquote

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from litterhub.http.deps import get_hub
from litterhub.http.security import check_rate, verify_csrf, write_limit
from litterhub.services import forum as svc
from litterhub.services.hub import Hub
from litterhub.web.registry_labels import facet_label
from litterhub.web.rendering import request_language
from litterhub.web.session import need, page, viewer

router = APIRouter(include_in_schema=False)


async def _form(request: Request) -> dict[str, str]:
    await verify_csrf(request)
    check_rate(request, "write", *write_limit(request))
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


def _themes(request: Request) -> dict[str, str]:
    """Theme codes (the registry's topics) with their label in the page's language."""
    lang = request_language(request)
    return {code: facet_label("topic", code, code, lang) for code in svc.THEMES}


def _back(target: str | None, fallback: str) -> str:
    """Only a path of this site (never //host or a scheme) is followed after a form."""
    return target if target and target.startswith("/") and not target.startswith("//") else fallback


@router.get("/forum", response_class=HTMLResponse)
def forum_home(request: Request, hub: Hub = Depends(get_hub), theme: str = "", region: str = "", country: str = "",
               q: str = "", page_no: int = 1) -> Response:
    who = viewer(request)
    country = country.strip().upper()[:3]
    page_no = max(1, min(page_no, 1000))
    found = svc.list_threads(hub, theme or None, region or None, country or None, q=q or None,
                             limit=svc.PAGE, offset=(page_no - 1) * svc.PAGE)
    posts = svc.search(hub, q, limit=20) if q.strip() else []
    topic = next(((k, v) for k, v in (("country", country), ("region", region), ("theme", theme)) if v), None)
    return page(request, "forum/index.html", found=found, posts=posts, theme=theme, region=region, country=country,
                q=q, page_no=page_no, themes=_themes(request), regions=svc.regions(hub), topic=topic,
                follows=bool(topic and svc.following(hub, who, topic[0], topic[1])))


@router.get("/forum/new", response_class=HTMLResponse)
def new_thread(request: Request, hub: Hub = Depends(get_hub), theme: str = "", region: str = "", country: str = "",
               link_kind: str = "", link_id: str = "") -> Response:
    need(request)
    values = {"theme": theme, "region": region, "country": country.upper()[:3], "link_kind": link_kind,
              "link_id": link_id[:200], "title": "", "body": ""}
    return page(request, "forum/new.html", values=values, themes=_themes(request), regions=svc.regions(hub))


@router.post("/forum/threads", response_class=HTMLResponse)
async def create_thread(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request)
    f = await _form(request)
    values = {k: f.get(k, "") for k in ("title", "body", "theme", "region", "country", "link_kind", "link_id")}
    try:
        thread = await run_in_threadpool(svc.create_thread, hub, who, **values)
    except svc.ForumError as exc:
        return page(request, "forum/new.html", status_code=exc.status, values=values, error=exc,
                    themes=_themes(request), regions=svc.regions(hub))
    return RedirectResponse(thread["url"], status_code=303)


@router.get("/forum/threads/{thread_id}", response_class=HTMLResponse)
def show_thread(thread_id: int, request: Request, hub: Hub = Depends(get_hub), quote: int | None = None) -> Response:
    who = viewer(request)
    try:
        thread = svc.get_thread(hub, thread_id, who)
    except svc.ForumError:
        return page(request, "not_found.html", status_code=404, what=f"forum/threads/{thread_id}")
    quoted = next((p for p in thread["items"] if p["number"] == quote and p["body"] is not None), None)
    return page(request, "forum/thread.html", t=thread, quoted=quoted, moderator=svc.is_moderator(who),
                themes=_themes(request),
                follows=svc.following(hub, who, "thread", thread_id),
                sign_in=f"/account/login?next={urlquote(f'/forum/threads/{thread_id}')}")


@router.post("/forum/threads/{thread_id}/posts", response_class=HTMLResponse)
async def reply(thread_id: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request)
    f = await _form(request)
    quote = f.get("quote", "").strip()
    done = await run_in_threadpool(svc.reply, hub, who, thread_id, f.get("body", ""),
                                   int(quote) if quote.isdigit() else None)
    return RedirectResponse(done["url"], status_code=303)


@router.post("/forum/threads/{thread_id}/lock", response_class=HTMLResponse)
async def lock(thread_id: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request, svc.MODERATOR_ROLE)
    f = await _form(request)
    await run_in_threadpool(svc.lock, hub, who, thread_id, f.get("locked", "1") == "1")
    return RedirectResponse(f"/forum/threads/{thread_id}", status_code=303)


@router.post("/forum/posts/{post_id}/report", response_class=HTMLResponse)
async def report(post_id: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request)
    f = await _form(request)
    done = await run_in_threadpool(svc.report, hub, who, post_id, f.get("reason", ""))
    return RedirectResponse(f"/forum/threads/{done['thread_id']}?reported={done['number']}#post-{done['number']}",
                            status_code=303)


@router.post("/forum/posts/{post_id}/hide", response_class=HTMLResponse)
async def hide(post_id: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request, svc.MODERATOR_ROLE)
    f = await _form(request)
    done = await run_in_threadpool(svc.hide, hub, who, post_id, f.get("hidden", "1") == "1", f.get("reason", ""))
    return RedirectResponse(_back(f.get("next"), f"/forum/threads/{done['thread_id']}#post-{done['number']}"),
                            status_code=303)


@router.post("/forum/posts/{post_id}/dismiss", response_class=HTMLResponse)
async def dismiss(post_id: int, request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request, svc.MODERATOR_ROLE)
    await _form(request)
    await run_in_threadpool(svc.dismiss_reports, hub, who, post_id)
    return RedirectResponse("/forum/moderation", status_code=303)


@router.post("/forum/follow", response_class=HTMLResponse)
async def follow(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request)
    f = await _form(request)
    await run_in_threadpool(svc.follow, hub, who, f.get("kind", ""), f.get("target", ""), f.get("on", "1") == "1")
    return RedirectResponse(_back(f.get("next"), "/forum"), status_code=303)


@router.get("/forum/moderation", response_class=HTMLResponse)
def moderation(request: Request, hub: Hub = Depends(get_hub)) -> Response:
    who = need(request, svc.MODERATOR_ROLE)
    rows: list[dict[str, Any]] = svc.open_reports(hub, who)
    return page(request, "forum/moderation.html", rows=rows)
