"""Errors raised by services when a rule refuses an action."""


class Rejected(Exception):
    """A business rule refused the request; ``field`` names the input at fault, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
