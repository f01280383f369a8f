"""HTTP plumbing both faces share (api/ for machines, web/ for people): the hub dependency, security (sessions,
API keys, CSRF, rate limits), problem documents and error handlers, request guards and limits, the compute pool,
CORS, the read cache, uploads. Imports services and below, never `litterhub.api` or `litterhub.web`."""
