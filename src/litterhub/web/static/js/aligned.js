// Measured vs size-aligned concentrations (Vega-Lite, bundled; PNG/SVG export through the actions menu).
(function () {
  "use strict";
  const el = document.getElementById("chart");
  const dataEl = document.getElementById("aligned-data");
  if (!el || !dataEl || !window.vegaEmbed) return;
  const values = JSON.parse(dataEl.textContent);
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: "container", height: 280, data: { values: values },
    mark: { type: "point", filled: true, opacity: 0.5 },
    encoding: {
      x: { field: "measured", type: "quantitative", title: "measured", scale: { type: "log" } },
      y: { field: "aligned", type: "quantitative", title: "aligned to target range", scale: { type: "log" } },
      color: { field: "lower_um", type: "quantitative", title: "lower size limit (µm)" },
      tooltip: [{ field: "event_id" }, { field: "unit" }, { field: "measured" }, { field: "aligned" }],
    },
  };
  vegaEmbed(el, spec, { renderer: "svg", actions: { export: true, source: false, compiled: false, editor: false } })
    .then(() => { el.dataset.rendered = String(values.length); })
    .catch((err) => { el.dataset.error = String(err); });
})();
