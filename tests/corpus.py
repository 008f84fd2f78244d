"""Where the shared real-world corpus is, and its manifest, for the tests that read it.

The corpus sits beside the project, at ``../shared/corpus`` from the project
root, on development machines and in CI; a fresh clone does not have it, and
the tests that need it skip with :func:`require`. Its ``MANIFEST.tsv`` names,
for each file, where it came from and notes on what makes it interesting.
This module only finds and reads; what a test expects of a file is the test's
business. Corpus files are read in place and never copied into the project.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
MANIFEST_NAME = "MANIFEST.tsv"


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the manifest: a corpus file and what is known about it."""

    local_path: str
    source_repo: str
    source_path: str
    commit: str
    standard: str
    doctype: str
    version: str
    notes: str
    root: Path = CORPUS

    @property
    def path(self) -> Path:
        return self.root / self.local_path

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


def is_available(root: Path = CORPUS, under: str | None = None) -> bool:
    """Whether the corpus (or its folder ``under``) and its manifest are there."""
    folder = root / under if under else root
    return folder.is_dir() and (root / MANIFEST_NAME).is_file()


def require(root: Path = CORPUS, under: str | None = None) -> None:
    """Skip the calling test module when the corpus is absent."""
    if not is_available(root, under):
        where = root / under if under else root
        pytest.skip(
            f"the shared corpus is not at {where} (it sits beside the project on "
            "development machines and in CI, not in a fresh clone)",
            allow_module_level=True,
        )


@cache
def manifest(root: Path = CORPUS) -> dict[str, Entry]:
    """Every manifest row, keyed by local path, in the manifest's order."""
    with (root / MANIFEST_NAME).open(newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {row["local_path"]: Entry(**row, root=root) for row in rows}


def entries(*standards: str, root: Path = CORPUS) -> list[Entry]:
    """Manifest rows of the given standards (``edifact``, ``x12``, ``xml``), sorted by path."""
    return sorted(
        (e for e in manifest(root).values() if e.standard in standards),
        key=lambda e: e.local_path,
    )


def files_under(folder: str, root: Path = CORPUS) -> list[str]:
    """Local paths of the files on disk under ``folder``, whether listed or not."""
    return sorted(
        path.relative_to(root).as_posix() for path in (root / folder).rglob("*") if path.is_file()
    )
