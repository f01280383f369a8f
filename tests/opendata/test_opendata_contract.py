"""Contract tests: schemathesis generates requests from the /api/v1 and /ogc OpenAPI documents and checks
every response against them (status codes, content types, schemas, no server errors).

Operations are driven explicitly with Hypothesis (10 examples each, in-process over the ASGI app) rather
than through schemathesis' pytest fixture integration, which does not work with this pytest version.
Schema-valid but meaningless values (bbox="abc") are rightly rejected with 400, so the opinionated
positive-data-acceptance check is left out; every other default check runs.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

FAST = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                database=None)


# the routers of the foundation and of open sharing; other capabilities test their own contracts
API_V1_TAGS = {"datasets", "downloads", "catalogue"}


def _run_all(schema, tags: set[str] | None = None) -> tuple[int, list[str]]:
    failures: list[str] = []
    ran = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if tags is not None and not tags & set(operation.definition.raw.get("tags", [])):
            continue

        @FAST
        @given(case=operation.as_strategy())
        def check(case):
            # a schema-valid string such as bbox="abc" is rightly a 400, so positive-data acceptance is off
            response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
            assert response.status_code < 500

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect every operation's failure
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
        ran += 1
    return ran, failures


def test_api_v1_read_operations_honour_their_contract(api_v1_schema):
    ran, failures = _run_all(api_v1_schema, API_V1_TAGS)
    assert ran >= 10, "the /api/v1 document lists the read operations"
    assert not failures, "\n\n".join(failures)


def test_ogc_operations_honour_their_contract(ogc_schema):
    ran, failures = _run_all(ogc_schema)
    assert ran == 7  # six Part 1 operations + queryables (Part 3)
    assert not failures, "\n\n".join(failures)
