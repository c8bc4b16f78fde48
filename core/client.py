"""
The visitor's address: one function, used by the API throttle, the correction form's rate
limit (``RATELIMIT_IP_META_KEY``) and the admin sign-in lockout (``AXES_CLIENT_IP_CALLABLE``).

``settings.NUM_PROXIES`` says how many proxies we run in front of the app (nginx: 1; a cloud
load balancer and nginx: 2). Each of them appends the address it received the connection
from to ``X-Forwarded-For``, so the last ``NUM_PROXIES`` entries were written by our own
proxies, and the first of those is the visitor as our outermost proxy saw it. Anything to
its left was sent by the visitor and is never read. With ``NUM_PROXIES = 0`` (the default:
the app faces the visitors) the header is ignored and ``REMOTE_ADDR`` is the address.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The address of the visitor who sent ``request`` (a Django or DRF request)."""
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "") or ""
    proxies = settings.NUM_PROXIES
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        # Fewer entries than proxies: the request did not come through all of ours.
        return remote
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
