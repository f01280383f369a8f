// Measured vs size-aligned concentrations (Vega-Lite, bundled; drawn through charts.js: translated titles,
// both log scales labelled, PNG/SVG export through the actions menu).
(function () {
  "use strict";
  const C = window.litterhubCharts;
  const el = document.getElementById("chart");
  const values = C && C.read("aligned-data");
  if (!el || !values) return;
  const log = " " + C.t("log_scale");
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: "container", height: 280, data: { values: values },
    mark: { type: "point", filled: true, opacity: 0.5 },
    encoding: {
      x: { field: "measured", type: "quantitative", title: C.t("measured") + log, scale: { type: "log" }, axis: { format: "~g" } },
      y: { field: "aligned", type: "quantitative", title: C.t("aligned") + log, scale: { type: "log" }, axis: { format: "~g" } },
      color: { field: "lower_um", type: "quantitative", title: C.t("lower_um") },
      tooltip: [{ field: "event_id" }, { field: "unit", title: C.t("unit") },
                { field: "measured", type: "quantitative", format: ",.4~g", title: C.t("measured") },
                { field: "aligned", type: "quantitative", format: ",.4~g", title: C.t("aligned") }],
    },
  };
  C.embed(el, spec, values.length);
})();
