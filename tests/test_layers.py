"""The pure core stays pure: nothing under ``gateway/edi``, ``gateway/mapping`` or
``gateway/documents`` imports the domains or the infrastructure (db, cli,
pipeline, ...), SQLAlchemy, FastAPI or APScheduler.

Checked on the source with an ``ast`` walk, so an import anywhere in a module
(inside a function, under ``TYPE_CHECKING``, relative, or through
``importlib.import_module`` with a literal name) counts, whether or not it runs.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

GATEWAY = Path(__file__).resolve().parents[1] / "gateway"
CORE = ("edi", "mapping", "documents")
# Tiers 2 and 3 (ARCHITECTURE.md): domains, orchestration, infrastructure.
FORBIDDEN_PACKAGES = ("db", "cli", "pipeline", "web", "jobs", "transports", "archive",
                      "orders", "inventory", "partners", "traffic", "planning")
FORBIDDEN_LIBRARIES = ("sqlalchemy", "alembic", "fastapi", "starlette", "uvicorn",
                       "apscheduler")


def _module_name(path: Path) -> str:
    parts = path.relative_to(GATEWAY.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, module: str, *, is_package: bool = False) -> Iterator[tuple[int, str]]:
    """Every module name ``source`` (the text of ``module``) imports, with its line."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"
        elif isinstance(node, ast.Call) and node.args \
                and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else \
                func.id if isinstance(func, ast.Name) else ""
            if name in ("import_module", "__import__"):
                yield node.lineno, node.args[0].value


def forbidden(name: str) -> bool:
    top, _, rest = name.partition(".")
    if top in FORBIDDEN_LIBRARIES:
        return True
    return top == "gateway" and rest.split(".")[0] in FORBIDDEN_PACKAGES


def violations(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        module = _module_name(path)
        for line, name in imported(path.read_text("utf-8"), module,
                                   is_package=path.name == "__init__.py"):
            if forbidden(name):
                found.append(f"{path.relative_to(GATEWAY.parent)}:{line} imports {name}")
    return found


@pytest.mark.parametrize("package", CORE)
def test_the_core_imports_no_outer_tier(package: str) -> None:
    """A core package imports no domain, orchestration or infrastructure module."""
    folder = GATEWAY / package
    assert folder.is_dir()
    assert list(folder.rglob("*.py")), f"no module under {folder}"
    assert violations(folder) == []


@pytest.mark.parametrize(("source", "module", "name"), [
    ("import sqlalchemy.orm\n", "gateway.edi.reader", "sqlalchemy.orm"),
    ("from gateway.db.base import table\n", "gateway.mapping.x", "gateway.db.base"),
    ("def f():\n    from ..cli import main\n", "gateway.mapping.x", "gateway.cli"),
    ("from ... import pipeline\n", "gateway.edi.xml.reader", "gateway.pipeline"),
    ("if TYPE_CHECKING:\n    from fastapi import FastAPI\n", "gateway.documents.m", "fastapi"),
    ("importlib.import_module('apscheduler.schedulers')\n", "gateway.edi.x",
     "apscheduler.schedulers"),
])
def test_the_walk_sees_every_form_of_import(source: str, module: str, name: str) -> None:
    """Absolute, relative, nested, type-only and importlib imports are all caught."""
    names = [found for _, found in imported(source, module)]
    assert any(forbidden(found) for found in names), names
    assert name in names or any(n.startswith(name) for n in names)


def test_core_imports_of_the_core_are_allowed() -> None:
    """Imports within the core and of allowed libraries are not flagged."""
    source = "from gateway.edi.issues import Issue\nimport pydantic\nfrom . import paths\n"
    assert not any(forbidden(n) for _, n in imported(source, "gateway.mapping.inbound"))
