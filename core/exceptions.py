"""Errors that any layer may raise and the API and admin turn into plain messages."""


class WorkflowError(Exception):
    """A workflow step that is not allowed now; the message says why, for the person acting."""
