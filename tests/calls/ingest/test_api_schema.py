"""The OpenAPI schema at /api/schema/ describes every ingest endpoint."""

import pytest
import yaml
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_lists_every_endpoint(schema):
    paths = schema["paths"]
    assert set(paths) >= {
        "/api/v1/calls/",
        "/api/v1/calls/batch/",
        "/api/v1/calls/{external_id}/",
        "/api/v1/calls/{external_id}/recording/",
        "/api/v1/calls/{external_id}/survey/",
        "/api/v1/calls/{external_id}/escalations/",
        "/api/v1/cases/{case_id}/resolve/",
    }
    assert set(paths["/api/v1/calls/"]) == {"post"}
    assert set(paths["/api/v1/calls/{external_id}/"]) == {"get"}
    assert paths["/api/v1/calls/"]["post"]["operationId"] == "upsert_call"
    assert {"201", "200", "400", "401"} <= set(paths["/api/v1/calls/"]["post"]["responses"])


def test_schema_documents_the_token_and_the_batch_behaviour(schema):
    assert schema["components"]["securitySchemes"]["IngestToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["IngestToken"]["description"],
    }
    batch = schema["paths"]["/api/v1/calls/batch/"]["post"]
    assert "Partial accept" in batch["description"]
    assert batch["security"] == [{"IngestToken": []}]
    recording = schema["paths"]["/api/v1/calls/{external_id}/recording/"]["post"]["requestBody"]["content"]
    assert set(recording) == {"multipart/form-data", "application/json"}


def test_schema_names_the_call_fields(schema):
    fields = schema["components"]["schemas"]["CallIngest"]
    assert set(fields["required"]) == {"external_id", "started_at"}
    assert {"agent", "team", "call_type", "talk_seconds", "case_id", "transcript"} <= set(
        fields["properties"]
    )
    # seconds, or text as in the import ("1:02:03")
    assert {"type": "integer", "minimum": 0, "maximum": 2_147_483_647} in fields["properties"][
        "talk_seconds"
    ]["oneOf"]


def test_every_operation_names_the_token_scope_it_needs(schema):
    """Reading a call back needs "read", every write "ingest"; the 403 without it is documented."""
    scopes = {
        (path, method): operation["x-token-scope"]
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in operations.items()
    }
    assert scopes[("/api/v1/calls/{external_id}/", "get")] == "read"
    assert {scope for (path, method), scope in scopes.items() if method != "get"} == {"ingest"}
    assert len(scopes) == 9
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not path.startswith("/api/v1/"):
                continue
            needs = operation["x-token-scope"]
            assert f"**Token scope: `{needs}`.**" in operation["description"], (path, method)
            refused = operation["responses"]["403"]["content"]["application/json"]["schema"]
            assert refused["required"] == ["detail", "missing_scope"]


def test_a_write_answers_the_call_or_a_receipt(schema):
    upsert = schema["paths"]["/api/v1/calls/"]["post"]
    answer = upsert["responses"]["201"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/CallWritten"}
    assert schema["components"]["schemas"]["CallWritten"]["oneOf"] == [
        {"$ref": "#/components/schemas/Call"},
        {"$ref": "#/components/schemas/CallReceipt"},
    ]
    assert "transcript" not in schema["components"]["schemas"]["CallReceipt"]["properties"]
    assert "`read` scope" in upsert["description"]
