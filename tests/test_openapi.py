"""openapi.yaml is a valid OpenAPI 3 document (the Swift contract test checks it against the routes)."""
import pathlib

import yaml
from openapi_spec_validator import validate

SPEC = pathlib.Path(__file__).resolve().parent.parent / "openapi.yaml"


def test_openapi_document_is_valid():
    validate(yaml.safe_load(SPEC.read_text()))


def test_every_operation_declares_error_responses_and_an_operation_id():
    spec = yaml.safe_load(SPEC.read_text())
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "delete", "patch", "head"}:
                continue
            assert "operationId" in op, f"{method.upper()} {path} has no operationId"
            codes = set(op["responses"])
            assert any(c.startswith("2") or c.startswith("3") for c in codes), f"{method.upper()} {path}: no success response"
