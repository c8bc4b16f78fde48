"""
The brief's key policy challenges and ways forward, as pages of their own.

Each challenge is told in our words, with the countries it concerns and the brief's examples
(ILO Brief 8, "Key policy challenges and ways forward"), and carries live figures from our
data. Every figure is defined once, as the query of the partners' API that counts it
(``org-types`` filters: ``classification``, ``feature``, ``sub_condition``, ``family``,
``legally_institutionalized``...), optionally less a second query; the page computes the same
count from the managers' querysets (``OrganizationType.objects.public()``), and
``tests/public/test_challenges.py`` checks that the two agree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

# The source every challenge is drawn from (the fixtures' slug).
BRIEF_SOURCE = "ilo-brief-8-sse-asia-2022"
BRIEF_SECTION = _("section “Key policy challenges and ways forward”")


@dataclass(frozen=True)
class Figure:
    """A count of public organization types: the API query's count, less the ``minus`` query's."""

    label: str
    query: dict
    minus: dict | None = None
    of: dict | None = None  # the count it is a share of (e.g. all PHOs), shown as "x of y"
    by_country: bool = True

    def api_queries(self, country=None):
        extra = {"country": country} if country else {}
        return [(1, {**self.query, **extra})] + ([(-1, {**self.minus, **extra})] if self.minus else [])

    def api_url(self, country=None):
        extra = {"country": country} if country else {}
        return "/api/v1/org-types/?" + urlencode({**self.query, **extra})


@dataclass(frozen=True)
class Challenge:
    slug: str
    title: str
    summary: str
    body: list[str]
    examples: dict[str, str]  # country code: the brief's example, in our words
    figures: list[Figure] = field(default_factory=list)
    reading: str = ""  # what the figures say, and what they cannot say


ALL_PHO = {"classification": "pho"}
ALL = {}

CHALLENGES = [
    Challenge(
        slug="sustainable-organizations",
        title=_("Forging sustainable organizations"),
        summary=_(
            "Organizations set up for the incentives, without the trust, skills and participation that keep them alive."
        ),  # fmt: skip
        body=[
            _(
                "Some SSE organizations are created to obtain grants, tax relief or other incentives, but lack "
                "the social and human capital (trust, participation, knowledge, gender equity, management skills) "
                "that sustains them; the brief links this to high rates of closure or inactivity."
            ),
            _(
                "They often work in low-profit, high-risk segments of value chains, compete on an uneven field "
                "(finance, subsidies, tax relief, markets), and may choose a company form because it is easier "
                "to register, at the cost of democratic governance."
            ),
        ],  # fmt: skip
        examples={
            "CN": _("High rates of closure or inactivity of some organizations."),
            "KR": _("High rates of closure or inactivity of some organizations."),
            "PH": _("High rates of closure or inactivity of some organizations."),
        },
        figures=[
            Figure(_("types whose law allows a for-profit activity (E1)"), {"sub_condition": "for-profit"}, of=ALL),
            Figure(
                _("types whose law provides democratic governance (D2)"),
                {"sub_condition": "democratic-governance"},
                of=ALL,
            ),  # fmt: skip
        ],
        reading=_(
            "The law can make governance democratic; whether members take part is practice, which the laws do not show."
        ),  # fmt: skip
    ),
    Challenge(
        slug="more-than-welfare",
        title=_("Recognizing the SSE as more than a welfare partner"),
        summary=_(
            "Governments enlist the SSE to deliver welfare and work integration; its potential is far broader."
        ),  # fmt: skip
        body=[
            _(
                "As governments turn to SSE organizations to provide welfare services and integrate people into "
                "work, the SSE risks being used narrowly for social policy."
            ),
            _(
                "Its contribution reaches agriculture, forestry and fishing, finance, manufacturing, the creative "
                "industries and the circular and green economy."
            ),
        ],  # fmt: skip
        examples={
            "MY": _("Positions some SSE organizations within the broader objectives of national development planning.")
        },  # fmt: skip
        figures=[
            Figure(_("types in the work-integration family"), {"family": "work-integration"}, of=ALL),
            Figure(
                _("types whose law names a specific social problem (S1)"), {"sub_condition": "social-problem"}, of=ALL
            ),  # fmt: skip
            Figure(_("types whose law allows a for-profit activity (E1)"), {"sub_condition": "for-profit"}, of=ALL),
        ],
    ),
    Challenge(
        slug="policy-coherence",
        title=_("Policy coherence and consistency"),
        summary=_(
            "Contradictory policies, directives not applied locally, support that changes with the party in power."
        ),  # fmt: skip
        body=[
            _(
                "Privatization, deregulation and marketization can work against SSE organizations; preferential "
                "procurement can favour small firms instead; central directives may not be applied locally."
            ),
            _(
                "Laws that lock in support, and councils that bring levels of government together, help; so does "
                "participation of SSE actors in the policy process."
            ),
        ],  # fmt: skip
        examples={
            "CN": _("Central directives promoting the SSE are often not applied at the local level."),
            "ID": _(
                "SSE values prominent in the Constitution and Pancasila are seldom referenced in later legislation."
            ),  # fmt: skip
            "JP": _("Policies favouring privatization and marketization can harm some SSE organizations."),
            "MY": _("Policies favouring privatization and marketization can harm some SSE organizations."),
            "KR": _(
                "Preferential procurement benefits mainly small and medium-sized enterprises; a framework act "
                "on the social economy was proposed, and a council of local governments works for the SSE."
            ),
            "PH": _(
                "Some SSE policies lack multi-party support, so changes of government can stall budgets and "
                "bills; a bill on social enterprises was proposed."
            ),
        },  # fmt: skip
        figures=[
            Figure(
                _("provisional types: cells not yet assessed could change their classification"),
                {"settled": "false"},
                of=ALL,
            ),  # fmt: skip
        ],
        reading=_(
            "Coherence is a matter of policies and their application, which a map of laws does not "
            "measure; the laws' dated events on each country page show where the law changed course."
        ),
    ),
    Challenge(
        slug="sse-as-a-sector",
        title=_("Promoting the SSE as a sector"),
        summary=_("Responsibility for the SSE is dispersed among ministries and programmes."),
        body=[
            _(
                "When each ministry looks after its own kind of organization, it is hard to coordinate and to "
                "promote the SSE as one sector."
            ),
            _(
                "A promotion agency with a wide remit, master plans, a unit at the centre of government and a "
                "framework law can bring them together."
            ),
        ],  # fmt: skip
        examples={
            "KR": _(
                "A promotion agency (KoSEA), master plans, an SSE unit in the Office of the President and a "
                "framework bill."
            ),  # fmt: skip
            "MY": _(
                "The Twelfth Malaysia Plan (2021-2025) gives SSE organizations a role in inclusive and "
                "sustainable development."
            ),  # fmt: skip
        },
        figures=[
            Figure(_("organization types mapped"), ALL, by_country=True),
        ],
        reading=_(
            "Each type rests on its own law: the number of types per country shows how many legal "
            "regimes a single SSE policy has to span."
        ),  # fmt: skip
    ),
    Challenge(
        slug="institutional-ecosystem",
        title=_("Strengthening the institutional ecosystem"),
        summary=_("Gaps in the law, and a shift from support for particular types to the whole ecosystem."),
        body=[
            _(
                "The research found gaps in legislation and policy; a positive shift moves from targeted support "
                "for particular types to the wider ecosystem: actors of every sector, and financial, human, "
                "social, knowledge and physical capital."
            ),
        ],  # fmt: skip
        examples={
            "MY": _("No legislative framework for social enterprises, despite efforts to promote them."),
            "CN": _(
                "Restrictions on for-profit activity make it hard for NGOs providing services to earn income."
            ),  # fmt: skip
            "ID": _(
                "The cooperative law was revoked by the Constitutional Court and an older law temporarily reinstated."
            ),  # fmt: skip
            "KR": _("Policy turning from targeted support to the wider ecosystem."),
            "PH": _("Policy turning, to some extent, from targeted support to the wider ecosystem."),
        },
        figures=[
            Figure(
                _("social-enterprise types without a legal form of their own"),
                {"family": "social-enterprise", "legally_institutionalized": "false"},
                of={"family": "social-enterprise"},
            ),  # fmt: skip
            Figure(_("types without a legal form of their own"), {"legally_institutionalized": "false"}, of=ALL),
        ],
    ),
    Challenge(
        slug="urban-informal-economy",
        title=_("The SSE and the urban informal economy"),
        summary=_("From informal work to formality: proven in the countryside, needed in the cities."),
        body=[
            _(
                "Agricultural, credit and marketing cooperatives have long helped rural smallholders out of "
                "precarious informal work; the urban informal economy, mostly women workers in some countries, "
                "needs the same attention."
            ),
            _(
                "Cooperatives of home-based workers, social enterprises of the self-employed, consumer and "
                "marketing cooperatives, savings and loan groups, work-integration organizations and "
                "intermediaries that speak for informal workers all have a role."
            ),
        ],  # fmt: skip
        examples={
            "ID": _("A vast urban informal economy, made up mainly of women workers."),
            "PH": _("A vast urban informal economy, made up mainly of women workers."),
        },
        figures=[
            Figure(_("types in the microfinance family"), {"family": "microfinance"}, of=ALL),
            Figure(_("types in the cooperative family"), {"family": "cooperative"}, of=ALL),
        ],
        reading=_(
            "This map records legal forms only: the informal organizations the brief speaks of have no "
            "law to read, and are not in these figures."
        ),  # fmt: skip
    ),
    Challenge(
        slug="democratic-deficit",
        title=_("Addressing the democratic deficit"),
        summary=_(
            "Of the three features, the democratic one is the least developed, in the law and in practice."
        ),  # fmt: skip
        body=[
            _(
                "The democratic dimension is the least developed of the three core features, both in what laws "
                "and policies stipulate and in how organizations are governed; SSE organizations should not be "
                "read narrowly as income-earning or non-profit bodies with a social mission."
            ),
            _(
                "Closeness to the state helped some organizations scale up but weakened their autonomy. "
                "Democracy also means organizing, advocacy and participation at regional and national levels; "
                "some laws restrict advocacy or the NGOs that engage in it."
            ),
        ],  # fmt: skip
        examples={
            "CN": _("Reforms tried to reassert democratic principles in the cooperative sector."),
            "PH": _(
                "Reforms in the cooperative sector; intermediary organizations take an active part in "
                "policy and planning."
            ),  # fmt: skip
            "JP": _("Collective organizing, advocacy and networking at regional and national levels."),
        },
        figures=[
            Figure(
                _("PHOs that lack the democratic feature"),
                ALL_PHO,
                minus={"classification": "pho", "feature": "democratic"},
                of=ALL_PHO,
            ),  # fmt: skip
            Figure(
                _("types whose law provides free establishment (D1)"), {"sub_condition": "free-establishment"}, of=ALL
            ),  # fmt: skip
            Figure(
                _("types whose law provides democratic governance (D2)"),
                {"sub_condition": "democratic-governance"},
                of=ALL,
            ),  # fmt: skip
        ],
        reading=_(
            "A PHO meets two of the three features; when the missing one is the democratic feature, "
            "a provision on free establishment or democratic governance would make it an SSEOE."
        ),
    ),
    Challenge(
        slug="multi-faceted-strategy",
        title=_("Pursuing a multi-faceted strategy"),
        summary=_("Four strategies: mainstreaming, transformation, community and civil society."),
        body=[
            _("A mainstreaming strategy: raise public and policy awareness of the SSE."),
            _(
                "A transformative strategy: social innovation through which PHOs, and informal workers and "
                "producers, adopt the core features of the SSE."
            ),
            _(
                "A community strategy: SSE organizations strengthen their links with their communities and "
                "territories, and with other SSE organizations and intermediaries, locally, regionally and "
                "nationally."
            ),
            _(
                "A civil society strategy: networks and coalitions for capacity building, advocacy and "
                "participation in policy."
            ),
            _(
                "All four call for the co-construction of policy by SSE actors and governments, at every level, "
                "from the start."
            ),
        ],  # fmt: skip
        examples={},
        figures=[
            Figure(_("PHOs: types the transformative strategy could bring to the SSE"), ALL_PHO, of=ALL),
        ],
    ),
]

BY_SLUG = {c.slug: c for c in CHALLENGES}


def concerning(country_code):
    """The challenges whose examples name a country."""
    return [c for c in CHALLENGES if country_code in c.examples]


def concerning_type(org_type):
    """The challenges a type's figures bear on: the democratic deficit for a PHO lacking it, and so on."""
    facts = TypeFacts.of(org_type)
    found = []
    for challenge in CHALLENGES:
        if any(facts.matches(f.query) and not (f.minus and facts.matches(f.minus)) for f in challenge.figures
               if f.query):  # fmt: skip
            found.append(challenge)
    return found


@dataclass(frozen=True)
class TypeFacts:
    """What the figures' filters look at, for one type (today's stored values and cells)."""

    country: str
    family: str
    classification: str
    settled: bool
    legally_institutionalized: bool
    met_subs: frozenset
    met_features: frozenset

    @classmethod
    def of(cls, org_type):
        met = [c.sub_condition for c in org_type.assessments.all() if c.finding == "met"]
        return cls(
            org_type.country.code, org_type.family.slug, org_type.classification, org_type.settled,
            org_type.legally_institutionalized, frozenset(s.code for s in met), frozenset(s.feature.code for s in met),
        )  # fmt: skip

    def matches(self, query):
        """Whether the type passes the API filters of ``query`` (the subset the figures use)."""
        checks = {
            "classification": lambda v: self.classification in v.split(","),
            "settled": lambda v: self.settled == (v == "true"),
            "legally_institutionalized": lambda v: self.legally_institutionalized == (v == "true"),
            "family": lambda v: self.family in v.split(","),
            "feature": lambda v: bool(self.met_features & set(v.split(","))),
            "sub_condition": lambda v: bool(self.met_subs & set(v.split(","))),
            "country": lambda v: self.country in v.upper().split(","),
        }
        return all(checks[key](value) for key, value in query.items())


def count(facts, figure, country=None):
    total = 0
    for sign, query in figure.api_queries(country):
        total += sign * sum(1 for f in facts if f.matches(query))
    return total


def figures(challenge, org_types):
    """
    The challenge's figures over the public types (``OrganizationType.objects.public().for_listing()``):
    ``[{label, value, of, api, rows: [(code, value, of, api)]}]``, one row per country with types.
    """
    facts = [TypeFacts.of(t) for t in org_types]
    codes = sorted(Counter(f.country for f in facts))
    out = []
    for figure in challenge.figures:
        of_figure = Figure("", figure.of) if figure.of is not None else None
        rows = []
        if figure.by_country:
            for code in codes:
                rows.append({
                    "country": code,
                    "value": count(facts, figure, code),
                    "of": count(facts, of_figure, code) if of_figure else None,
                    "api": figure.api_url(code),
                })  # fmt: skip
        out.append({
            "label": figure.label,
            "value": count(facts, figure),
            "of": count(facts, of_figure) if of_figure else None,
            "api": figure.api_url(),
            "minus_api": "/api/v1/org-types/?" + urlencode(figure.minus) if figure.minus else "",
            "rows": rows,
        })  # fmt: skip
    return out
