"""/api/docs/: the ingest API's schema as readable documentation, with Swagger UI from our own static files."""

from django.urls import reverse


def test_the_documentation_loads_its_assets_from_our_static_files(client, db):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert reverse("api-schema") in html
    assert "cdn." not in html and "jsdelivr" not in html and "unpkg" not in html


def test_the_swagger_files_are_there_to_serve():
    from django.contrib.staticfiles import finders

    for name in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert finders.find(f"vendor/swagger-ui/{name}"), name
