"""
API tokens (django-rest-knox: hashed, named, expiring, several per user) and the admin
sign-in lockout (django-axes): a username is locked from one address after
``AXES_FAILURE_LIMIT`` failures, for ``AXES_COOLOFF_MINUTES`` (0: until an admin resets it).
"""

from datetime import timedelta

from .environment import env

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
_AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=_AXES_COOLOFF_MINUTES) if _AXES_COOLOFF_MINUTES else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The same client address as the API throttle and the correction form (core/client.py).
AXES_CLIENT_IP_CALLABLE = "core.client.client_address"

# API tokens: knox's, stored as digests in accounts.ApiToken (the key is shown once).
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# Days a new token lasts unless told otherwise (0: no expiry).
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=365)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_DAYS) if API_TOKEN_DAYS else None,
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
