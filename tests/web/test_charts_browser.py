"""Charts in Chromium, in the page's language and direction: translated axis titles, years on time axes, the
log scale labelled, top-N legends with "others", the empty-state message, legends clear of the plot in Arabic;
and the site page's charts."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration]

YEAR = re.compile(r"(19|20)\d\d")
# the parts of a drawn Vega chart, read from its SVG (Vega's SVG renderer names marks by role)
READ_CHART = """(sel) => {
  const el = document.querySelector(sel);
  const box = (n) => { const r = n.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const axes = Array.from(el.querySelectorAll("g.role-axis")).map((a) => ({
    aria: a.getAttribute("aria-label") || "",
    title: Array.from(a.querySelectorAll(".role-axis-title text")).map((t) => t.textContent).join(" "),
    labels: Array.from(a.querySelectorAll(".role-axis-label text")).map((t) => t.textContent),
  }));
  return {
    axes: axes,
    legend: Array.from(el.querySelectorAll("g.role-legend")).map(box),
    legendLabels: Array.from(el.querySelectorAll(".role-legend-label text")).map((t) => t.textContent),
    grid: Array.from(el.querySelectorAll(".role-axis-grid")).map(box),
    loading: el.querySelectorAll(".chart-loading").length,
  };
}"""


def _open(browser, url: str, ready: str):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector(ready, timeout=30_000)
    strings = json.loads(page.text_content("#chart-strings"))
    return page, errors, strings


def _axes(chart: dict, x_title: str) -> tuple[dict, dict]:
    """(x, y): the chart has two axes, one titled `x_title`; both carry their title as ARIA label (not Vega's
    English "X-axis titled …")."""
    axes = [a for a in chart["axes"] if a["title"] or a["labels"]]  # grid lines are axes without text
    assert len(axes) == 2, axes
    assert all(a["aria"] == a["title"] for a in axes if a["title"]), axes
    assert not any(re.match(r"[XY]-axis", a["aria"]) for a in axes), axes  # Vega's English default
    x = [a for a in axes if a["title"] == x_title]
    assert len(x) == 1, (x_title, axes)
    return x[0], next(a for a in axes if a is not x[0])


def _overlap(a, b) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


@pytest.mark.parametrize("lang", ["zh", "ar"])
def test_indicator_time_series_speaks_the_page_language(browser, live_server, lang):
    page, errors, s = _open(browser, f"{live_server}/indicators?lang={lang}", "#indicator-timeseries[data-rendered]")
    assert s["lang"] == lang
    chart = page.evaluate(READ_CHART, "#indicator-timeseries")
    x, y = _axes(chart, s["survey_date"])
    assert y["title"] == s["items_per_100m"]
    assert x["labels"] and all(YEAR.search(label) for label in x["labels"]), x["labels"]
    # top-10 legend: the demo has more sites than that, the rest is one translated "others" entry
    assert len(chart["legendLabels"]) == 11 and chart["legendLabels"][-1] == s["others"]
    assert chart["loading"] == 0
    if lang == "ar":  # right to left: the legend sits below the plot, never over it
        plot = [min(b[0] for b in chart["grid"]), min(b[1] for b in chart["grid"]),
                max(b[2] for b in chart["grid"]), max(b[3] for b in chart["grid"])]
        assert chart["legend"] and not any(_overlap(box, plot) for box in chart["legend"]), (chart["legend"], plot)
        assert page.get_attribute("#indicator-timeseries", "dir") == "ltr"
    assert not errors, errors
    page.close()


@pytest.mark.parametrize("lang", ["zh", "ar"])
def test_empty_date_range_shows_the_message(browser, live_server, lang):
    url = f"{live_server}/indicators?lang={lang}&dataset=mlw-sample&from=1900-01-01&to=1900-12-31"
    page, errors, s = _open(browser, url, "#indicator-timeseries .chart-empty")
    assert page.text_content("#indicator-timeseries .chart-empty") == s["empty"]
    assert page.locator("#indicator-timeseries svg").count() == 0
    assert not errors, errors
    page.close()


@pytest.mark.parametrize("lang", ["zh", "ar"])
def test_dataset_chart_labels_its_log_scale(browser, live_server, lang):
    page, errors, s = _open(browser, f"{live_server}/datasets/mlw-sample?lang={lang}", "#chart[data-rendered]")
    chart = page.evaluate(READ_CHART, "#chart")
    x, y = _axes(chart, s["survey_date"])
    assert y["title"] == f"{s['items_per_100m']} {s['log_scale']}"
    assert x["labels"] and all(YEAR.search(label) for label in x["labels"]), x["labels"]
    assert not errors, errors
    page.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_site_page_draws_its_map_timeline_and_item_mix(browser, live_server, lang):
    import urllib.request

    with urllib.request.urlopen(f"{live_server}/api/v1/sites") as r:  # noqa: S310 - the local test server
        feats = json.load(r)["features"]
    site = max(feats, key=lambda f: (f["properties"]["n_events"], f["id"]))
    page, errors, s = _open(browser, f"{live_server}/sites/{site['id']}?lang={lang}", "#site-timeline[data-rendered]")
    page.wait_for_selector("#site-mix-chart[data-rendered]", timeout=30_000)
    page.wait_for_selector("#site-map[data-rendered]", timeout=30_000)
    timeline = page.evaluate(READ_CHART, "#site-timeline")
    x, y = _axes(timeline, s["survey_date"])
    assert y["title"] == s["items_total"]
    assert x["labels"] and all(YEAR.search(label) for label in x["labels"]), x["labels"]
    mix = page.evaluate(READ_CHART, "#site-mix-chart")
    share, items = _axes(mix, s["share_pct"])
    assert s["others"] in items["labels"]
    assert not errors, errors
    page.close()


def test_microplastics_chart_without_aligned_samples_says_so(browser, live_server):
    """The demo's beach datasets have no net samples to align: a translated message, not an empty chart."""
    url = f"{live_server}/microplastics?lang=ar&dataset=mlw-sample"
    page, errors, s = _open(browser, url, "#chart .chart-empty")
    assert page.text_content("#chart .chart-empty") == s["empty"] and s["measured"] != "Measured concentration"
    assert page.locator("#chart svg").count() == 0
    assert not errors, errors
    page.close()


def test_inventory_scenario_chart_is_translated(browser, live_server):
    page, errors, s = _open(browser, f"{live_server}/inventory/SWZ?lang=zh", "#scenario-chart[data-rendered]")
    chart = page.evaluate(READ_CHART, "#scenario-chart")
    x, y = _axes(chart, s["year"])
    assert y["title"] == s["emission_t"] and all(re.fullmatch(r"(19|20)\d\d", v) for v in x["labels"])
    assert not errors, errors
    page.close()


def test_litter_run_chart_is_translated(browser, live_server, shared_data, tmp_path):
    ref = shared_data / "litter-reference" / "input"
    settings = tmp_path / "settings.yaml"
    settings.write_text("date_min: 2012-01-01\ndate_max: 2017-12-31\npercentage_total_count: 80\n")
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server}/litter?lang=ar")
    page.set_input_files("#settings", str(settings))
    page.set_input_files("#data", str(ref / "beach-litter-nl-2012-2017.csv"))
    page.set_input_files("#types", str(ref / "types-ospar-tests.csv"))
    page.locator("#settings").evaluate("(el) => el.form.submit()")
    page.wait_for_selector("#litter-chart[data-rendered]", timeout=60_000)
    s = json.loads(page.text_content("#chart-strings"))
    assert s["lang"] == "ar"
    chart = page.evaluate(READ_CHART, "#litter-chart")
    x, y = _axes(chart, s["survey_date"])
    assert y["title"] == s["total_count"] and all(YEAR.search(v) for v in x["labels"])
    assert len(chart["legendLabels"]) <= 11
    assert not errors, errors
    page.close()


def test_numbers_follow_the_page_language(browser, live_server):
    """French groups thousands with a (narrow) no-break space, not the English comma."""
    page, errors, s = _open(browser, f"{live_server}/indicators?lang=fr", "#indicator-timeseries[data-rendered]")
    chart = page.evaluate(READ_CHART, "#indicator-timeseries")
    _, y = _axes(chart, s["survey_date"])
    big = [v for v in y["labels"] if len(re.sub(r"\D", "", v)) >= 4]
    assert big and all(re.fullmatch(r"\d{1,3}([\u202f\u00a0 ]\d{3})+", v) for v in big), y["labels"]
    assert not errors, errors
    page.close()
