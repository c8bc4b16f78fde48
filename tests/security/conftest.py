# The workflow tests' small curated dataset and role fixtures, shared with the security tests.
from tests.workflow.conftest import analyst, curated, editor, make_user  # noqa: F401
