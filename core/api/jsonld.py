"""
Our JSON-LD context (``/api/v1/context.jsonld``, docs/api.md "Formats"): every term of the API's
JSON-LD mapped to schema.org, or, where schema.org has no term (the classification and what it
rests on, paging), to our own vocabulary under the context's URL (``sse:``). No ``@vocab``: a term
the context does not define is dropped by a JSON-LD processor, so the tests (pyld) can tell.
"""

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

MEDIA_TYPE = "application/ld+json"
IRI = {"@type": "@id"}

SCHEMA_TERMS = {
    # Types
    "Legislation": "schema:Legislation",
    "DefinedTerm": "schema:DefinedTerm",
    "DefinedTermSet": "schema:DefinedTermSet",
    "WebPage": "schema:WebPage",
    # Thing
    "identifier": "schema:identifier",
    "name": "schema:name",
    "alternateName": "schema:alternateName",
    "description": "schema:description",
    "sameAs": {"@id": "schema:sameAs", **IRI},
    "subjectOf": {"@id": "schema:subjectOf", **IRI},
    "mainEntityOfPage": {"@id": "schema:mainEntityOfPage", **IRI},
    # CreativeWork
    "license": {"@id": "schema:license", **IRI},
    "dateModified": {"@id": "schema:dateModified", "@type": "schema:DateTime"},
    "spatialCoverage": {"@id": "schema:spatialCoverage", **IRI},
    # Legislation
    "legislationIdentifier": "schema:legislationIdentifier",
    "legislationDate": {"@id": "schema:legislationDate", "@type": "schema:Date"},
    "legislationType": "schema:legislationType",
    "legislationJurisdiction": {"@id": "schema:legislationJurisdiction", **IRI},
    "legislationLegalForce": {"@id": "schema:legislationLegalForce", **IRI},
    # DefinedTerm
    "termCode": "schema:termCode",
    "inDefinedTermSet": {"@id": "schema:inDefinedTermSet", **IRI},
}
OUR_TERMS = {
    "classification": "sse:classification",
    "classificationRange": {"@id": "sse:classificationRange", "@container": "@list"},
    "settled": "sse:settled",
    "featuresMet": "sse:featuresMet",
    "subConditionsMet": {"@id": "sse:subConditionsMet", "@container": "@set"},
    "family": {"@id": "sse:family", **IRI},
    "legallyInstitutionalized": "sse:legallyInstitutionalized",
    "count": "sse:count",
    "next": {"@id": "sse:next", **IRI},
    "previous": {"@id": "sse:previous", **IRI},
    "citeAs": "sse:citeAs",
}


def context_url(request):
    return request.build_absolute_uri(reverse("api:jsonld-context"))


def context_document(request):
    return {
        "@context": {
            "@version": 1.1,
            "schema": "https://schema.org/",
            "sse": context_url(request) + "#",
            **SCHEMA_TERMS,
            **OUR_TERMS,
        }
    }


def license_iri():
    return settings.DATA_LICENSE_URL


@require_safe
def context_view(request):
    response = JsonResponse(context_document(request), content_type=MEDIA_TYPE, json_dumps_params={"indent": 2})
    response["Cache-Control"] = "public, max-age=86400"
    return response
