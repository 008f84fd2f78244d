"""The installed wheel: built from the project (not an editable install), installed
with its declared dependencies into a fresh venv, it carries everything the gateway
reads at run time.

Marked ``wheel``: building and installing take a minute or two and need the
package index (the same one any install of the project needs). Run alone with
``pytest -m wheel``; left out with ``-m "not wheel"``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from gateway.mapping.registry import load_mappings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "x12" / "850_004010.x12"
# What a wheel is built from; nothing else of the checkout goes into the copy, so a
# file the gateway reads from outside its package cannot be found by accident.
SOURCES = ("pyproject.toml", "README.md", "gateway")

pytestmark = pytest.mark.wheel


def _run(*command: str | Path, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False)


def _checked(result: subprocess.CompletedProcess[str], what: str) -> str:
    assert result.returncode == 0, f"{what} failed ({result.returncode}):\n" \
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel built from a copy of the project's sources."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in SOURCES:
        here = ROOT / name
        if here.is_dir():
            shutil.copytree(here, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(here, source / name)
    wheels = base / "wheels"
    _checked(_run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                  "--wheel-dir", wheels, source, cwd=base), "building the wheel")
    built = sorted(wheels.glob("*.whl"))
    assert len(built) == 1, built
    env = base / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env)
    python = env / "bin" / "python"
    _checked(_run(python, "-m", "pip", "install", "--quiet", built[0], cwd=base),
             "installing the wheel")
    return python


def test_the_gateway_runs_from_the_wheel_not_the_checkout(installed: Path,
                                                          tmp_path: Path) -> None:
    """The venv imports the gateway from its own site-packages, with its mappings there."""
    out = _checked(_run(installed, "-c",
                        "import gateway, gateway.mapping.registry as r; "
                        "print(gateway.__file__); print(r.DEFAULT_ROOT)", cwd=tmp_path),
                   "importing the gateway")
    module, mappings = out.split()
    venv_root = installed.parents[1]
    assert Path(module).is_relative_to(venv_root)
    assert Path(mappings).is_relative_to(venv_root)
    assert (Path(mappings) / "x12" / "004010" / "850.in.yaml").is_file()


def test_check_mappings_passes_in_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    """check-mappings compiles every bundled mapping file in a venv holding only the wheel."""
    out = _checked(_run(installed.parent / "edi-gateway", "check-mappings", cwd=tmp_path),
                   "check-mappings")
    assert "mapping files compiled" in out
    # Every mapping of the checkout made it into the wheel.
    assert out.startswith(f"{len(load_mappings().files)} mapping files compiled")


def test_a_conversion_runs_in_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    """An X12 850 converts to an EDIFACT ORDERS with the installed gateway alone."""
    out = _checked(_run(installed.parent / "edi-gateway", "convert", SAMPLE, "--to", "edifact",
                        "--now", "2024-03-11T09:15:00+00:00", cwd=tmp_path), "convert")
    # The order number of the sample's BEG 03, in BGM 1004 of the ORDERS written.
    assert "UNH+1+ORDERS:D:96A:UN" in out
    assert "BGM+220+4500017821" in out


def test_xml_rules_run_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    """The UBL schemas, the Peppol rules and the cXML DTDs ship in the wheel: a Peppol
    order breaking PEPPOL-T01-R031 and a DTD-invalid cXML file are both found, offline."""
    order = tmp_path / "order.xml"
    order.write_text((ROOT / "samples" / "ubl" / "Order.xml").read_text("utf-8").replace(
        "bis:ordering:3", "bis:ordering:2"), "utf-8")
    cxml = tmp_path / "request.xml"
    cxml.write_text((ROOT / "samples" / "cxml" / "OrderRequest.xml").read_text("utf-8").replace(
        "<SupplierPartID>", "<Colour>red</Colour><SupplierPartID>", 1), "utf-8")
    result = _run(installed.parent / "edi-gateway", "validate", order, cxml, cwd=tmp_path)
    assert result.returncode == 1, result.stderr[-3000:]
    assert "rules.schematron:PEPPOL-T01-R031" in result.stdout
    assert "schema.dtd:" in result.stdout
