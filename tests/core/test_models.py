"""The base model fields every app stands on."""

import pytest

from countries.models import Source
from tests.factories import SourceFactory


@pytest.mark.django_db
def test_a_url_with_unicode_path_is_stored_percent_encoded_on_every_write():
    """save(), bulk_create() and update() all store the URI form; an ASCII URL is unchanged."""
    iri = "https://github.com/LawRefBook/Laws/blob/master/宪法/宪法.md"
    uri = "https://github.com/LawRefBook/Laws/blob/master/%E5%AE%AA%E6%B3%95/%E5%AE%AA%E6%B3%95.md"
    saved = SourceFactory(url=iri)
    saved.refresh_from_db()
    [bulk] = Source.objects.bulk_create([Source(slug="bulk", title="Bulk", url=iri)])
    updated = SourceFactory(url="https://example.org/a?b=c")
    assert Source.objects.get(pk=updated.pk).url == "https://example.org/a?b=c"
    Source.objects.filter(pk=updated.pk).update(url=iri)
    assert [Source.objects.get(pk=pk).url for pk in (saved.pk, bulk.pk, updated.pk)] == [uri] * 3
