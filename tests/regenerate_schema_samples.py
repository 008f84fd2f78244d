"""Rewrite the schema goldens under ``samples/schema/`` from what the CLI prints now.

``samples/schema/<standard>/<version>/<TYPE>.<ext>`` is a valid message of each
type and version the gateway validates. :data:`RECIPES` says how to break each
one in the seven ways a partner's data goes wrong (a mandatory segment missing,
a segment out of order, a segment repeated too often, a code outside a complete
code list, an impossible date, a value too long, a mandatory element empty).
Beside each base, ``<TYPE>.expected.json`` holds, for the base and for every
variant: the variant's bytes, what ``validate --level schema`` prints (without
``"path"``) and the acknowledgement ``ack --now 2025-01-01T00:00:00
--control-number 1`` prints (CONTRL for EDIFACT; 997 and ``--format 999`` for
X12 004010; 999 for 005010), as lists of lines. Where a breakage cannot be
made for a type (a CONTRL carries no date), the reason is recorded instead.

Run this only when the validation or acknowledgement contract changes on
purpose, then read every changed expectation before committing it::

    .venv/bin/python tests/regenerate_schema_samples.py

``tests/edi/schema/test_schema_samples.py`` checks the committed expectations
against the gateway and against :data:`RECIPES`; both read the layout from here.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from collections.abc import Callable
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.cli.main import main

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SCHEMA_SAMPLES = SAMPLES / "schema"
SUFFIXES = {"edifact": ".edi", "x12": ".x12"}
NOW = "2025-01-01T00:00:00"
CONTROL = "1"
VARIANTS = ("missing-segment", "out-of-order", "repeat-exceeded", "bad-code", "bad-date",
            "too-long", "missing-element")


# -- editing the first message of a base, one segment per line ---------------------


@dataclass(frozen=True, slots=True)
class At:
    """The ``occurrence``-th segment ``tag`` of the first message (from 1)."""

    tag: str
    occurrence: int = 1


@dataclass(frozen=True, slots=True)
class Remove:
    at: At


@dataclass(frozen=True, slots=True)
class Repeat:
    """Write the segment ``times`` more times right after itself."""

    at: At
    times: int = 1


@dataclass(frozen=True, slots=True)
class Move:
    """Take the segment out and put it after ``after`` (``None``: at the message's end)."""

    at: At
    after: At | None


@dataclass(frozen=True, slots=True)
class Put:
    """Set element ``element`` (component ``component``) to ``value``; empty clears it."""

    at: At
    element: int
    value: str
    component: int = 1


Edit = Remove | Repeat | Move | Put


@dataclass(frozen=True, slots=True)
class Recipe:
    """One breakage: what it is, in words, and the edits that make it."""

    what: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class Syntax:
    element: str
    component: str
    terminator: str
    release: str | None


def _syntax(lines: list[str]) -> Syntax:
    first = lines[0]
    if first.startswith("ISA"):
        return Syntax(first[3], first[104], first[105], None)
    if first.startswith("UNA"):
        return Syntax(first[4], first[3], first[8], first[6] if first[6] != " " else None)
    return Syntax("+", ":", "'", "?")


def _split(text: str, sep: str, release: str | None) -> list[str]:
    parts, current, i = [], "", 0
    while i < len(text):
        ch = text[i]
        if release is not None and ch == release and i + 1 < len(text):
            current += text[i:i + 2]
            i += 2
            continue
        if ch == sep:
            parts.append(current)
            current = ""
        else:
            current += ch
        i += 1
    parts.append(current)
    return parts


def _tag(line: str, syntax: Syntax) -> str:
    return line.split(syntax.element, 1)[0].rstrip(syntax.terminator)


def _put(line: str, edit: Put, syntax: Syntax) -> str:
    body = line[: -len(syntax.terminator)]
    elements = _split(body, syntax.element, syntax.release)
    while len(elements) <= edit.element:
        elements.append("")
    comps = _split(elements[edit.element], syntax.component, syntax.release)
    while len(comps) < edit.component:
        comps.append("")
    comps[edit.component - 1] = edit.value
    while len(comps) > 1 and not comps[-1]:
        comps.pop()
    elements[edit.element] = syntax.component.join(comps)
    while len(elements) > 1 and not elements[-1]:
        elements.pop()  # trailing separators are not allowed in either standard
    return syntax.element.join(elements) + syntax.terminator


def apply(base: str, recipe: Recipe) -> str:
    """The base's text with the recipe's edits made to its first message, the
    message's trailer count (UNT / SE) recounted."""
    lines = base.splitlines()
    syntax = _syntax(lines)
    tags = [_tag(line, syntax) for line in lines]
    start = next(i for i, t in enumerate(tags) if t in ("UNH", "ST"))
    end = next(i for i, t in enumerate(tags) if i > start and t in ("UNT", "SE"))
    body = lines[start + 1:end]

    def find(at: At) -> int:
        seen = 0
        for index, line in enumerate(body):
            if _tag(line, syntax) == at.tag:
                seen += 1
                if seen == at.occurrence:
                    return index
        raise ValueError(f"no {at.tag} #{at.occurrence} in the first message")

    for edit in recipe.edits:
        where = find(edit.at)
        if isinstance(edit, Remove):
            del body[where]
        elif isinstance(edit, Repeat):
            body[where + 1:where + 1] = [body[where]] * edit.times
        elif isinstance(edit, Move):
            moved = body.pop(where)
            if edit.after is None:
                body.append(moved)
            else:
                target = find(edit.after)
                body.insert(target + 1, moved)
        else:
            body[where] = _put(body[where], edit, syntax)
    trailer = _split(lines[end][: -len(syntax.terminator)], syntax.element, syntax.release)
    trailer[1] = str(len(body) + 2)
    lines[start + 1:end + 1] = [*body, syntax.element.join(trailer) + syntax.terminator]
    return "\n".join(lines) + "\n"


# -- the recipes --------------------------------------------------------------------

MISSING_SEGMENT = "missing-segment"
OUT_OF_ORDER = "out-of-order"
REPEAT = "repeat-exceeded"
BAD_CODE = "bad-code"
BAD_DATE = "bad-date"
TOO_LONG = "too-long"
MISSING_ELEMENT = "missing-element"

# Every EDIFACT base but CONTRL starts with BGM (M 1) whose 1225 "message
# function" is a complete code list, and has a DTM with format 102 and a NAD.
_X36 = "PO-" + "1234567890" * 3 + "123"  # 36 characters: 1004 is an..35
EDIFACT_DEFAULTS: dict[str, Recipe] = {
    MISSING_SEGMENT: Recipe("BGM (M 1) removed", (Remove(At("BGM")),)),
    REPEAT: Recipe("BGM (M 1) written twice", (Repeat(At("BGM")),)),
    BAD_CODE: Recipe("BGM 03 (1225, complete list) = 99", (Put(At("BGM"), 3, "99"),)),
    BAD_DATE: Recipe("first DTM 01-2 = 20240230 (format 102)",
                     (Put(At("DTM"), 1, "20240230", 2),)),
    TOO_LONG: Recipe("BGM 02(-1) (1004, an..35) 36 characters", (Put(At("BGM"), 2, _X36),)),
    MISSING_ELEMENT: Recipe("first NAD 01 (3035, M) empty", (Put(At("NAD"), 1, ""),)),
}

END = None
EDIFACT_RECIPES: dict[str, dict[str, Recipe | str]] = {
    "ORDERS": {
        MISSING_SEGMENT: Recipe("UNS (M 1) removed", (Remove(At("UNS")),)),
        OUT_OF_ORDER: Recipe("header FTX moved to the end, after CNT",
                             (Move(At("FTX"), END),)),
    },
    "ORDCHG": {OUT_OF_ORDER: Recipe("second DTM moved after the third NAD",
                                    (Move(At("DTM", 2), At("NAD", 3)),))},
    "ORDRSP": {OUT_OF_ORDER: Recipe("line FTX moved to the end, after CNT",
                                    (Move(At("FTX"), END),))},
    "DESADV": {OUT_OF_ORDER: Recipe("second DTM moved after the third NAD",
                                    (Move(At("DTM", 2), At("NAD", 3)),)),
               BAD_DATE: Recipe("second DTM 01-2 = 20240230 (format 102)",
                                (Put(At("DTM", 2), 1, "20240230", 2),))},
    "RECADV": {OUT_OF_ORDER: Recipe("second DTM moved after the third NAD",
                                    (Move(At("DTM", 2), At("NAD", 3)),))},
    "INVOIC": {OUT_OF_ORDER: Recipe("CUX moved after PAT", (Move(At("CUX"), At("PAT")),))},
    "INVRPT": {OUT_OF_ORDER: Recipe("second DTM moved after the second NAD",
                                    (Move(At("DTM", 2), At("NAD", 2)),))},
    "SLSRPT": {
        MISSING_SEGMENT: Recipe("both NAD removed: the NAD group (M) is missing",
                                (Remove(At("NAD", 2)), Remove(At("NAD")))),
        OUT_OF_ORDER: Recipe("CUX moved after LOC", (Move(At("CUX"), At("LOC")),)),
    },
    "DELFOR": {OUT_OF_ORDER: Recipe("third DTM moved after the second NAD",
                                    (Move(At("DTM", 3), At("NAD", 2)),))},
    "SLSFCT": {OUT_OF_ORDER: Recipe("CUX moved after LOC", (Move(At("CUX"), At("LOC")),))},
    "APERAK": {OUT_OF_ORDER: Recipe("DTM moved after the first NAD",
                                    (Move(At("DTM"), At("NAD")),))},
    "CONTRL": {
        MISSING_SEGMENT: Recipe("UCI (M 1) removed", (Remove(At("UCI")),)),
        OUT_OF_ORDER: Recipe("UCD moved after the second UCM",
                             (Move(At("UCD"), At("UCM", 2)),)),
        REPEAT: Recipe("UCI (M 1) written twice", (Repeat(At("UCI")),)),
        BAD_CODE: Recipe("UCI 04 (0083, complete list) = 9", (Put(At("UCI"), 4, "9"),)),
        BAD_DATE: "a CONTRL carries no date below UNH",
        TOO_LONG: Recipe("UCI 01 (0020, an..14) 15 characters",
                         (Put(At("UCI"), 1, "000000000004810"),)),
        MISSING_ELEMENT: Recipe("first UCM 03 (0083, M) empty", (Put(At("UCM"), 3, ""),)),
    },
}

# X12: the beginning segment of each set, its date element and a text element
# with its maximum length in 004010 and 005010.
_BEGIN = {"850": "BEG", "860": "BCH", "855": "BAK", "856": "BSN", "861": "BRA",
          "810": "BIG", "846": "BIA", "852": "XQ", "830": "BFR", "997": "AK1", "999": "AK1"}
_DATE = {"850": 5, "860": 6, "855": 4, "856": 3, "861": 2, "810": 1, "846": 4, "852": 2,
         "830": 6}
# segment, element, id, maximum length in 004010 and in 005010
_LONG = {"850": ("BEG", 3, "324", 22, 22), "860": ("BCH", 3, "324", 22, 22),
         "855": ("BAK", 3, "324", 22, 22), "856": ("BSN", 2, "396", 30, 30),
         "861": ("BRA", 1, "127", 30, 50), "810": ("BIG", 2, "76", 22, 22),
         "846": ("BIA", 3, "127", 30, 50), "852": ("N9", 2, "127", 30, 50),
         "830": ("BFR", 2, "127", 30, 50), "997": ("AK1", 2, "28", 9, 9),
         "999": ("AK1", 2, "28", 9, 9)}


def _x12_defaults(kind: str, version: str) -> dict[str, Recipe | str]:
    begin = _BEGIN[kind]
    tag, element, eid, long4, long5 = _LONG[kind]
    length = (long4 if version == "004010" else long5) + 1
    value = "1234567890" if eid == "28" else ("A" * length)
    recipes: dict[str, Recipe | str] = {
        MISSING_SEGMENT: Recipe(f"{begin} (M 1) removed", (Remove(At(begin)),)),
        REPEAT: Recipe(f"{begin} (M 1) written twice", (Repeat(At(begin)),)),
        TOO_LONG: Recipe(f"{tag} {element:02d} ({eid}, max {length - 1}) {length} long",
                         (Put(At(tag), element, value),)),
        MISSING_ELEMENT: Recipe(f"{begin} 01 (M) empty", (Put(At(begin), 1, ""),)),
    }
    if kind in _DATE:
        recipes[BAD_DATE] = Recipe(f"{begin} {_DATE[kind]:02d} (DT) = 20240230",
                                   (Put(At(begin), _DATE[kind], "20240230"),))
    else:
        recipes[BAD_DATE] = f"a {kind} carries no date below ST"
    return recipes


_PID = Recipe("PID 01 (349, complete list: F S X) = Q", (Put(At("PID"), 1, "Q"),))
X12_RECIPES: dict[str, dict[str, Recipe | str]] = {
    "850": {
        OUT_OF_ORDER: Recipe("CUR moved after the first REF", (Move(At("CUR"), At("REF")),)),
        REPEAT: Recipe("CUR (O 1) written twice", (Repeat(At("CUR")),)),
        BAD_CODE: _PID,
    },
    "860": {OUT_OF_ORDER: Recipe("DTM moved after N1", (Move(At("DTM"), At("N1")),)),
            BAD_CODE: _PID},
    "855": {OUT_OF_ORDER: Recipe("REF moved after DTM", (Move(At("REF"), At("DTM")),)),
            BAD_CODE: _PID},
    "856": {OUT_OF_ORDER: Recipe("TD1 moved after TD5", (Move(At("TD1"), At("TD5")),)),
            BAD_CODE: Recipe("first HL 04 (736, complete list: 0 1) = 2",
                             (Put(At("HL"), 4, "2"),))},
    "861": {MISSING_SEGMENT: Recipe("DTM (M 10) removed", (Remove(At("DTM")),)),
            OUT_OF_ORDER: Recipe("second REF moved after DTM",
                                 (Move(At("REF", 2), At("DTM")),)),
            BAD_CODE: _PID},
    "810": {OUT_OF_ORDER: Recipe("ITD moved after DTM", (Move(At("ITD"), At("DTM")),)),
            BAD_CODE: _PID},
    "846": {OUT_OF_ORDER: Recipe("PID moved after the QTY of its line",
                                 (Move(At("PID"), At("QTY")),)),
            REPEAT: Recipe("first N1 written four more times: loop N1 (max 5) occurs 6 times",
                           (Repeat(At("N1"), 4),)),
            BAD_CODE: _PID},
    "852": {OUT_OF_ORDER: Recipe("second N1 moved after the first LIN",
                                 (Move(At("N1", 2), At("LIN")),)),
            BAD_CODE: Recipe("first ZA 08 (1073, complete list: N U W Y) = X",
                             (Put(At("ZA"), 8, "X"),))},
    "830": {OUT_OF_ORDER: Recipe("PID moved after the first N1", (Move(At("PID"), At("N1")),)),
            BAD_CODE: _PID},
    "997": {MISSING_SEGMENT: Recipe("AK9 (M 1) removed", (Remove(At("AK9")),)),
            OUT_OF_ORDER: Recipe("AK3 moved after AK4", (Move(At("AK3"), At("AK4")),)),
            BAD_CODE: Recipe("AK5 01 (717, complete list) = Q", (Put(At("AK5"), 1, "Q"),))},
    "999": {OUT_OF_ORDER: Recipe("IK3 moved after IK4", (Move(At("IK3"), At("IK4")),)),
            BAD_CODE: Recipe("IK5 01 (717, complete list) = Q", (Put(At("IK5"), 1, "Q"),))},
}


def recipes_for(standard: str, version: str, kind: str) -> dict[str, Recipe | str]:
    """The seven breakages of one base, in :data:`VARIANTS` order; a string is the
    reason a breakage does not apply."""
    if standard == "edifact":
        table: dict[str, Recipe | str] = {**EDIFACT_DEFAULTS, **EDIFACT_RECIPES.get(kind, {})}
    else:
        table = {**_x12_defaults(kind, version), **X12_RECIPES.get(kind, {})}
    return {name: table[name] for name in VARIANTS}


# -- layout and running the CLI -------------------------------------------------------


def base_files() -> list[Path]:
    """Every base message under ``samples/schema/``, in a stable order."""
    return sorted(p for p in SCHEMA_SAMPLES.rglob("*") if p.is_file()
                  and p.suffix in SUFFIXES.values())


def describe(base: Path) -> tuple[str, str, str]:
    """(standard, version, type) of a base, from its place: ``x12/004010/850.x12``."""
    standard, version = base.relative_to(SCHEMA_SAMPLES).parts[:2]
    return standard, version, base.stem


def base_id(base: Path) -> str:
    return base.relative_to(SCHEMA_SAMPLES).with_suffix("").as_posix()


def expected_path(base: Path) -> Path:
    return base.with_name(f"{base.stem}.expected.json")


def ack_formats(standard: str, version: str) -> tuple[str, ...]:
    """The acknowledgements pinned for a version; the first is the default."""
    if standard == "edifact":
        return ("contrl",)
    return ("997", "999") if version == "004010" else ("999",)


def ack_argv(path: Path, fmt: str, standard: str, version: str) -> list[str]:
    argv = ["ack", str(path), "--now", NOW, "--control-number", CONTROL]
    if fmt != ack_formats(standard, version)[0]:
        argv += ["--format", fmt]
    return argv


def validate_argv(path: Path) -> list[str]:
    return ["validate", "--level", "schema", str(path)]


def run_cli(argv: list[str]) -> tuple[int, bytes]:
    """Exit code and standard output bytes of ``edi-gateway ARGV``, run in-process."""
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    with redirect_stdout(out):
        code = main(argv)
    out.flush()
    return code, raw.getvalue()


def lines(data: bytes) -> list[str]:
    """Bytes as a list of lines that keep their line ends: exact and diffable."""
    return data.decode("latin-1").splitlines(keepends=True)


def observe(path: Path, standard: str, version: str,
            cli: Callable[[list[str]], tuple[int, bytes]] = run_cli) -> dict[str, Any]:
    """What the CLI says about one file: validate JSON (no path) and the acks."""
    _code, printed = cli(validate_argv(path))
    validated = json.loads(printed)
    validated.pop("path", None)
    acks = {fmt: lines(cli(ack_argv(path, fmt, standard, version))[1])
            for fmt in ack_formats(standard, version)}
    return {"validate": validated, "acks": acks}


def expectations(base: Path) -> dict[str, Any]:
    standard, version, kind = describe(base)
    text = base.read_text("latin-1")
    result: dict[str, Any] = {"base": observe(base, standard, version), "variants": {}}
    with tempfile.TemporaryDirectory() as folder:
        for name, recipe in recipes_for(standard, version, kind).items():
            if isinstance(recipe, str):
                result["variants"][name] = {"not_applicable": recipe}
                continue
            broken = apply(text, recipe)
            path = Path(folder) / f"{kind}.{name}{base.suffix}"
            path.write_text(broken, "latin-1")
            result["variants"][name] = {"breakage": recipe.what,
                                        "input": broken.splitlines(keepends=True),
                                        **observe(path, standard, version)}
    return result


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def regenerate() -> int:
    changed = 0
    for base in base_files():
        target = expected_path(base)
        text = dump(expectations(base))
        if not target.exists() or target.read_text("utf-8") != text:
            target.write_text(text, "utf-8")
            changed += 1
            print(f"wrote {target.relative_to(SAMPLES)}")
    print(f"{changed} expected file(s) changed; review the diff before committing.")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate())
