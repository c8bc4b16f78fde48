"""
Controlled vocabularies of countries, laws, sources and statistics (the shared ones,
publication state and verification, are in ``core.choices``).

To extend a vocabulary, add a member to the class below (value in lower
snake case, stable once published: partners filter on it) and run
``manage.py makemigrations``; the API schema, the filters and the admin pick
the new value up from here.
"""

from django.db import models


class Region(models.TextChoices):
    EAST_ASIA = "east_asia", "East Asia"
    SOUTHEAST_ASIA = "southeast_asia", "South-East Asia"
    CENTRAL_ASIA = "central_asia", "Central Asia"
    SOUTH_ASIA = "south_asia", "South Asia"


class ResearchPhase(models.IntegerChoices):
    ONE = 1, "Phase 1 (2019-2021)"
    TWO = 2, "Phase 2 (2022-)"


class DatePrecision(models.TextChoices):
    """How much of a stored date is known; unknown parts are stored as 1."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class LawKind(models.TextChoices):
    CONSTITUTION = "constitution", "Constitution"
    CODE = "code", "Code"
    ACT = "act", "Act or law"
    DECREE = "decree", "Decree or presidential order"
    REGULATION = "regulation", "Regulation"
    GUIDELINE = "guideline", "Ministerial guideline"
    PLAN = "plan", "Plan or policy framework"
    BILL = "bill", "Bill"
    OTHER = "other", "Other instrument"


class LawStatus(models.TextChoices):
    """
    The legal status of an instrument on a day, derived from its dated events
    (``countries.force.status_on``); never typed.
    """

    IN_FORCE = "in_force", "In force"
    AMENDED = "amended", "In force as amended"
    REPEALED = "repealed", "Repealed"
    ANNULLED = "annulled", "Annulled by a court"
    REINSTATED = "reinstated", "Reinstated"
    BILL = "bill", "Bill (not enacted)"
    EXPIRED = "expired", "Expired or lapsed"
    ENACTED = "enacted", "Enacted, not yet in force"
    UNKNOWN = "unknown", "Unknown (no dated events)"


class LawEventKind(models.TextChoices):
    """
    Dated steps in an instrument's life.

    ``IN_FORCE`` and ``REINSTATED`` start a period in force; ``REPEALED``,
    ``ANNULLED`` and ``EXPIRED`` end one. The other kinds are milestones.
    """

    INTRODUCED = "introduced", "Introduced (bill filed)"
    ENACTED = "enacted", "Enacted or promulgated"
    IN_FORCE = "in_force", "Entered into force"
    AMENDED = "amended", "Amended"
    REPEALED = "repealed", "Repealed"
    ANNULLED = "annulled", "Annulled by a court"
    REINSTATED = "reinstated", "Reinstated"
    EXPIRED = "expired", "Expired or lapsed"


LAW_EVENTS_STARTING_FORCE = frozenset({LawEventKind.IN_FORCE, LawEventKind.REINSTATED})
LAW_EVENTS_ENDING_FORCE = frozenset({LawEventKind.REPEALED, LawEventKind.ANNULLED, LawEventKind.EXPIRED})


class SourceKind(models.TextChoices):
    LAW_TEXT = "law_text", "Official or translated law text"
    GOVERNMENT = "government", "Government or regulator"
    ILO = "ilo", "ILO publication or page"
    ACADEMIC = "academic", "Academic publication"
    NGO = "ngo", "SSE network or NGO"
    PRESS = "press", "Press"
    OTHER = "other", "Other"


class Indicator(models.TextChoices):
    ORGANIZATIONS = "organizations", "Number of organizations"
    MEMBERS = "members", "Number of members"
    SHARE_OF_POPULATION = "share_of_population", "Share of population"
    WORKERS = "workers", "Number of workers or employees"
    REVENUE = "revenue", "Revenue or sales"
    ASSETS = "assets", "Assets"
    OTHER = "other", "Other"
