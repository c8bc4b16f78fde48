"""
The cross-country rule, in one place: a type of one country never rests on another country's
law. The models' ``clean()`` (admin forms, imports) and the write path's gates
(``curation.services.gate_errors``: every create, update, proposal and approval) call it.
"""

from django.apps import apps
from django.db import models


def cross_country_errors(record) -> dict[str, list[str]]:
    """
    {field: [message]} where ``record`` ties one country's type to another country's law: a
    legal basis or a reference citing a law of another country than its type's, a type whose
    legal bases or references cite laws of another country than its own, a law moved to
    another country while types of its old country cite it.
    """
    label = record._meta.label_lower
    law_model = apps.get_model("countries", "Law")  # by name: orgs.models calls this module
    if label == "orgs.legalbasis" and record.org_type_id and record.law_id:
        pairs = [(record.org_type, record.law)]
        field = "law"
    elif label == "orgs.reference" and record.assessment_id and record.law_id:
        pairs = [(record.assessment.org_type, record.law)]
        field = "law"
    elif label == "orgs.organizationtype" and record.pk and record.country_id:
        cited = law_model._default_manager.filter(
            models.Q(legal_bases__org_type=record) | models.Q(references__assessment__org_type=record)
        ).exclude(country_id=record.country_id)
        pairs = [(record, law) for law in cited.select_related("country").distinct()]
        field = "country"
    elif label == "countries.law" and record.pk and record.country_id:
        type_model = apps.get_model("orgs", "OrganizationType")
        citing = type_model._default_manager.filter(
            models.Q(legal_bases__law=record) | models.Q(assessments__references__law=record)
        ).exclude(country_id=record.country_id)
        pairs = [(org_type, record) for org_type in citing.select_related("country").distinct()]
        field = "country"
    else:
        return {}
    messages = [
        f"'{org_type}' is a type of {org_type.country}; it cannot cite '{law}', a law of {law.country}, "
        "as legal basis or evidence."
        for org_type, law in pairs
        if org_type.country_id != law.country_id
    ]
    return {field: messages} if messages else {}
