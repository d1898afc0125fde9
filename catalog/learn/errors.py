"""Errors that stop a whole import: nothing is written when one is raised."""


class LearnError(Exception):
    """An import cannot go on; the message is shown to the curator as it is."""


class LearnFormatError(LearnError):
    """The input is not a catalog (not JSON, or not the documented top-level shape)."""


class LearnApiError(LearnError):
    """The Learn Platform API failed (after the retries it deserved)."""


class LearnAuthError(LearnApiError):
    """The token endpoint or the API refused the client credentials."""
