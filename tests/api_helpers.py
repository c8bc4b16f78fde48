"""Small helpers for the API tests."""

API = "/api/v1/"


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def keys(response, key="slug"):
    return [row[key] for row in results(response)]


def problem(response, status=None):
    """The RFC 9457 problem a response carries (its shape checked)."""
    assert response["Content-Type"].startswith("application/problem+json"), (response.status_code, response.content)
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body), body
    assert body["status"] == response.status_code
    if status is not None:
        assert response.status_code == status, body
    return body


def errors(response):
    """The invalid parameters or fields a 400 problem names: ``{name: [message, ...]}``."""
    return problem(response, 400).get("errors", {})


def link_keys(value):
    """The keys of a link ``{key, url}`` or of a list of links."""
    if isinstance(value, list):
        return [item["key"] for item in value]
    return value["key"] if value is not None else None
