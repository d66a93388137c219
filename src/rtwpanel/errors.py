"""Errors that the command line reports as one clear message."""


class RtwError(Exception):
    """A problem the user can act on: printed without a traceback (unless --debug)."""
