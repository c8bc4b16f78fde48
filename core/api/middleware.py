from .citation import license_link_header


class LicenseLinkMiddleware:
    """Adds ``Link: <licence>; rel="license"`` to every response under the API prefix."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            existing = response.get("Link")
            link = license_link_header()
            response["Link"] = f"{existing}, {link}" if existing else link
        return response
