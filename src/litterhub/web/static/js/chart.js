// Items per 100 m over time (Vega-Lite, bundled). Data come from the page itself.
(function () {
  "use strict";
  const el = document.getElementById("chart");
  const dataEl = document.getElementById("series-data");
  if (!el || !dataEl || !window.vegaEmbed) return;
  const values = JSON.parse(dataEl.textContent);
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: "container", height: 260,
    data: { values: values },
    mark: { type: "point", filled: true, opacity: 0.6 },
    encoding: {
      x: { field: "date", type: "temporal", title: "survey date" },
      y: { field: "items_per_100m", type: "quantitative", title: "items per 100 m", scale: { type: "symlog" } },
      color: { field: "event_type", type: "nominal", title: "event type" },
      tooltip: [{ field: "date", type: "temporal" }, { field: "items_per_100m", type: "quantitative", format: ".1f" }, { field: "site_id" }],
    },
  };
  vegaEmbed(el, spec, { renderer: "svg", actions: { export: true, source: false, compiled: false, editor: false } })
    .then(() => { el.dataset.rendered = String(values.length); })
    .catch((err) => { el.dataset.error = String(err); });
})();
