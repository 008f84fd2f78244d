"""Engines and sessions. Nothing is built at import: callers pass the URL.

SQLite (the embedded default) gets foreign keys on, WAL journaling and
``synchronous=NORMAL`` (durable at each commit's checkpoint, far faster than
FULL); PostgreSQL goes through psycopg 3 (``postgres://`` is read as
``postgresql://``, as other tools read it).

A URL is checked before anything is built: one that is no URL, names a database
the gateway does not keep its tables in (MySQL, Oracle), a driver that is not
installed, or an SQLite file in a folder that does not exist is a
:class:`~gateway.errors.UsageError` saying what to give instead. No folder is made
unless the caller asks (the embedded default's ``var/``). :func:`database_problem`
turns what a driver raises when the database cannot be reached or written into a
:class:`~gateway.errors.DatabaseError` of one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from gateway.errors import DatabaseError, UsageError

DEFAULT_URL = "sqlite:///var/gateway.db"
SUPPORTED = ("sqlite", "postgresql")
_GIVE = "give sqlite:///PATH/FILE.db or postgresql://USER@HOST/DATABASE"


def database_url(url: str) -> URL:
    """``url`` parsed and checked: SQLite or PostgreSQL (psycopg 3 unless another
    driver is named); :class:`UsageError` otherwise."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise UsageError(f"{url!r} is not a database URL; {_GIVE}") from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "postgres":
        backend = "postgresql"
    if backend not in SUPPORTED:
        raise UsageError(f"{shown(parsed)}: the gateway keeps its tables in SQLite or "
                         f"PostgreSQL, not {backend}; {_GIVE}")
    if backend == "postgresql":
        parsed = parsed.set(drivername=f"postgresql+{driver or 'psycopg'}")
    return parsed


def shown(url: URL | str) -> str:
    """A URL as it may be printed: the password hidden."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except (ArgumentError, ValueError):
            return repr(url)
    return url.render_as_string(hide_password=True)


def sqlite_file(url: URL) -> Path | None:
    """The file of an SQLite URL (None: in memory, or not SQLite)."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def make_engine(url: str = DEFAULT_URL, *, create_folder: bool = False,
                **options: Any) -> Engine:
    """The engine of ``url`` (nothing is connected yet). An SQLite file's folder must
    exist; ``create_folder`` makes it (the caller's own default place)."""
    parsed = database_url(url)
    path = sqlite_file(parsed)
    if path is not None and not path.parent.is_dir():
        if not create_folder:
            raise UsageError(f"{shown(parsed)}: the folder {path.parent} does not exist; "
                             "create it first, or give a database in a folder that exists")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise DatabaseError(f"cannot make the folder {path.parent} for the database "
                                f"({str(err.strerror or err).lower()}); run where you may "
                                "write, or "
                                "give --database URL") from None
    try:
        engine = create_engine(parsed, **options)
    except (NoSuchModuleError, ImportError) as err:
        raise UsageError(f"{shown(parsed)}: the database driver {parsed.drivername!r} is "
                         f"not installed ({err}); postgresql://USER@HOST/DATABASE uses "
                         "psycopg 3, which comes with the gateway") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def database_problem(err: BaseException, url: URL | str | None) -> DatabaseError:
    """What a driver raised when connecting or writing, as one line: which database,
    the driver's first line, and what to check."""
    orig = getattr(err, "orig", None) or err
    first = next((line.strip() for line in str(orig).splitlines() if line.strip()),
                 type(orig).__name__)
    text = f"{shown(url) if url is not None else 'the database'}: {first}"
    lowered = first.lower()
    if "readonly" in lowered or "read-only" in lowered:
        hint = "the file or its folder is read-only; give a database the gateway may write"
    elif "unable to open" in lowered:
        hint = "check that the file and its folder exist and may be written"
    elif "refused" in lowered or "timeout" in lowered or "could not translate" in lowered \
            or "resolve" in lowered or "no route" in lowered:
        hint = "is the server running and the host and port right?"
    elif "authentication" in lowered or "role" in lowered or "password" in lowered:
        hint = "check the user and password in the URL"
    elif "database" in lowered and "does not exist" in lowered:
        hint = "create the database first, or name one that exists"
    else:
        hint = "check the URL and that the database may be written"
    return DatabaseError(f"{text} ({hint})")


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
