"""openapi.yaml is a valid OpenAPI 3 document (the Swift contract test checks it against the routes)."""
import pathlib

import yaml
from openapi_spec_validator import validate

SPEC = pathlib.Path(__file__).resolve().parent.parent / "openapi.yaml"
METHODS = {"get", "post", "put", "delete", "patch", "head"}
PERMISSIONS = {"open", "read", "packages:write", "orgs:operate", "chaincode:invoke", "admin"}


def operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield path, method, op


def test_openapi_document_is_valid():
    validate(yaml.safe_load(SPEC.read_text()))


def test_every_operation_declares_error_responses_and_an_operation_id():
    spec = yaml.safe_load(SPEC.read_text())
    for path, method, op in operations(spec):
        assert "operationId" in op, f"{method.upper()} {path} has no operationId"
        codes = set(op["responses"])
        assert any(c.startswith("2") or c.startswith("3") for c in codes), f"{method.upper()} {path}: no success response"


def test_operation_ids_are_unique_and_permissions_known():
    spec = yaml.safe_load(SPEC.read_text())
    ids = [op["operationId"] for _, _, op in operations(spec)]
    assert len(ids) == len(set(ids))
    for path, method, op in operations(spec):
        assert op.get("x-permission") in PERMISSIONS, f"{method.upper()} {path}: x-permission"
        if op["x-permission"] == "open":
            assert op.get("security") == [], f"{method.upper()} {path} is open: security: []"
        else:
            assert "security" not in op, f"{method.upper()} {path} must use the global bearerAuth"
    assert spec["security"] == [{"bearerAuth": []}]


def test_api_errors_use_the_one_error_schema():
    spec = yaml.safe_load(SPEC.read_text())
    shared = spec["components"]["responses"]
    for name, response in shared.items():
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, name
    assert "WWW-Authenticate" in shared["Unauthorized"]["headers"]
    assert "Retry-After" in shared["TooManyRequests"]["headers"]
    for path, method, op in operations(spec):
        if not path.startswith("/api/"):
            continue
        for code, response in op["responses"].items():
            if code[0] in "45":
                assert response.get("$ref", "").startswith("#/components/responses/"), f"{method.upper()} {path} {code}"
