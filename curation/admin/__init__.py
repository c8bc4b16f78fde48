"""
The admin: every curated model's admin, with review, history and spreadsheets
(``base.CuratedAdmin``). Django's admin autodiscovery imports this package; the
modules below register the models of each domain app.
"""

from . import countries, orgs, scopes  # noqa: F401 - importing them registers the model admins
