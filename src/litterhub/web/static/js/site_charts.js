// Site page: total items per survey over time, one colour per comparability class (counts of different classes
// are different measures: never one line), and the item mix of each class as bars. Drawn through charts.js.
(function () {
  "use strict";
  const C = window.litterhubCharts;
  if (!C) return;
  const tl = document.getElementById("site-timeline");
  const values = C.read("site-timeline-data");
  if (tl && values) {
    const n = C.topN(values, "cls", "legend_cls");
    const spec = {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json", width: "container", height: 240,
      data: { values: values },
      mark: { type: "line", point: { filled: true, size: 50 }, strokeWidth: 1.5 },
      encoding: {
        x: C.timeAxis(values, "date", C.t("survey_date")),
        y: { field: "total", type: "quantitative", title: C.t("items_total"), axis: { format: "~s" } },
        color: { field: "legend_cls", type: "nominal", title: C.t("comparability_class"), sort: n.order,
                 legend: { orient: "bottom", direction: "vertical", labelLimit: 520 } },
        tooltip: [{ field: "date", type: "temporal", format: "%e %b %Y", title: C.t("survey_date") },
                  { field: "total", type: "quantitative", format: ",d", title: C.t("items_total") },
                  { field: "unit", title: C.t("unit") }, { field: "cls", title: C.t("comparability_class") }],
      },
    };
    C.embed(tl, spec, values.length);
  }
  const mix = document.getElementById("site-mix-chart");
  const rows = C.read("site-mix-data");
  if (mix && rows) {
    rows.forEach((r) => { if (r.is_others) r.label = C.t("others"); });
    const spec = {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json", data: { values: rows },
      width: Math.max(160, Math.min(420, mix.clientWidth - 240)),
      mark: "bar",
      encoding: {
        y: { field: "label", type: "nominal", sort: { field: "rank" }, title: null, axis: { labelLimit: 220, description: C.t("item") } },
        x: { field: "pct", type: "quantitative", title: C.t("share_pct") },
        color: { field: "is_others", type: "nominal", legend: null,
                 scale: { domain: [false, true], range: ["#4e79a7", "#bab0ac"] } },
        tooltip: [{ field: "label", title: C.t("item") },
                  { field: "pct", type: "quantitative", format: ",.1f", title: C.t("share_pct") }],
      },
    };
    C.embed(mix, spec, rows.length);
  }
})();
