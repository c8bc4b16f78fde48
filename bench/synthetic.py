"""
A synthetic dataset with the shape of the real one, for benchmarks and scale tests.

Scale 1 is six country-sized units, as many as the research's first phase; each
unit holds ``UNIT_LAWS`` laws with amendment and replacement chains and their
dated events, ``UNIT_TYPES`` organization types with legal bases and their six
cells (most met or not stipulated through references, some not yet assessed), ``UNIT_STATISTICS`` statistics and
``UNIT_SOURCES`` sources. Scale N holds N times as many units.

Every synthetic record is marked: slugs start with ``syn-``, names and titles
say "synthetic", facts are stored ``unverified`` with a note saying they are
invented, so nobody can mistake them for research. Countries use real,
assigned ISO codes that the database does not use yet; there are about 250,
so at large scales several units share one country (more laws and types per
country, as a growing research would have).

The same seed on the same database state gives the same data. Rows are
written with ``bulk_create`` (no history rows); classifications are computed
by ``ReferenceQuerySet.bulk_create``, which reclassifies the affected types.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field

import pycountry
from django.db import transaction

from caching.version import bump_data_version
from core.choices import PublicationStatus, Verification
from core.statistics import refresh_statistics
from countries.choices import DatePrecision, Indicator, LawEventKind, LawKind, LawStatus, Region, SourceKind
from countries.models import Country, Law, LawEvent, Source, Statistic
from orgs.models import Assessment, Family, LegalBasis, OrganizationType, Reference, SubCondition

PREFIX = "syn-"
UNITS_PER_SCALE = 6
UNIT_LAWS = 9
UNIT_TYPES = 17
UNIT_STATISTICS = 5
UNIT_SOURCES = 2
NOTE = "Synthetic record generated for benchmarks; not research data."

_WORDS = (
    "members cooperative community enterprise social purpose surplus democratic governance "
    "registration village welfare employment disadvantaged mutual benefit assets dividend "
    "general assembly board federation credit savings housing agriculture health education "
    "culture public interest local government ministry certification support tax"
).split()


class SyntheticDataError(Exception):
    """The database is not in a state where synthetic data can be generated."""


@dataclass
class GenerationReport:
    counts: Counter = field(default_factory=Counter)

    def __str__(self):
        return ", ".join(f"{n} {name}" for name, n in self.counts.items())


def synthetic_present() -> int:
    """How many synthetic countries the database holds."""
    return Country.objects.filter(slug__startswith=PREFIX).count()


def delete_synthetic() -> None:
    """
    Remove every synthetic record.

    Uses raw deletes in dependency order: the rows were bulk-created without
    history, and deleting them one by one would write a history row and run
    the classification signal for each of the tens of thousands of rows.
    """
    syn_types = OrganizationType.objects.filter(slug__startswith=PREFIX)
    syn_laws = Law.objects.filter(slug__startswith=PREFIX)
    syn_countries = Country.objects.filter(slug__startswith=PREFIX)
    with transaction.atomic():
        for qs in (
            Reference.objects.filter(assessment__org_type__in=syn_types),
            Reference.objects.filter(law__in=syn_laws),
            Assessment.objects.filter(org_type__in=syn_types),
            LegalBasis.objects.filter(org_type__in=syn_types),
            LegalBasis.objects.filter(law__in=syn_laws),
            Statistic.objects.filter(country__in=syn_countries),
            syn_types,
            LawEvent.objects.filter(law__in=syn_laws),
            Law.amends.through.objects.filter(from_law__in=syn_laws),
            Law.replaces.through.objects.filter(from_law__in=syn_laws),
            syn_laws,
            Country.narrative_sources.through.objects.filter(country__in=syn_countries),
            syn_countries,
            Source.objects.filter(slug__startswith=PREFIX),
        ):
            qs._raw_delete(qs.db)
        transaction.on_commit(bump_data_version)


def _text(rng, words):
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def _date(year, rng):
    return datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))


class Generator:
    def __init__(self, scale: int, seed: int = 0, progress=None):
        if scale < 1:
            raise SyntheticDataError("The scale must be a whole number of 1 or more.")
        self.scale = scale
        self.rng = random.Random(seed)
        self.progress = progress
        self.report = GenerationReport()
        self.sub_conditions = list(SubCondition.objects.order_by("code"))
        self.families = list(Family.objects.order_by("order", "slug"))
        if not self.sub_conditions or not self.families:
            raise SyntheticDataError(
                "The method (features, sub-conditions, families) is not loaded: "
                "run `manage.py load_dataset fixtures/method.yaml` first."
            )

    @property
    def units(self):
        return self.scale * UNITS_PER_SCALE

    def run(self, chunk_units=20) -> GenerationReport:
        with transaction.atomic():
            countries = self._countries()
            for start in range(0, self.units, chunk_units):
                units = range(start, min(start + chunk_units, self.units))
                self._write_units([(u, countries[u % len(countries)]) for u in units])
                if self.progress:
                    self.progress(len(units))
            refresh_statistics()  # on commit: the planner sees the rows just generated
        return self.report

    def _count(self, name, objs):
        self.report.counts[name] += len(objs)
        return objs

    def _countries(self):
        used = set(Country.objects.values_list("code", flat=True))
        codes = sorted(c.alpha_2 for c in pycountry.countries if c.alpha_2 not in used)
        self.rng.shuffle(codes)
        codes = codes[: min(self.units, len(codes))]
        regions = list(Region.values)
        countries = [
            Country(
                code=code,
                name=f"{pycountry.countries.get(alpha_2=code).name} (synthetic)"[:100],
                slug=f"{PREFIX}{code.lower()}",
                region=self.rng.choice(regions),
                phase=self.rng.choice((1, 2)),
                narrative=_text(self.rng, 60),
                publication_status=PublicationStatus.PUBLISHED,
            )
            for code in codes
        ]
        return self._count("countries", Country.objects.bulk_create(countries))

    def _write_units(self, units):
        rng = self.rng
        sources, laws, law_meta = [], [], []
        for unit, country in units:
            unit_sources = [
                Source(
                    slug=f"{PREFIX}source-{unit}-{k}",
                    title=f"Synthetic source {unit}-{k}",
                    publisher="Synthetic publisher",
                    year=rng.randint(2000, 2024),
                    url=f"https://example.org/synthetic/{unit}/{k}",
                    kind=rng.choice(list(SourceKind.values)),
                    note=NOTE,
                )
                for k in range(UNIT_SOURCES)
            ]
            sources += unit_sources
            base_year = rng.randint(1960, 2005)
            for j in range(UNIT_LAWS):
                kind, status, year = self._law_plan(j, base_year, rng)
                laws.append(
                    Law(
                        slug=f"{PREFIX}law-{unit}-{j}",
                        country=country,
                        title=f"Synthetic {kind.label} {unit}-{j}",
                        short_title=f"Syn. {unit}-{j}",
                        citation=f"Syn. No. {unit}-{j}",
                        kind=kind,
                        status=status,
                        enacted_on=None if status == LawStatus.BILL else _date(year, rng),
                        enacted_precision=DatePrecision.DAY,
                        summary=_text(rng, 50),
                        url=f"https://example.org/synthetic/law/{unit}/{j}",
                        source=unit_sources[j % UNIT_SOURCES],
                        verification=Verification.UNVERIFIED,
                        verification_note=NOTE,
                        publication_status=PublicationStatus.PUBLISHED,
                    )
                )
                law_meta.append((unit, j, year))
        Source.objects.bulk_create(self._count("sources", sources))
        Law.objects.bulk_create(self._count("laws", laws))

        by_unit = {}
        for law, (unit, j, _) in zip(laws, law_meta, strict=True):
            by_unit.setdefault(unit, {})[j] = law
        self._write_law_chains(by_unit, rng)
        self._write_types(units, by_unit, sources, rng)

    @staticmethod
    def _law_plan(j, base_year, rng):
        """Kind, current status and enactment year of the j-th law of a unit."""
        plan = {
            0: (LawKind.ACT, LawStatus.AMENDED, base_year),  # amended twice by 1 and 2
            1: (LawKind.ACT, LawStatus.IN_FORCE, base_year + 5),
            2: (LawKind.ACT, LawStatus.IN_FORCE, base_year + 10),
            3: (LawKind.ACT, LawStatus.REPEALED, base_year + 1),  # repealed and replaced by 4
            4: (LawKind.ACT, LawStatus.IN_FORCE, base_year + 12),
            5: (LawKind.DECREE, LawStatus.IN_FORCE, base_year + 3),
            6: (LawKind.REGULATION, LawStatus.IN_FORCE, base_year + 4),
            7: (LawKind.BILL, LawStatus.BILL, base_year + 15),
            8: (LawKind.ACT, LawStatus.REINSTATED, base_year + 2),  # annulled, then reinstated
        }
        return plan[j]

    def _write_law_chains(self, by_unit, rng):
        events, amends, replaces = [], [], []
        Amends, Replaces = Law.amends.through, Law.replaces.through

        def event(law, kind, date, related=None):
            events.append(
                LawEvent(
                    law=law,
                    kind=kind,
                    date=date,
                    related_law=related,
                    source=law.source,
                    note=NOTE,
                    verification=Verification.UNVERIFIED,
                )
            )

        for laws in by_unit.values():
            for law in laws.values():
                if law.status == LawStatus.BILL:
                    event(law, LawEventKind.INTRODUCED, _date(rng.randint(2015, 2024), rng))
                    continue
                event(law, LawEventKind.ENACTED, law.enacted_on)
                event(law, LawEventKind.IN_FORCE, law.enacted_on + datetime.timedelta(days=rng.randint(1, 180)))
            for amender in (laws[1], laws[2]):
                amends.append(Amends(from_law=amender, to_law=laws[0]))
                event(laws[0], LawEventKind.AMENDED, amender.enacted_on, related=amender)
            replaces.append(Replaces(from_law=laws[4], to_law=laws[3]))
            event(laws[3], LawEventKind.REPEALED, laws[4].enacted_on + datetime.timedelta(days=1), related=laws[4])
            annulled = laws[8].enacted_on + datetime.timedelta(days=400)
            event(laws[8], LawEventKind.ANNULLED, annulled)
            event(laws[8], LawEventKind.REINSTATED, annulled + datetime.timedelta(days=rng.randint(30, 700)))
        LawEvent.objects.bulk_create(self._count("law events", events))
        Amends.objects.bulk_create(amends)
        Replaces.objects.bulk_create(replaces)

    def _write_types(self, units, by_unit, sources, rng):
        types, bases, evidence, statistics = [], [], [], []
        basis_plan, evidence_plan = [], []
        source_of = {s.slug: s for s in sources}
        in_force = (0, 1, 2, 4, 5, 6, 8)
        for unit, country in units:
            laws = by_unit[unit]
            for j in range(UNIT_TYPES):
                family = self.families[j % len(self.families)]
                org_type = OrganizationType(
                    slug=f"{PREFIX}type-{unit}-{j}",
                    country=country,
                    family=family,
                    name=f"Synthetic {family.name.lower()} {unit}-{j}",
                    description=_text(rng, 80),
                    legally_institutionalized=j % 8 != 7,
                    # One type in seventeen is still a draft, as in real curation.
                    publication_status=PublicationStatus.DRAFT if j == 16 else PublicationStatus.PUBLISHED,
                )
                types.append(org_type)
                primary = laws[rng.choice(in_force)]
                secondary = laws[rng.choice(in_force)]
                basis_plan.append((org_type, primary, "Art. 1"))
                if secondary is not primary:
                    basis_plan.append((org_type, secondary, f"Art. {rng.randint(2, 40)}"))
                for sub_condition in self.sub_conditions:
                    draw = rng.random()
                    if draw < 0.7:
                        evidence_plan.append((org_type, sub_condition, primary, "met"))
                        if secondary is not primary and rng.random() < 0.3:
                            evidence_plan.append((org_type, sub_condition, secondary, "met"))
                    elif draw < 0.9:
                        evidence_plan.append((org_type, sub_condition, primary, "not_stipulated"))
            for k in range(UNIT_STATISTICS):
                about = types[-UNIT_TYPES + k] if k < 3 else None
                statistics.append(
                    Statistic(
                        slug=f"{PREFIX}stat-{unit}-{k}",
                        country=country,
                        org_type=about,
                        indicator=(Indicator.ORGANIZATIONS, Indicator.MEMBERS, Indicator.WORKERS)[k % 3],
                        label=f"Synthetic figure {unit}-{k}",
                        value=rng.randint(10, 2_000_000),
                        unit="persons" if k % 3 else "organizations",
                        year=rng.randint(2010, 2024),
                        source=source_of[f"{PREFIX}source-{unit}-{k % UNIT_SOURCES}"],
                        note=NOTE,
                        publication_status=PublicationStatus.PUBLISHED,
                    )
                )
        OrganizationType.objects.bulk_create(self._count("org types", types))
        for org_type, law, provision in basis_plan:
            bases.append(LegalBasis(org_type=org_type, law=law, provision=provision, note=NOTE))
        cells = {
            (org_type.pk, sub_condition.pk): Assessment(org_type=org_type, sub_condition=sub_condition)
            for org_type in types
            for sub_condition in self.sub_conditions
        }
        Assessment.objects.bulk_create(self._count("cells", list(cells.values())), batch_size=2000)
        for n, (org_type, sub_condition, law, finding) in enumerate(evidence_plan):
            evidence.append(
                Reference(
                    assessment=cells[(org_type.pk, sub_condition.pk)],
                    finding=finding,
                    not_stipulated_kind="" if finding == "met" else "silent",
                    law=law,
                    provision=f"Art. {rng.randint(1, 120)}.{n}",
                    note=_text(rng, 20),
                    source=law.source,
                    verification=Verification.UNVERIFIED,
                )
            )
        LegalBasis.objects.bulk_create(self._count("legal bases", bases))
        # ReferenceQuerySet.bulk_create reclassifies the affected types.
        Reference.objects.bulk_create(self._count("references", evidence), batch_size=2000)
        Statistic.objects.bulk_create(self._count("statistics", statistics))
