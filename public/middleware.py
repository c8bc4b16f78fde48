"""The interface language of a request: the URL's, and nothing else."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class URLLanguageMiddleware(LocaleMiddleware):
    """
    ``/ko/...`` is Korean, ``/ja/...`` Japanese, a path without a prefix English. Django's
    LocaleMiddleware would also read the Accept-Language header and a cookie, so that one URL
    could answer in several languages (``Vary: Accept-Language``): the anonymous response cache
    could then store no page at all, and a shared link would not show what its sender saw.
    Here one URL is one page; a visitor changes language with the switch (links to the same
    page under another prefix), and every page lists its alternates (``hreflang``).
    """

    def process_request(self, request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
