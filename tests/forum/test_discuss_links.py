"""Any record or dataset can be discussed: their pages link to a new thread filed under them, and the thread form
opens with that link filled in (sign-in first for an anonymous visitor)."""

from __future__ import annotations

import re


def test_dataset_and_record_pages_open_a_thread_linked_to_them(client):
    dataset = client.get("/api/v1/datasets").json()["items"][0]["id"]
    record = client.get("/api/v1/registry/records", params={"limit": 1}).json()["results"][0]["id"]
    for page, kind, ident in ((f"/datasets/{dataset}", "dataset", dataset), (f"/registry/records/{record}", "record",
                                                                            record)):
        html = client.get(page).text
        href = re.search(rf'href="(/forum/new\?link_kind={kind}&amp;link_id=[^"]+)"', html)
        assert href, page
        target = href.group(1).replace("&amp;", "&")
        assert ident in target
        anonymous = client.get(target, follow_redirects=False)
        assert anonymous.status_code in (303, 307, 401) or "/account/login" in anonymous.text  # sign in first
