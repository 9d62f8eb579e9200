"""Property-based tests from the OpenAPI schema (schemathesis): no server errors, no
responses outside the schema, invalid input rejected.

Bounded to a few examples per operation so the suite stays quick on a 2-core machine.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import app as _module_app

MAX_EXAMPLES = 10
INVALID_INPUT_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
OPERATIONS = sorted(
    (method.upper(), path)
    for path, operations in _module_app.openapi()["paths"].items()
    for method in operations
)

# Which account each operation is meant for, so generated requests get past the role
# check and exercise the handler itself (the access matrix covers the other roles).
BOT_OPERATIONS = {
    ("POST", "/api/intakes"),
    ("POST", "/api/erasure"),
    ("POST", "/api/privacy/export"),
    ("POST", "/api/review-items"),
}


def _account_for(method: str, path: str) -> str:
    if (method, path) in BOT_OPERATIONS:
        return "bot"
    if path.startswith(("/api/users", "/api/audit")):
        return "admin"
    if path.startswith("/api/reports"):
        return "coordinator"
    if path.startswith(("/api/routing-decisions", "/api/review-items")) or method == "PATCH":
        return "operator"
    return "cm_caritas"


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_conforms_to_the_schema(app, as_user, new_case, method, path, mode):
    new_case()  # something in the database for list and read operations to find
    operation = schemathesis.openapi.from_asgi("/openapi.json", app)[path][method]
    headers = as_user(_account_for(method, path))

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        if mode == GenerationMode.POSITIVE:
            # Business rules the schema cannot express (consent must be given, a closed
            # case needs an outcome, ...) rightly refuse some schema-valid bodies.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
        else:
            # Invalid input must be refused cleanly: never a 500, always a documented
            # status with a body that matches the schema.
            case.call_and_validate(headers=headers, checks=INVALID_INPUT_CHECKS)

    try:
        check()
    except Unsatisfiable:
        # An operation without parameters or body has no invalid input to send.
        assert mode == GenerationMode.NEGATIVE
        pytest.skip("nothing to make invalid")
