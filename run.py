#!/usr/bin/env python3
"""Set up and run the gateway from a fresh checkout, with nothing but Python 3.11+.

    python3 run.py gateway [ARGS...]   run the gateway service on its embedded defaults
                                       (edi-gateway serve: --once, --database URL, ...)
    python3 run.py test [PYTEST ARGS]  lint, type-check and run the whole test suite
    python3 run.py cli ARGS...         any ``edi-gateway`` command inside the venv

``gateway`` and ``cli`` run in the folder you call them from: a relative FILE is
read from there and the default ``var/`` is made there.

The first call creates ``.venv`` beside this file and installs the project into
it; later calls reinstall only when ``pyproject.toml`` has changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-from"


def _venv_python() -> Path:
    return VENV / ("Scripts" if os.name == "nt" else "bin") / "python"


def _ensure_venv() -> Path:
    if sys.version_info < (3, 11):  # noqa: UP036  # a clear message on an old interpreter
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    python = _venv_python()
    if not python.exists():
        print(f"creating {VENV} ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("installing the gateway and its test tools into .venv ...", file=sys.stderr)
        pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "install", "-e", f"{ROOT}[test]"], check=True)
        STAMP.write_text(wanted)
    return python


def _run(python: Path, *args: str, here: bool = False) -> int:
    """Run the venv's Python; ``here``: in the folder the user stands in, so that the
    paths they give (FILE, --var, --partners) and the default ``var/`` are theirs,
    as with an installed ``edi-gateway``; else in the project folder (the tests)."""
    return subprocess.run([str(python), *args], cwd=None if here else ROOT,
                          check=False).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"gateway", "test", "cli"}:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    python = _ensure_venv()
    if command == "gateway":
        return _run(python, "-m", "gateway.cli.main", "serve", *rest, here=True)
    if command == "cli":
        return _run(python, "-m", "gateway.cli.main", *rest, here=True)
    steps: list[tuple[str, list[str]]] = [
        ("ruff", ["-m", "ruff", "check", "gateway", "tests", "bench", "run.py"]),
        ("mypy", ["-m", "mypy"]),
        ("check-mappings", ["-m", "gateway.cli.main", "check-mappings"]),
        ("pytest", ["-m", "pytest", *rest]),
    ]
    for name, args in steps:
        print(f"== {name}", file=sys.stderr, flush=True)
        code = _run(python, *args)
        if code:
            print(f"== {name} failed (exit {code})", file=sys.stderr)
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
