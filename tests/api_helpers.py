"""Small helpers for the API tests."""

API = "/api/v1/"


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def keys(response, key="slug"):
    return [row[key] for row in results(response)]
