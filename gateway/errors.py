"""The gateway's exceptions: bugs and misuse, never data problems.

Problems in the data a partner sends are values (:class:`gateway.edi.issues.Issue`),
returned with a location; they never raise. Exceptions are for a caller asking
something impossible or the gateway itself being misconfigured::

    GatewayError
    ├── UsageError            a caller passed something the API cannot take
    ├── WriteError            a tree cannot be written as asked (a value holds a
    │                         delimiter X12 cannot escape, an unknown standard, a
    │                         character the interchange's charset cannot carry)
    ├── UnsafeXmlError        XML refused before parsing (entities, size, depth);
    │                         readers turn it into an ``xml.*`` issue
    ├── ConfigurationError    a settings or data file of the gateway is wrong
    └── DatabaseError         the database cannot be opened or written: a server that
                              does not answer, a file or folder that cannot be written

The command line catches each at its edge and prints one line (exit 2 for
``UsageError``, 1 for the others).
"""

from __future__ import annotations


class GatewayError(Exception):
    """Root of every exception the gateway raises on purpose."""


class UsageError(GatewayError):
    """An API or command was called with arguments it cannot take."""


class WriteError(GatewayError):
    """A syntax tree cannot be serialised as asked."""


class UnsafeXmlError(GatewayError):
    """An XML document was refused by the hardened parser."""

    def __init__(self, reason: str, code: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.line = line


class ConfigurationError(GatewayError):
    """A configuration or data file shipped with or given to the gateway is invalid."""


class DatabaseError(GatewayError):
    """The database named cannot be reached, opened or written; the message says
    which and what to check."""
