"""
A type's classification in words, on a day: which provisions meet which sub-conditions,
which features are not stipulated or not yet assessed, and the verdict (settled, or
provisional with what it could still become). The sentences come from the pure rule
(``orgs.classification.explain``); this module gathers what it needs.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping

from . import classification as rule
from .models import Feature, OrganizationType, Reference, SubCondition
from .querysets import TypeLandscape


def provision_label(reference, law_shown: Callable = lambda law: True) -> str:
    """'Act No. 8217 Art. 2(1)': how a sentence cites a reference; a law the reader may not see is not named."""
    if not law_shown(reference.law):
        return ""
    return " ".join(p for p in (reference.law.short_title or reference.law.citation, reference.provision) if p)


def sentences(
    landscape: TypeLandscape,
    references: Mapping[int, Reference],
    feature_names: Mapping[str, str],
    sub_conditions: Mapping[int, SubCondition],
    law_shown: Callable = lambda law: True,
) -> tuple[rule.Classification, list[str]]:
    """The explanation from a landscape and its references (by id), the method's names, and a law mask."""
    cells = []
    for sub_id, cell in landscape.cells.items():
        sub = sub_conditions[sub_id]
        labels = [provision_label(references[pk], law_shown) for pk in cell.references if pk in references]
        cells.append((sub.feature.code, sub.name, cell.finding, [label for label in labels if label]))
    cells.sort(key=lambda c: next(i for i, code in enumerate(feature_names) if code == c[0]))
    return rule.explain(cells, feature_names)


def explain(org_type: OrganizationType, day: datetime.date | None = None) -> tuple[rule.Classification, list[str]]:
    """The explanation of one type on ``day`` (today), reading what it needs (a handful of queries)."""
    landscape = OrganizationType.objects.filter(pk=org_type.pk).landscape_on(day)[org_type.pk]
    ids = [pk for cell in landscape.cells.values() for pk in cell.references]
    references = {ref.pk: ref for ref in Reference.objects.filter(pk__in=ids).select_related("law")}
    features = {f.code: f.name for f in Feature.objects.all()}
    subs = {s.pk: s for s in SubCondition.objects.select_related("feature")}
    return sentences(landscape, references, features, subs)
