// Starts the vendored Swagger UI on /api/v1/docs. A static file, not an inline script, so the page
// keeps the hub's Content-Security-Policy; validatorUrl null: no badge fetched from another host.
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") { return; }
  window.ui = window.SwaggerUIBundle({
    url: node.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    validatorUrl: null,
    docExpansion: "none",
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
})();
