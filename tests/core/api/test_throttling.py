"""The anonymous throttle counts in fixed windows: one counter per client and window, not a list of times."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIRequestFactory

from core.api.throttling import AnonReadThrottle

pytestmark = pytest.mark.django_db


def request(address="203.0.113.5"):
    return APIRequestFactory().get("/api/v1/families/", REMOTE_ADDR=address)


@override_settings(API_ANON_THROTTLE_RATE="5/minute")
def test_the_rate_is_kept_per_address_and_the_state_is_one_counter():

    allowed = []
    for _ in range(7):
        req = request()
        req.user = AnonymousUser()
        allowed.append(AnonReadThrottle().allow_request(req, None))
    assert allowed == [True] * 5 + [False] * 2
    other = request("198.51.100.7")
    other.user = AnonymousUser()
    assert AnonReadThrottle().allow_request(other, None)  # another address has its own count
    throttle = AnonReadThrottle()
    req = request()
    req.user = AnonymousUser()
    throttle.allow_request(req, None)
    stored = cache.get(f"{throttle.key}:{int(throttle.now // throttle.duration)}")
    assert stored == 8  # a counter, whatever the rate: not a list of request times
    assert 1 <= throttle.wait() <= 61


@override_settings(API_ANON_THROTTLE_RATE="2/minute")
def test_a_new_window_starts_a_new_count(monkeypatch):

    clock = [600.0]
    monkeypatch.setattr(AnonReadThrottle, "timer", lambda self: clock[0])

    def allowed():
        req = request()
        req.user = AnonymousUser()
        return AnonReadThrottle().allow_request(req, None)

    assert [allowed(), allowed(), allowed()] == [True, True, False]
    clock[0] += 60
    assert allowed()
