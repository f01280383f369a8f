// Shared chart helpers (window.litterhubCharts): every Vega-Lite chart of the hub goes through `embed`, so that
// charts speak the page's language and direction in one place.
//  - strings: the translated axis titles and messages, from <script type="application/json" id="chart-strings">
//    (templates/_chart_strings.html; pages send a CSP with nonces, so data blocks, not inline code);
//  - number and date formats of the page language: d3-format / d3-time-format locale objects built from the
//    browser's Intl data (Latin digits, as the tables of the pages), passed to vega-embed;
//  - right-to-left pages: the plot keeps its left-to-right coordinates (dir="ltr" on the chart box, so SVG text
//    anchors do not flip and tick labels do not collide) and the legend goes below the plot, never over it;
//  - time axes always show years; long legends are cut to the top N with the rest as "others";
//  - no data: a translated message instead of an empty chart; a loading note until the chart is drawn.
(function () {
  "use strict";
  const TOP_N = 10;  // legend entries before "others": more colours than this cannot be told apart
  let cached = null;

  function strings() {
    if (cached) return cached;
    const el = document.getElementById("chart-strings");
    cached = el ? JSON.parse(el.textContent) : {};
    cached.lang = cached.lang || document.documentElement.lang || "en";
    cached.dir = cached.dir || document.documentElement.dir || "ltr";
    return cached;
  }
  const t = (key, fallback) => (strings()[key] || fallback || key);

  function locales(lang) {
    const tag = lang + "-u-nu-latn";
    const parts = new Intl.NumberFormat(tag, { useGrouping: true }).formatToParts(12345.6);
    const part = (type, dflt) => { const p = parts.find((x) => x.type === type); return p ? p.value : dflt; };
    const names = (opts, make) => Array.from({ length: opts.n }, (_, i) =>
      new Intl.DateTimeFormat(tag, Object.assign({ timeZone: "UTC" }, opts.fmt)).format(make(i)));
    const month = (i) => new Date(Date.UTC(2001, i, 15));
    const day = (i) => new Date(Date.UTC(2001, 0, 7 + i));  // 7 January 2001 was a Sunday
    return {
      number: { decimal: part("decimal", "."), thousands: part("group", ","), grouping: [3], currency: ["", ""] },
      time: {
        dateTime: "%x %X", date: "%Y-%m-%d", time: "%H:%M:%S", periods: ["AM", "PM"],
        days: names({ n: 7, fmt: { weekday: "long" } }, day), shortDays: names({ n: 7, fmt: { weekday: "short" } }, day),
        months: names({ n: 12, fmt: { month: "long" } }, month),
        shortMonths: names({ n: 12, fmt: { month: "short" } }, month),
      },
    };
  }

  // A temporal x axis whose labels always carry the year: years only over long spans, month and year otherwise.
  function timeAxis(values, field, title) {
    const times = values.map((v) => Date.parse(v[field])).filter((x) => !isNaN(x));
    const years = times.length ? (Math.max(...times) - Math.min(...times)) / 3.15576e10 : 0;
    const axis = years >= 2 ? { format: "%Y", tickCount: { interval: "year", step: Math.ceil(years / 8) } }
      : { format: "%b %Y", labelAngle: -30 };
    return { field: field, type: "temporal", title: title, axis: Object.assign({ labelOverlap: true }, axis) };
  }

  // Rows whose `field` is not among the N most frequent (or heaviest, by `weight`) get `others` in `into`.
  function topN(rows, field, into, opts) {
    const n = (opts && opts.n) || TOP_N, weight = (opts && opts.weight) || (() => 1);
    const sums = {};
    rows.forEach((r) => { sums[r[field]] = (sums[r[field]] || 0) + weight(r); });
    const keep = new Set(Object.keys(sums).sort((a, b) => sums[b] - sums[a] || (a < b ? -1 : 1)).slice(0, n));
    const others = t("others", "others");
    rows.forEach((r) => { r[into] = keep.has(String(r[field])) ? r[field] : others; });
    const kept = Array.from(keep), cut = Object.keys(sums).length - keep.size;
    return { kept: kept, others: others, cut: cut, order: cut > 0 ? kept.concat([others]) : kept };
  }

  // Tableau 10 for the named entries, grey for "others" (the colours vega's own "tableau10" scheme uses).
  const TABLEAU10 = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                     "#9c755f", "#79706e"];
  const palette = (n, withOthers) => TABLEAU10.slice(0, n).concat(withOthers ? ["#bab0ac"] : []);

  // Vega writes English ARIA labels for axes ("X-axis titled …"); an axis description replaces them, so screen
  // readers hear the translated title. Walks layers, facets and concatenations.
  function describeAxes(spec) {
    if (!spec || typeof spec !== "object") return;
    const enc = spec.encoding || {};
    ["x", "y"].forEach((ch) => {
      const e = enc[ch];
      if (e && e.title && e.axis !== null) e.axis = Object.assign({ description: e.title }, e.axis || {});
    });
    (spec.layer || []).concat(spec.spec ? [spec.spec] : [], spec.hconcat || [], spec.vconcat || [],
                              spec.concat || []).forEach(describeAxes);
  }

  function note(el, cls, text) {
    const p = document.createElement("p");
    p.className = cls; p.setAttribute("role", "status"); p.textContent = text;
    p.style.padding = "2rem 1rem"; p.style.textAlign = "center"; p.style.color = "#555";
    el.appendChild(p);
    return p;
  }

  // Draw `spec` in `el` with the page's locale and direction; `count` is the number of data rows (0: message).
  function embed(el, spec, count, opts) {
    if (!el) return Promise.resolve(null);
    const s = strings(), rtl = s.dir === "rtl";
    el.setAttribute("dir", "ltr");  // chart coordinates are left to right; the texts keep their own direction
    if (!count) {
      el.dataset.empty = "1";
      el.style.minHeight = "0";
      note(el, "chart-empty", t("empty", "No data for this choice."));
      return Promise.resolve(null);
    }
    if (!window.vegaEmbed) { el.dataset.error = "vega-embed not loaded"; return Promise.resolve(null); }
    const loading = note(el, "chart-loading", t("loading", "Loading chart…"));
    loading.setAttribute("aria-live", "polite");
    el.setAttribute("aria-busy", "true");
    const loc = locales(s.lang);
    describeAxes(spec);
    spec.description = spec.description || el.getAttribute("aria-label") || undefined;
    spec.config = Object.assign({
      font: "system-ui, sans-serif",
      legend: Object.assign({ labelLimit: 220 }, rtl ? { orient: "bottom", direction: "horizontal", columns: 2 } : {}),
      axis: { labelOverlap: true, labelFlush: true },
    }, spec.config || {});
    return vegaEmbed(el, spec, Object.assign({
      renderer: "svg", formatLocale: loc.number, timeFormatLocale: loc.time,
      actions: { export: true, source: false, compiled: false, editor: false },
    }, opts || {})).then((result) => {
      loading.remove();
      el.removeAttribute("aria-busy");
      el.litterhubView = result.view;  // for scripted checks
      el.querySelectorAll(":scope > details").forEach((menu) => {  // vega-embed's icon-only menu: name it
        const label = t("actions", "Save the chart as an image");
        menu.title = label;
        menu.querySelector("summary").setAttribute("aria-label", label);
      });
      el.dataset.rendered = String(count);
      return result;
    }).catch((err) => {
      loading.textContent = t("failed", "The chart could not be drawn.");
      el.removeAttribute("aria-busy");
      el.dataset.error = String(err);
      return null;
    });
  }

  function read(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  window.litterhubCharts = { strings: strings, t: t, locales: locales, timeAxis: timeAxis, topN: topN, palette: palette, embed: embed,
                             read: read, TOP_N: TOP_N };
})();
