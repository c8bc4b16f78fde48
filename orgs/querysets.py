"""
Querysets shared by the public pages, the API and the admin.

``models.py`` imports this module, so this app's models are reached through the
app registry (``model(name)``), never imported here; laws come from
``countries``, below this app.

The landscape of a day (``OrganizationTypeQuerySet.landscape_on``) is the one
computation behind every classification: the stored one (today's, written by
``reclassify``), time travel with ``as_of``, the drift check. It reads plain values
in a fixed number of queries whatever the number of types, and applies the pure rule
(``orgs.classification``).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import RowNumber
from django.utils import timezone

from caching.querysets import DataVersionQuerySet
from core.choices import PublicationStatus
from core.memory import collector_paused
from core.querysets import NaturalKeyQuerySet, PublishableQuerySet
from countries.choices import LAW_EVENTS_STARTING_FORCE
from countries.models import Law
from countries.querysets import law_in_force

from . import claims as claims_rule
from . import classification as rule

# Long text columns of records joined to API rows that the API does not show there.
API_UNSHOWN_TEXTS = {
    "law": ("law__summary", "law__verification_note", "law__curator_note"),
    "law__country": ("law__country__narrative", "law__country__boundary"),
    "source": ("source__note", "source__locator"),
    "country": ("country__narrative", "country__boundary"),
}


def model(name):
    """A model of this app, from the app registry (see the module docstring)."""
    return apps.get_model("orgs", name)


def today():
    return timezone.localdate()


class FeatureQuerySet(NaturalKeyQuerySet):
    natural_key_field = "code"

    def for_api(self, *, public=True):
        return self.prefetch_related("sub_conditions")


class SubConditionQuerySet(NaturalKeyQuerySet):
    natural_key_field = "code"

    def for_api(self, *, public=True):
        return self.select_related("feature")


class FamilyQuerySet(NaturalKeyQuerySet):
    def for_api(self, *, public=True):
        return self


@dataclass
class Method:
    """The method as plain values: features in order, and each sub-condition's code, short code, feature, order."""

    features: list[str]
    sub_conditions: dict[int, tuple[str, str, str, tuple[int, int]]]

    @classmethod
    def read(cls):
        """Two queries."""
        features = list(model("Feature").objects.order_by("order", "code").values_list("code", flat=True))
        subs = {
            pk: (code, short, feature, (feature_order, order))
            for pk, code, short, feature, feature_order, order in model("SubCondition")
            .objects.order_by("feature__order", "order", "code")
            .values_list("pk", "code", "short_code", "feature__code", "feature__order", "order")
        }
        return cls(features, subs)

    def __post_init__(self):
        self._in_order = sorted(self.sub_conditions, key=lambda pk: self.sub_conditions[pk][3])
        self._features = tuple(self.features)

    def classify(self, findings):
        """The rule's classification of a type whose cells have these ``{sub-condition id: finding}``."""
        cells = tuple((self.sub_conditions[pk][2], findings[pk]) for pk in self.sub_conditions)
        return rule.classify_cells(cells, self._features)

    def ordered(self, sub_condition_ids):
        ids = list(sub_condition_ids)
        if ids == self._in_order:  # a landscape's cells, built in the method's order: nothing to sort
            return ids
        return sorted(ids, key=lambda pk: self.sub_conditions[pk][3])


@dataclass
class Cell:
    """One cell on a day: its finding, and the references in force it rests on."""

    finding: str = rule.NOT_ASSESSED
    not_stipulated_kind: str = ""
    references: list[int] = field(default_factory=list)  # ids of the references supporting the finding


@dataclass
class TypeLandscape:
    """A type on a day: its cells by sub-condition id, its classification, and the laws it rests on."""

    cells: dict[int, Cell]
    result: rule.Classification
    laws: set[int]  # legal bases' laws and references' laws that count that day
    law_ids_shown: set[int] = field(default_factory=set)  # those a public reader may be told of
    law_keys: dict[int, str] = field(default_factory=dict)  # the slugs of ``laws``, for links

    def findings(self, method):
        """``{sub-condition code: finding}`` in the method's order."""
        return {method.sub_conditions[pk][0]: self.cells[pk].finding for pk in method.ordered(self.cells)}

    def met_codes(self, method):
        return [method.sub_conditions[pk][0] for pk in method.ordered(self.cells) if self.cells[pk].finding == rule.MET]


def reference_counts(law_in_force, valid_from, valid_until, day):
    """Whether a reference counts on ``day``: its law in force, and ``day`` within its own period."""
    return law_in_force and (valid_from is None or valid_from <= day) and (valid_until is None or day < valid_until)


class OrganizationTypeQuerySet(PublishableQuerySet):
    def public(self):
        """Published types of published countries."""
        return self.published().filter(country__publication_status=PublicationStatus.PUBLISHED)

    # What pages and endpoints show --------------------------------------------

    def with_assessments(self):
        """Everything a type's page or detail endpoint shows, in a fixed number of queries."""
        Assessment, LegalBasis, Reference = model("Assessment"), model("LegalBasis"), model("Reference")
        references = Reference.objects.select_related("law__country", "source")
        return self.select_related("country", "family").prefetch_related(
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("sub_condition__feature").prefetch_related(
                    Prefetch("references", queryset=references)
                ),
            ),
            Prefetch("legal_bases", queryset=LegalBasis.objects.select_related("law")),
        )

    def for_api(self, *, public=True):
        """
        Types with their cells, references and legal bases in a fixed number of
        queries. All references are kept (the classification counts them all);
        when ``public``, legal bases on an unpublished law are left out, and
        serializers mask such a law on a reference.
        """
        Assessment, LegalBasis, Reference = model("Assessment"), model("LegalBasis"), model("Reference")
        # The long texts of the joined records are never shown in the API's type rows: not loaded.
        references = Reference.objects.select_related("law__country", "source").defer(
            *API_UNSHOWN_TEXTS["law"], *API_UNSHOWN_TEXTS["law__country"], *API_UNSHOWN_TEXTS["source"],
        )  # fmt: skip
        assessments = Assessment.objects.select_related("sub_condition__feature").defer(
            "sub_condition__description", "sub_condition__feature__description"
        )
        legal_bases = LegalBasis.objects.on_shown_laws(public=public).select_related("law")
        legal_bases = legal_bases.defer(*API_UNSHOWN_TEXTS["law"])
        return (
            self.select_related("country", "family")
            .defer(*API_UNSHOWN_TEXTS["country"], "family__description")
            # What list rows link by (``for_api_list``): a list with ``include=`` reads this queryset.
            .annotate(country_code=models.F("country__code"), family_slug=models.F("family__slug"))
            .prefetch_related(
                Prefetch(
                    "assessments", queryset=assessments.prefetch_related(Prefetch("references", queryset=references))
                ),
                Prefetch("legal_bases", queryset=legal_bases),
            )
        )

    def for_api_list(self):
        """
        Types as the API's lists show them: their own columns (not the long
        texts), the country's code and the family's slug as ``country_code`` and
        ``family_slug`` (the serializer's ``Meta.list_sources``: one instance per
        row, not three), in one query. Their cells and laws are read for the
        whole page at once (``landscapes_on``).
        """
        long_texts = ("description", "curator_note", "search_text")
        own = [f.name for f in self.model._meta.concrete_fields if f.name not in long_texts]
        return self.annotate(country_code=models.F("country__code"), family_slug=models.F("family__slug")).only(*own)

    def for_listing(self):
        """Types with country, family and their cells (and the references' sources), for marks, badges, citations."""
        Assessment, Reference = model("Assessment"), model("Reference")
        return self.select_related("country", "family").prefetch_related(
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("sub_condition__feature").prefetch_related(
                    Prefetch("references", queryset=Reference.objects.select_related("source"))
                ),
            )
        )

    def for_marks(self):
        """
        Types as the lists of names show them (name, local name, badge, feature marks, link),
        with their country and family, loading none of the long texts. Evaluate them with
        ``with_feature_states`` for the marks.
        """
        return self.select_related("country", "family").only(
            "slug", "name", "local_name", "legally_institutionalized", "classification", "classification_max",
            "settled", "features_met", "publication_status", "country__code", "country__slug", "country__name",
            "country__local_name", "country__publication_status", "family__slug", "family__name", "family__order",
        )  # fmt: skip

    def with_feature_states(self):
        """
        These types as a list, each with ``feature_states_today`` (``{feature code: met |
        open | missing}``, ``orgs.classification.feature_states``) from one query of their
        cells' stored findings: no cell, sub-condition or reference instances.
        """
        org_types = list(self)
        # The same filter as a subquery: a list of thousands of ids costs more to build than to run.
        ids = [t.pk for t in org_types] if self.query.is_sliced else self.order_by().values("pk")
        cells = defaultdict(list)
        rows = (
            model("Assessment")
            .objects.filter(org_type__in=ids)
            .order_by()
            .values_list("org_type_id", "sub_condition__feature__code", "finding")
        )
        for type_id, feature, finding in rows:
            cells[type_id].append((feature, finding))
        for org_type in org_types:
            org_type.feature_states_today = rule.feature_states(cells[org_type.pk])
        return org_types

    # The landscape of a day ---------------------------------------------------

    def landscape_on(self, day: datetime.date | None = None, method: Method | None = None):
        """
        ``{type id: TypeLandscape}`` for these types on ``day`` (today by default):
        each cell's finding from its references in force that day, the classification
        by the rule, the laws the type rests on that day. Five queries whatever the
        number of types (three when ``method`` is given).
        """
        day = day or today()
        method = method or Method.read()
        Reference, LegalBasis = model("Reference"), model("LegalBasis")
        ids = list(self.order_by().values_list("pk", flat=True))
        references = list(
            Reference.objects.filter(assessment__org_type__in=ids)
            .order_by("pk")
            .values_list(
                "pk", "assessment__org_type_id", "assessment__sub_condition_id", "finding", "not_stipulated_kind",
                "law_id", "valid_from", "valid_until",
            )
        )  # fmt: skip
        bases = list(LegalBasis.objects.filter(org_type__in=ids).order_by().values_list("org_type_id", "law_id"))
        laws = laws_on(day, {row[5] for row in references} | {law_id for _, law_id in bases})
        return assemble(ids, references, bases, laws, method, day)

    def findings_on(self, day: datetime.date, method: Method):
        """
        ``{type id: (Classification, {sub-condition id: finding})}`` for these types on ``day``:
        what ``landscape_on`` gives of their cells' findings and classification, without the
        laws and supporting references it also works out (for the derived filters of a day,
        which read every type): two queries, the references that count that day read by the
        database (``counting_on``).
        """
        Reference = model("Reference")
        ids = list(self.order_by().values_list("pk", flat=True))
        with collector_paused():
            found = defaultdict(set)
            rows = Reference.objects.filter(assessment__org_type__in=ids).counting_on(day).order_by()
            for type_id, sub_id, finding in rows.values_list(
                "assessment__org_type_id", "assessment__sub_condition_id", "finding"
            ):
                found[(type_id, sub_id)].add(finding)
            out = {}
            for type_id in ids:
                cells = {
                    sub_id: rule.cell_finding(found.get((type_id, sub_id), ())) for sub_id in method.sub_conditions
                }
                out[type_id] = (method.classify(cells), cells)
            return out

    def existing_on(self, day):
        """
        Types that existed on ``day``: those without a legal form of their own (they
        operate whatever the law), those resting on no law at all, and those resting on
        a law in force that day (as legal basis or reference).
        """
        LegalBasis, Reference = model("LegalBasis"), model("Reference")
        # Correlated EXISTS, each an index lookup per candidate type (and per law it cites): an
        # IN over every legal basis and reference of the database cost 150 ms at scale 1000
        # even to show one type by its slug.
        in_force = law_in_force(day)
        bases = LegalBasis.objects.filter(org_type=OuterRef("pk"))
        references = Reference.objects.filter(assessment__org_type=OuterRef("pk"))
        rests_on = Exists(bases) | Exists(references)
        rests_on_in_force = Exists(bases.filter(in_force)) | Exists(references.filter(in_force))
        return self.filter(Q(legally_institutionalized=False) | rests_on_in_force | ~rests_on)

    def ensure_cells(self, method: Method | None = None, batch_size=1000):
        """Create the cells these types lack, one per sub-condition, not yet assessed (two queries)."""
        Assessment = model("Assessment")
        method = method or Method.read()
        ids = list(self.order_by().values_list("pk", flat=True))
        existing = set(Assessment.objects.filter(org_type__in=ids).values_list("org_type_id", "sub_condition_id"))
        missing = [
            Assessment(org_type_id=type_id, sub_condition_id=sub_id)
            for type_id in ids
            for sub_id in method.sub_conditions
            if (type_id, sub_id) not in existing
        ]
        Assessment.objects.bulk_create(missing, batch_size=batch_size)
        return len(missing)

    def reclassify(self, day: datetime.date | None = None, batch_size=1000):
        """
        Bring the stored landscape of these types up to date for today (or ``day``):
        create any missing cell, store each cell's finding and each type's
        classification where they changed (stamping ``updated_at``, so the change feed
        carries every type whose classification changed), in a fixed number of queries.
        Returns the ids of the types whose classification changed.
        """
        Assessment = model("Assessment")
        method = Method.read()
        ids = list(self.order_by().values_list("pk", flat=True))
        if not ids:
            return set()
        self.model.objects.filter(pk__in=ids).ensure_cells(method, batch_size)
        landscapes = self.model.objects.filter(pk__in=ids).landscape_on(day, method)
        now = timezone.now()
        cells = []
        for cell in Assessment.objects.filter(org_type__in=ids).only(
            "pk", "org_type_id", "sub_condition_id", "finding", "not_stipulated_kind"
        ):
            computed = landscapes[cell.org_type_id].cells.get(cell.sub_condition_id)
            if computed is not None and (cell.finding, cell.not_stipulated_kind) != (
                computed.finding,
                computed.not_stipulated_kind,
            ):
                cell.finding, cell.not_stipulated_kind, cell.updated_at = (
                    computed.finding,
                    computed.not_stipulated_kind,
                    now,
                )
                cells.append(cell)
        Assessment.objects.bulk_update(cells, ["finding", "not_stipulated_kind", "updated_at"], batch_size=batch_size)
        changed = []
        fields = ("classification", "classification_max", "settled", "features_met")
        for org_type in self.model.objects.filter(pk__in=ids).only("pk", *fields):
            result = landscapes[org_type.pk].result
            stored = stored_values(result)
            if tuple(getattr(org_type, name) for name in fields) != stored:
                for name, value in zip(fields, stored, strict=True):
                    setattr(org_type, name, value)
                org_type.updated_at = now
                changed.append(org_type)
        # bulk_update skips save(): no history row for a derived field, no signal loop.
        self.model.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=batch_size)
        return {org_type.pk for org_type in changed}

    def drift(self, day: datetime.date | None = None):
        """
        ``[(type, what is stored, what the rule gives)]`` for the types whose stored
        classification differs from their landscape today (or on ``day``).
        """
        landscapes = self.landscape_on(day)
        fields = ("classification", "classification_max", "settled", "features_met")
        out = []
        for org_type in self.select_related("country").order_by("pk"):
            stored = tuple(getattr(org_type, name) for name in fields)
            computed = stored_values(landscapes[org_type.pk].result)
            if stored != computed:
                out.append((org_type, dict(zip(fields, stored, strict=True)), dict(zip(fields, computed, strict=True))))
        return out

    # Counts -------------------------------------------------------------------

    def classification_matrix(self, day=None):
        """
        The comparison matrix for the types in this queryset (those existing on ``day``
        when given, see ``existing_on``): ``{country_id: {"total": n, "sseoe": n, "pho": n,
        "outside": n, "provisional": n, "families": [{"family", "name", "total", "sseoe",
        "pho", "outside", "provisional"}]}}``, classified as of ``day`` when given (the
        stored classification of today otherwise). A classification counts what the met
        findings establish so far; ``provisional`` counts those the cells not yet
        assessed could still change. A fixed number of queries.
        """
        columns = ("country_id", "family__slug", "family__name", "family__order")
        counts = Counter()
        if day is None:
            grouped = self.order_by().values_list(*columns, "classification", "settled").annotate(n=models.Count("pk"))
            for *key, n in grouped:
                counts[tuple(key)] += n
        else:
            existing = self.existing_on(day)
            landscape = existing.landscape_on(day)
            for pk, *key in existing.order_by().values_list("pk", *columns):
                result = landscape[pk].result
                counts[(*key, result.classification, result.settled)] += 1
        matrix = {}
        ordered = sorted(counts.items(), key=lambda kv: (kv[0][3], kv[0][1]))
        for (country_id, slug, name, _order, classification, settled), n in ordered:
            row = matrix.setdefault(country_id, {"total": 0, "provisional": 0, "families": {}})
            family = row["families"].setdefault(
                slug, {"family": slug, "name": name, "total": 0, **dict.fromkeys(rule.LABELS, 0), "provisional": 0}
            )
            for target in (row, family):
                target["total"] += n
                target[classification] = target.get(classification, 0) + n
                if not settled:
                    target["provisional"] += n
        for row in matrix.values():
            for choice in rule.LABELS:
                row.setdefault(choice, 0)
            row["families"] = list(row["families"].values())
        return matrix

    def cells_assessed(self):
        """``{country_id: (cells assessed, cells in all)}`` for these types: one query."""
        Assessment = model("Assessment")
        out = defaultdict(lambda: [0, 0])
        rows = (
            Assessment.objects.filter(org_type__in=self.values("pk"))
            .order_by()
            .values_list("org_type__country_id", "finding")
            .annotate(n=models.Count("pk"))
        )
        for country_id, finding, n in rows:
            out[country_id][1] += n
            if finding != rule.NOT_ASSESSED:
                out[country_id][0] += n
        return {country_id: tuple(pair) for country_id, pair in out.items()}

    def first_of_each_cell(self, limit):
        """
        The first ``limit`` types (by name) of each (family, country) cell,
        each annotated with ``cell_size``, the number of types in its cell:
        one query, whose size is bounded by the cells, not by the types.
        """
        cell = [models.F("family_id"), models.F("country_id")]
        return self.annotate(
            cell_rank=models.Window(RowNumber(), partition_by=cell, order_by=[models.F("name").asc(), "pk"]),
            cell_size=models.Window(models.Count("pk"), partition_by=cell),
        ).filter(cell_rank__lte=limit)


def laws_on(day, law_ids):
    """``{law id: (in force on day, published with its country, slug)}``: one query."""
    published = PublicationStatus.PUBLISHED
    return {
        pk: (force in LAW_EVENTS_STARTING_FORCE, status == published and country_status == published, slug)
        for pk, force, status, country_status, slug in Law.objects.filter(pk__in=law_ids)
        .with_force_on(day)
        .order_by()
        .values_list("pk", "force_kind", "publication_status", "country__publication_status", "slug")
    }


def assemble(type_ids, references, bases, laws, method, day):
    """
    ``{type id: TypeLandscape}`` from plain values: ``references`` as ``(pk, type id,
    sub-condition id, finding, not-stipulated kind, law id, valid from, valid until)``,
    ``bases`` as ``(type id, law id)``, ``laws`` as ``laws_on`` gives them. The collector
    is paused meanwhile (``collector_paused``: nothing built here holds a cycle).
    """
    with collector_paused():
        found = defaultdict(list)  # (type, sub-condition) -> [(finding, kind, ref id)]
        counted_laws = defaultdict(set)
        for pk, type_id, sub_id, finding, kind, law_id, valid_from, valid_until in references:
            if reference_counts(laws[law_id][0], valid_from, valid_until, day):
                found[(type_id, sub_id)].append((finding, kind, pk))
                counted_laws[type_id].add(law_id)
        for type_id, law_id in bases:
            if laws[law_id][0]:
                counted_laws[type_id].add(law_id)
        landscapes = {}
        for type_id in type_ids:
            cells = {}
            for sub_id in method.sub_conditions:
                rows = found.get((type_id, sub_id), ())
                finding = rule.cell_finding(f for f, _, _ in rows)
                supporting = [r for r in rows if r[0] == finding]
                kind = ""
                if finding == rule.NOT_STIPULATED:
                    kind = "contrary" if any(k == "contrary" for _, k, _ in supporting) else "silent"
                cells[sub_id] = Cell(finding, kind, [pk for _, _, pk in supporting])
            result = method.classify({sub_id: cell.finding for sub_id, cell in cells.items()})
            counted = counted_laws.get(type_id, set())
            shown = {law_id for law_id in counted if laws[law_id][1]}
            keys = {law_id: laws[law_id][2] for law_id in counted}
            landscapes[type_id] = TypeLandscape(cells, result, counted, shown, keys)
        return landscapes


def stored_landscape(ids, method: Method | None = None):
    """
    ``{type id: TypeLandscape}`` for the types with these ids today, read from what is stored for
    today (each cell's finding, each law's status: ``orgs.landscape`` keeps them
    current) instead of computed again from every reference: what ``landscape_on``
    gives for today, field for field (``tests/orgs/test_landscape_today.py``), in
    three queries whatever the number of types (five without ``method``). The
    classification is the rule's over the stored findings.
    """
    with collector_paused():
        return _stored_landscape(ids, method or Method.read())


def _stored_landscape(ids, method):
    day = today()
    Assessment, Reference, LegalBasis = model("Assessment"), model("Reference"), model("LegalBasis")
    stored = defaultdict(dict)
    for type_id, sub_id, finding, kind in (
        Assessment.objects.filter(org_type__in=ids)
        .order_by()
        .values_list("org_type_id", "sub_condition_id", "finding", "not_stipulated_kind")
    ):
        stored[type_id][sub_id] = (finding, kind)
    law = ("law_id", "law__slug", "law__publication_status", "law__country__publication_status")
    supporting = defaultdict(list)  # (type id, sub-condition id) -> [(finding, reference id)]
    laws = defaultdict(dict)  # type id -> {law id: (shown, slug)}
    published = PublicationStatus.PUBLISHED
    counting = Reference.objects.filter(assessment__org_type__in=ids).counting_on(day)
    rows = counting.order_by("pk").values_list(
        "pk", "assessment__org_type_id", "assessment__sub_condition_id", "finding", *law
    )
    bases = LegalBasis.objects.filter(law_in_force(day), org_type__in=ids).order_by().values_list("org_type_id", *law)
    for pk, type_id, sub_id, finding, law_id, slug, status, country_status in rows:
        supporting[(type_id, sub_id)].append((finding, pk))
        laws[type_id][law_id] = (status == published and country_status == published, slug)
    for type_id, law_id, slug, status, country_status in bases:
        laws[type_id][law_id] = (status == published and country_status == published, slug)
    landscapes = {}
    for type_id in ids:
        cells = {}
        for sub_id in method.sub_conditions:
            finding, kind = stored[type_id].get(sub_id, (rule.NOT_ASSESSED, ""))
            refs = [pk for f, pk in supporting.get((type_id, sub_id), ()) if f == finding]
            cells[sub_id] = Cell(finding, kind, refs)
        result = method.classify({sub_id: cell.finding for sub_id, cell in cells.items()})
        rests_on = laws[type_id]
        shown = {law_id for law_id, (visible, _) in rests_on.items() if visible}
        keys = {law_id: slug for law_id, (_, slug) in rests_on.items()}
        landscapes[type_id] = TypeLandscape(cells, result, set(rests_on), shown, keys)
    return landscapes


def landscapes_on(ids, day: datetime.date | None, method: Method):
    """
    What a reader is shown of the types with these ids on ``day`` (today when None): today's
    read from what is stored (``stored_landscape``), another day's computed (``landscape_on``).
    """
    if day is None or day == today():
        return stored_landscape(ids, method)
    return model("OrganizationType").objects.filter(pk__in=ids).landscape_on(day, method)


def landscape_of(org_type, features, day: datetime.date | None = None):
    """
    One type's ``TypeLandscape`` from its prefetched cells (with their sub-conditions'
    features and their references) and legal bases (``with_assessments``, ``for_api``):
    the same computation as ``landscape_on``, with one query (the laws' force on the day).
    ``features`` are the method's feature codes in order.
    """
    day = day or today()
    cells = list(org_type.assessments.all())
    method = Method(
        list(features),
        {
            c.sub_condition_id: (c.sub_condition.code, c.sub_condition.short_code, c.sub_condition.feature.code,
                                 (c.sub_condition.feature.order, c.sub_condition.order))
            for c in sorted(cells, key=lambda c: (c.sub_condition.feature.order, c.sub_condition.order))
        },
    )  # fmt: skip
    references = [
        (r.pk, org_type.pk, c.sub_condition_id, r.finding, r.not_stipulated_kind, r.law_id, r.valid_from, r.valid_until)
        for c in cells
        for r in c.references.all()
    ]
    bases = [(org_type.pk, b.law_id) for b in org_type.legal_bases.all()]
    laws = laws_on(day, {row[5] for row in references} | {law_id for _, law_id in bases})
    return assemble([org_type.pk], references, bases, laws, method, day)[org_type.pk]


def stored_values(result: rule.Classification):
    """The stored fields of a type for a classification result."""
    return (result.classification, result.highest, result.settled, result.features_met)


class AssessmentQuerySet(DataVersionQuerySet):
    def get_by_natural_key(self, org_type_slug, sub_condition_code):
        return self.get(org_type__slug=org_type_slug, sub_condition__code=sub_condition_code)


class ReferenceQuerySet(DataVersionQuerySet):
    """
    Keeps the stored landscape of the affected types in step even when rows are
    written in bulk, which bypasses the model signals.
    """

    def get_by_natural_key(self, org_type_slug, sub_condition_code, law_slug, provision):
        return self.get(
            assessment__org_type__slug=org_type_slug,
            assessment__sub_condition__code=sub_condition_code,
            law__slug=law_slug,
            provision=provision,
        )

    def type_ids(self):
        return set(self.order_by().values_list("assessment__org_type_id", flat=True))

    def counting_on(self, day: datetime.date):
        """
        The references that count on ``day``: ``reference_counts`` as a filter (their law in
        force that day, the day within their own period), for the database to apply;
        ``tests/orgs/test_landscape_today.py`` checks the two agree on every reference.
        """
        started = Q(valid_from__isnull=True) | Q(valid_from__lte=day)
        not_ended = Q(valid_until__isnull=True) | Q(valid_until__gt=day)
        return self.filter(law_in_force(day)).filter(started, not_ended)

    def bulk_create(self, objs, *args, **kwargs):
        objs = super().bulk_create(objs, *args, **kwargs)
        assessments = {obj.assessment_id for obj in objs}
        types = model("Assessment").objects.filter(pk__in=assessments).values_list("org_type_id", flat=True)
        reclassify_types(set(types))
        return objs

    def bulk_update(self, objs, fields, *args, **kwargs):
        before = self.filter(pk__in=[o.pk for o in objs]).type_ids()
        result = super().bulk_update(objs, fields, *args, **kwargs)
        after = model("Assessment").objects.filter(pk__in={o.assessment_id for o in objs})
        reclassify_types(before | set(after.values_list("org_type_id", flat=True)))
        return result

    def update(self, **kwargs):
        before = self.type_ids()
        result = super().update(**kwargs)
        after = set()
        target = kwargs.get("assessment_id", kwargs.get("assessment"))
        if target is not None:
            target = getattr(target, "pk", target)
            after = set(model("Assessment").objects.filter(pk=target).values_list("org_type_id", flat=True))
        reclassify_types(before | after)
        return result

    update.alters_data = True


def reclassify_types(org_type_ids, chunk=900, day: datetime.date | None = None):
    """Bring the stored landscape of the types with these ids up to date for today, or ``day`` (``reclassify``)."""
    OrganizationType = model("OrganizationType")
    # Chunked so that the id list stays under SQLite's bound-parameter limit.
    ids = sorted(i for i in org_type_ids if i is not None)
    changed = set()
    for start in range(0, len(ids), chunk):
        changed |= OrganizationType.objects.filter(pk__in=ids[start : start + chunk]).reclassify(day)
    return changed


class LegalBasisQuerySet(DataVersionQuerySet):
    def on_shown_laws(self, *, public):
        """The legal bases a reader is shown: when ``public``, none on an unpublished law."""
        return self.filter(law__publication_status=PublicationStatus.PUBLISHED) if public else self

    def get_by_natural_key(self, org_type_slug, law_slug):
        return self.get(org_type__slug=org_type_slug, law__slug=law_slug)


class ClaimQuerySet(PublishableQuerySet):
    def public(self):
        """Published statements about published countries (and published types, when about one)."""
        return self.published().filter(
            Q(org_type__isnull=True) | Q(org_type__publication_status=PublicationStatus.PUBLISHED),
            country__publication_status=PublicationStatus.PUBLISHED,
        )

    def evaluated(self, types=None):
        """
        ``[(claim, status, types)]``: each statement with what our coding of the published
        types it is about says of it (``orgs.claims.evaluate``), in two queries. ``types``:
        the published types to judge by, when the caller has narrowed them already.
        """
        claims = list(self.select_related("country", "org_type", "family", "source"))
        if types is None:
            countries = {c.country_id for c in claims}
            types = model("OrganizationType").objects.published().filter(country__in=countries)
        types = list(types.select_related("country", "family").order_by("name"))
        out = []
        for claim in claims:
            if claim.org_type_id:
                about = [t for t in types if t.pk == claim.org_type_id]
            else:
                about = [
                    t for t in types
                    if t.country_id == claim.country_id and (claim.family_id is None or t.family_id == claim.family_id)
                ]  # fmt: skip
            status = claims_rule.evaluate(claim.expects, claim.scope, (t.classification_range for t in about))
            out.append((claim, status, about))
        return out
