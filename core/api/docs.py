"""
ReDoc, served offline: the standalone bundle from our own static files (npm package
``redoc``, copied into static/vendor/redoc by ``make setup``), no font from another host
(a local font stack), no inline script (our CSP), search off (ReDoc's search runs in a
worker made from a ``blob:`` URL, which the CSP's script-src does not allow).
"""

import json

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView

# ReDoc's theme: system fonts only, so nothing is fetched from a font service.
REDOC_THEME = {
    "typography": {
        "fontFamily": 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif',
        "headings": {"fontFamily": 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif'},
        "code": {"fontFamily": 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace'},
    }
}


class RedocView(SpectacularRedocView):
    """The schema rendered by ReDoc from static/vendor/redoc, same origin only."""

    template_name = "api/redoc.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["theme"] = json.dumps(REDOC_THEME)
        return response
