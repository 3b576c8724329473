"""Failures that the CLI reports as one line of cause and one line of fix."""


class StackError(Exception):
    """A part could not start or be reached, with a human-sized fix instead of a traceback."""

    def __init__(self, cause: str, fix: str) -> None:
        super().__init__(cause)
        self.cause = cause
        self.fix = fix
