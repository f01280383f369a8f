// Dataset page: items per 100 m over time (Vega-Lite, bundled; drawn through charts.js). Data come from the page.
(function () {
  "use strict";
  const C = window.litterhubCharts;
  const el = document.getElementById("chart");
  const values = C && C.read("series-data");
  if (!el || !values) return;
  const n = C.topN(values, "event_type", "legend_type");
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: "container", height: 260,
    data: { values: values },
    mark: { type: "point", filled: true, opacity: 0.6 },
    encoding: {
      x: C.timeAxis(values, "date", C.t("survey_date")),
      y: { field: "items_per_100m", type: "quantitative", title: C.t("items_per_100m") + " " + C.t("log_scale"),
           scale: { type: "symlog" }, axis: { format: "~s" } },
      color: { field: "legend_type", type: "nominal", title: C.t("event_type"),
               sort: n.order },
      tooltip: [{ field: "date", type: "temporal", title: C.t("survey_date"), format: "%e %b %Y" },
                { field: "items_per_100m", type: "quantitative", format: ",.1f", title: C.t("items_per_100m") },
                { field: "site_id", title: C.t("site") }],
    },
  };
  C.embed(el, spec, values.length);
})();
