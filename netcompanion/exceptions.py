"""Errors raised by services when a rule refuses an action."""

from werkzeug.exceptions import Forbidden


class Rejected(Exception):
    """A business rule refused the request; ``field`` names the input at fault, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotPermitted(Forbidden):
    """The member's role does not allow the action: answered 403, with nothing written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
