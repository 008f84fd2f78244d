"""Every command meets what goes wrong at its edge with one clear line, never a traceback.

A table walks each command through the mistakes users make and the places that
refuse them: a database URL that is no URL, names a database the gateway does not
use (MySQL, Oracle) or a server that refuses the connection; an SQLite file in
``/proc``, in a folder that does not exist (which must not be made) or read-only;
a working folder that cannot be written (where the default ``var/`` would go); an
output (``-o``, ``--out``) into a read-only folder or under a file; an input that
is missing, a folder, or not UTF-8 where text is read; an argument a field cannot
hold. Each case runs the command's ``main`` as the installed command does (an
exception escaping it is the traceback a user would see, and fails the case) and
checks the exit status (2 for usage, 1 for a failure), that standard error is one
line saying what is wrong (the fragment pinned here), and that nothing was
reported as an internal error.

The tests run as root in CI, and root may write anywhere: the cases about
permissions run the installed command in a process of its own as the
unprivileged user ``nobody`` then, so a read-only file or folder is as read-only
as for any user (and its stderr shows no traceback).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from gateway.cli.main import main
from gateway.db.migrate import open_database

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
ORDER = SAMPLES / "edifact" / "ORDERS_D96A.edi"
NOBODY = 65534


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]  # {placeholders} filled from the places below
    code: int
    says: str  # a fragment of the one line on stderr
    cwd: str = "{rw}"
    unprivileged: bool = False  # a permission case: run as nobody when root


# Commands that open a database, with the arguments they need besides --database.
DATABASE_COMMANDS: dict[str, tuple[str, ...]] = {
    "ingest": ("ingest", str(ORDER)),
    "run": ("run", "--samples", "{samples}"),
    "serve": ("serve", "--once", "--no-demo", "--var", "{rw}/var-CASE"),
    "reprocess": ("reprocess", "--quarantined", "--var", "{rw}/var-CASE"),
    "plan forecast": ("plan", "forecast"),
    "plan exceptions": ("plan", "exceptions"),
    "plan proposals": ("plan", "proposals"),
    "plan approve": ("plan", "approve", "1", "--reviewer", "ann"),
}

# (name, URL, exit status, fragment); the read-only file is run as an unprivileged user
DATABASE_CASES: tuple[tuple[str, str, int, str], ...] = (
    ("not-a-url", "notaurl", 2, "'notaurl' is not a database URL"),
    ("mysql", "mysql://user@db.example/gateway", 2, "SQLite or PostgreSQL, not mysql"),
    ("oracle", "oracle://user@db.example/gateway", 2, "SQLite or PostgreSQL, not oracle"),
    ("postgres-refused", "postgres://gateway@127.0.0.1:{closed}/gateway", 1,
     "Connection refused (is the server running"),
    ("sqlite-in-proc", "sqlite:////proc/gateway.db", 1, "unable to open database file"),
    ("sqlite-missing-folder", "sqlite:///{rw}/absent/gateway.db", 2,
     "the folder {rw}/absent does not exist"),
    ("sqlite-read-only", "sqlite:///{readonly_db}", 1, "attempt to write a readonly database"),
)


def _database_cases() -> list[Case]:
    cases = []
    for command, argv in DATABASE_COMMANDS.items():
        for name, url, code, says in DATABASE_CASES:
            # serve keeps its lock in its var folder: one each, so no case finds
            # another user's lock there.
            own = tuple(a.replace("CASE", name) for a in argv)
            cases.append(Case(f"{command}: {name}", (*own, "--database", url), code, says,
                              unprivileged=name == "sqlite-read-only"))
        # No --database, in a folder that cannot be written: the default var/ cannot be
        # made there. reprocess makes no var/ of its own: there is none to take from.
        says, code = ("the folder var does not exist", 2) if command == "reprocess" else \
            ("cannot use var (permission denied", 1) if command == "serve" else \
            ("cannot make the folder var for the database (permission denied", 1)
        default_argv = tuple(a for a in argv if not a.startswith("--var") and
                             not a.startswith("{rw}/var-CASE"))
        cases.append(Case(f"{command}: read-only working folder", default_argv, code, says,
                          cwd="{readonly}", unprivileged=True))
    return cases


OTHER_CASES: tuple[Case, ...] = (
    # Outputs: a read-only folder, a folder under a file.
    Case("write -o into a read-only folder",
         ("write", "{parsed}", "-o", "{readonly}/out.edi"), 2,
         "cannot write {readonly}/out.edi: permission denied", unprivileged=True),
    Case("convert -o into a read-only folder",
         ("convert", str(ORDER), "--to", "x12", "-o", "{readonly}/out.x12"), 2,
         "cannot write {readonly}/out.x12: permission denied", unprivileged=True),
    Case("convert --to json -o under a file",
         ("convert", str(ORDER), "--to", "json", "-o", "{parsed}/out.json"), 2,
         "{parsed} is a file, not a folder"),
    Case("plan approve --out into a read-only folder",
         ("plan", "approve", "1", "--reviewer", "ann", "--database",
          "sqlite:///{rw}/plan.db", "--out", "{readonly}/orders"), 2,
         "cannot write into {readonly}/orders: permission denied", unprivileged=True),
    # Inputs: not UTF-8 where text is read, missing, a folder.
    Case("write on a file that is not UTF-8", ("write", "{latin1}"), 2,
         "is not UTF-8 text"),
    Case("validate --guide that is not UTF-8",
         ("validate", str(ORDER), "--guide", "{latin1}"), 2, "is not UTF-8 text"),
    Case("plan forecast --history that is not UTF-8",
         ("plan", "forecast", "--history", "{latin1}", "--horizon", "2"), 2, "not UTF-8 text"),
    Case("parse a missing file", ("parse", "{rw}/absent.edi"), 2,
         "cannot read {rw}/absent.edi: No such file or directory"),
    Case("parse a folder", ("parse", "{rw}"), 2, "cannot read {rw}: Is a directory"),
    Case("ack a missing file", ("ack", "{rw}/absent.edi"), 2,
         "cannot read {rw}/absent.edi: No such file or directory"),
    Case("convert a folder", ("convert", "{rw}", "--to", "json"), 2,
         "cannot read {rw}: Is a directory"),
    Case("write a missing file", ("write", "{rw}/absent.json"), 2,
         "cannot read {rw}/absent.json: No such file or directory"),
    Case("run --samples on a file", ("run", "--samples", str(ORDER), "--database",
                                     "sqlite:///{rw}/run.db"), 2, "is not a folder"),
    Case("partners check on a missing folder", ("partners", "check", "--partners",
                                                "{rw}/absent"), 1, "{rw}/absent"),
    Case("ack --control-number that ISA13 cannot hold",
         ("ack", str(SAMPLES / "x12" / "850_004010.x12"), "--control-number", "-5"), 2,
         "--control-number"),
    Case("ack --control-number that UNB 0020 cannot hold",
         ("ack", str(ORDER), "--control-number", "1" * 15), 2, "--control-number"),
    Case("convert --control-number that ISA13 cannot hold",
         ("convert", str(ORDER), "--to", "x12", "--control-number", "1234567890"), 2,
         "--control-number"),
)

CASES = [*_database_cases(), *OTHER_CASES]


def _closed_port() -> int:
    """A port on loopback nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def places() -> Iterator[dict[str, str]]:
    """The files and folders the cases name, where an unprivileged user reaches them
    (pytest's own temporary folders are private to the user running the tests)."""
    base = Path(tempfile.mkdtemp(prefix="edi-gateway-edges-"))
    try:
        base.chmod(0o755)
        rw = base / "rw"
        rw.mkdir(mode=0o777)
        rw.chmod(0o777)  # whatever the umask: anyone may write here
        readonly = base / "readonly"
        readonly.mkdir()
        readonly.chmod(0o555)
        samples = base / "samples"
        samples.mkdir()
        shutil.copy(ORDER, samples / ORDER.name)
        database = rw / "readonly.db"
        open_database(f"sqlite:///{database}").dispose()
        for leftover in rw.glob("readonly.db-*"):  # the WAL files, gone at a clean close
            leftover.unlink()
        database.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        parsed = rw / "tree.json"
        parsed.write_text(subprocess.run(
            [sys.executable, "-m", "gateway.cli.main", "parse", "--json", str(ORDER)],
            capture_output=True, text=True, check=True).stdout, "utf-8")
        latin1 = rw / "latin1.txt"
        latin1.write_bytes("Bräu,Köln,2024-01-01,5\n".encode("latin-1"))
        yield {"rw": str(rw), "readonly": str(readonly), "samples": str(samples),
               "readonly_db": str(database), "parsed": str(parsed), "latin1": str(latin1),
               "closed": str(_closed_port()), "readonly_digest": _digest(database)}
    finally:
        shutil.rmtree(base)


@dataclass(frozen=True)
class Outcome:
    code: int
    stderr: str


def _in_process(case: Case, places: dict[str, str]) -> Outcome:
    """The command's ``main``, as the installed command runs it: an exception escaping
    it would be the traceback a user sees, and fails the test as it is."""
    argv = [arg.format(**places) for arg in case.argv]
    err = io.StringIO()
    before = Path.cwd()
    os.chdir(case.cwd.format(**places))
    try:
        with redirect_stderr(err), redirect_stdout(io.TextIOWrapper(io.BytesIO())):
            try:
                code = main(argv)
            except SystemExit as stop:
                code = int(stop.code or 0)
    finally:
        os.chdir(before)
    return Outcome(code, err.getvalue())


def _unprivileged(case: Case, places: dict[str, str]) -> Outcome:
    """The installed command in a process of its own, as ``nobody`` when the tests run
    as root; a traceback would show on its stderr."""
    argv = [arg.format(**places) for arg in case.argv]
    drop = os.geteuid() == 0
    done = subprocess.run(
        [sys.executable, "-m", "gateway.cli.main", *argv], cwd=case.cwd.format(**places),
        capture_output=True, text=True, check=False, timeout=300,
        user=NOBODY if drop else None, group=NOBODY if drop else None,
        extra_groups=[] if drop else None,
        env={**os.environ, "HOME": places["rw"], "EDI_GATEWAY_DEBUG": ""})
    assert "Traceback" not in done.stderr, done.stderr
    return Outcome(done.returncode, done.stderr)


@pytest.fixture(scope="module")
def unprivileged(places: dict[str, str]) -> dict[str, Outcome]:
    """The permission cases, run two at a time (each is a process of its own)."""
    cases = [case for case in CASES if case.unprivileged]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip([case.name for case in cases],
                        pool.map(lambda case: _unprivileged(case, places), cases), strict=True))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_command_answers_a_mistake_with_one_clear_line(
        case: Case, places: dict[str, str], unprivileged: dict[str, Outcome]) -> None:
    """The rule: exit 2 (usage) or 1 (failure), one line on stderr that names what is
    wrong, nothing reported as an internal error; and nothing made where a case
    forbids it (no folder for a database in a missing folder, nothing in a
    read-only working folder, the read-only database unchanged)."""
    done = unprivileged[case.name] if case.unprivileged else _in_process(case, places)
    lines = done.stderr.splitlines()
    assert "internal error" not in done.stderr
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("edi-gateway ")
    assert case.says.format(**places) in lines[0]
    assert done.code == case.code, done.stderr
    assert not Path(places["rw"], "absent").exists()
    assert list(Path(places["readonly"]).iterdir()) == []
    assert _digest(places["readonly_db"]) == places["readonly_digest"]


def test_a_mistake_is_one_line_from_the_installed_command(places: dict[str, str]) -> None:
    """The same, seen from outside: the process prints one line and no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "gateway.cli.main", "ingest", str(ORDER), "--database",
         "mysql://user@db.example/gateway"], capture_output=True, text=True, check=False,
        cwd=places["rw"])
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "edi-gateway ingest: mysql://user@db.example/gateway: the gateway keeps its tables "
        "in SQLite or PostgreSQL, not mysql; give sqlite:///PATH/FILE.db or "
        "postgresql://USER@HOST/DATABASE"]

