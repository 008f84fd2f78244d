"""The forecasting core stays pure: it imports no database, web, CLI or pipeline code."""

from __future__ import annotations

import ast
from pathlib import Path

import gateway.forecast

FORBIDDEN = ("sqlalchemy", "fastapi", "apscheduler", "gateway.db", "gateway.cli",
             "gateway.pipeline", "gateway.web", "gateway.planning", "gateway.orders",
             "gateway.inventory", "gateway.traffic", "gateway.partners", "gateway.jobs")


def test_forecast_core_imports_nothing_impure() -> None:
    """No module of gateway/forecast imports a forbidden package, even lazily."""
    root = Path(gateway.forecast.__file__).parent
    offences = []
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offences += [f"{path.name}: {n}" for n in names
                         if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)]
    assert offences == []
