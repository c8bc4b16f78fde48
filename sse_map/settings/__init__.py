"""
Settings for SSE Map, read from the environment (see ``.env.example``), one module
per concern. Each setting is defined once, in the module of its concern:

- ``environment``: the mode (``SSE_MAP_ENV``), the secret key, debug, allowed hosts;
- ``django``: installed apps, middleware, templates, the database, static files, logging;
- ``security``: headers, content security policy, cookies, HTTPS;
- ``caching``: the cache and the anonymous response cache;
- ``api``: the partners' API (DRF, the schema, CORS, paging, throttling, licence);
- ``curation``: the analysts' workflow (review, verification age, spreadsheet imports);
- ``accounts``: the admin sign-in lockout;
- ``ops``: backups.

``SSE_MAP_ENV=production`` turns on production mode: DEBUG off, and the app refuses to
start without a real ``SECRET_KEY`` and ``ALLOWED_HOSTS``. Any other value (the default
is ``development``) gives safe local defaults: SQLite in the project folder, localhost only.
"""

from .accounts import *  # noqa: F403
from .api import *  # noqa: F403
from .caching import *  # noqa: F403
from .curation import *  # noqa: F403
from .django import *  # noqa: F403
from .environment import *  # noqa: F403
from .ops import *  # noqa: F403
from .security import *  # noqa: F403
