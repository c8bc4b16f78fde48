"""The licence and the citation string every API response carries."""

import datetime

from django.conf import settings


def license_link_header():
    return f'<{settings.DATA_LICENSE_URL}>; rel="license"'


def cite_as(url):
    """A short citation for the record or list at ``url``, dated today."""
    return settings.API_CITATION.format(
        url=url,
        date=datetime.date.today().isoformat(),
        license=settings.DATA_LICENSE_NAME,
    )
