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
