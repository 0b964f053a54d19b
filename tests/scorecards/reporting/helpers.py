from django.urls import reverse

URL = reverse("qa_reports:report")


def report_of(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.context["report"]


def by_label(rows):
    return {row.label: row for row in rows}
