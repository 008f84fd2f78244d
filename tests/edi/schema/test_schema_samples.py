"""The schema goldens: for every message type and version the gateway validates, a
valid base and seven broken variants; ``validate --level schema`` and ``ack``
print exactly the stored expectations, and every acknowledgement is itself
valid and says what the acknowledgement plan decided.

``tests/regenerate_schema_samples.py`` writes the expectations and owns the
layout and the recipes; a difference here means the validation or
acknowledgement contract changed: fix the gateway, or regenerate on purpose and
review the diff.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from gateway.edi.ack.plan import plan_interchange
from tests.edi.ack.agreement import inspect_schema, promised, stated
from tests.regenerate_schema_samples import (
    SCHEMA_SAMPLES,
    VARIANTS,
    ack_argv,
    ack_formats,
    apply,
    base_files,
    base_id,
    describe,
    expected_path,
    recipes_for,
    run_cli,
    validate_argv,
)

BASES = base_files()

# What the gateway validates: every message type of each directory the brief
# names, and the base written for it.
EDIFACT_TYPES = {"ORDERS", "ORDCHG", "ORDRSP", "DESADV", "RECADV", "INVOIC", "INVRPT",
                 "SLSRPT", "DELFOR", "SLSFCT", "CONTRL", "APERAK"}
X12_TYPES = {"850", "860", "855", "856", "861", "810", "846", "852", "830", "997"}
COVERED = (
    {f"edifact/{v}/{t}" for v in ("D96A", "D01B") for t in EDIFACT_TYPES}
    | {f"x12/{v}/{t}" for v in ("004010", "005010") for t in X12_TYPES}
    | {"x12/005010/999"}
)

# The one issue code each breakage must produce (a loop repeated too often is
# its own code).
CODES = {
    "missing-segment": {"schema.missing-segment"},
    "out-of-order": {"schema.segment-out-of-order"},
    "repeat-exceeded": {"schema.segment-repeated-too-often", "schema.group-repeated-too-often"},
    "bad-code": {"schema.invalid-code"},
    "bad-date": {"schema.invalid-date"},
    "too-long": {"schema.element-too-long"},
    "missing-element": {"schema.missing-element"},
}


@cache
def _expected(base: Path) -> dict[str, Any]:
    path = expected_path(base)
    if not path.exists():
        pytest.fail(f"{path.relative_to(SCHEMA_SAMPLES)} is missing; run "
                    "tests/regenerate_schema_samples.py and review what it writes.")
    value: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return value


def _cases() -> list[Any]:
    """(base, variant) for the base and every variant that applies to its type."""
    cases = []
    for base in BASES:
        variants = _expected(base)["variants"] if expected_path(base).exists() else {}
        for variant in ("base", *VARIANTS):
            if "not_applicable" not in variants.get(variant, {}):
                cases.append(pytest.param(base, variant, id=f"{base_id(base)}:{variant}"))
    return cases


def _case(base: Path, variant: str) -> dict[str, Any]:
    expected = _expected(base)
    case: dict[str, Any] = expected["base"] if variant == "base" else expected["variants"][variant]
    return case


def _input(base: Path, variant: str, case: dict[str, Any]) -> bytes:
    if variant == "base":
        return base.read_bytes()
    return "".join(case["input"]).encode("latin-1")


def _blocking(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in issues if i["severity"] in ("fatal", "error")]


def _statuses(said: dict[str, Any]) -> set[str]:
    """Every status an acknowledgement states, at every level."""
    if "ta1" in said:  # X12: TA1 [ref, status]; groups [id, ref, status, .., messages]
        found = {t[1] for t in said["ta1"]} | {g[2] for g in said["groups"]}
        return found | {m[2] for g in said["groups"] for m in g[6]}
    found = {i[1] for i in said["interchanges"]} | {g[1] for g in said["groups"]}
    return found | {m[2] for g in said["groups"] for m in g[2]} | {
        m[2] for m in said["messages"]}


def test_every_type_and_version_has_a_base() -> None:
    """Each message type and version the gateway validates has a base, and only those."""
    assert {base_id(b) for b in BASES} == COVERED


def test_expected_files_match_bases() -> None:
    """Every base has its expectations beside it, and no expectation is orphaned."""
    wanted = {expected_path(b) for b in BASES}
    present = set(SCHEMA_SAMPLES.rglob("*.json"))
    assert sorted(p.name for p in wanted - present) == []
    assert sorted(p.name for p in present - wanted) == []


@pytest.mark.parametrize("base", [pytest.param(b, id=base_id(b)) for b in BASES])
def test_recipes_are_the_stored_variants(base: Path) -> None:
    """Each stored variant is its recipe applied to the base, so the data and the
    recipe table cannot drift apart."""
    standard, version, kind = describe(base)
    expected = _expected(base)["variants"]
    assert list(expected) == list(VARIANTS)
    text = base.read_text("latin-1")
    for name, recipe in recipes_for(standard, version, kind).items():
        if isinstance(recipe, str):
            assert expected[name] == {"not_applicable": recipe}
            continue
        assert expected[name]["breakage"] == recipe.what
        assert "".join(expected[name]["input"]) == apply(text, recipe)


@pytest.mark.parametrize("base", [pytest.param(b, id=base_id(b)) for b in BASES])
def test_base_is_valid_and_accepted(base: Path) -> None:
    """A base is valid at schema level (warnings for codes outside partial lists at
    most) and every acknowledgement of it accepts it."""
    case = _expected(base)["base"]
    assert case["validate"]["valid"] is True
    assert {i["code"] for i in case["validate"]["issues"]} <= {"schema.unlisted-code"}
    for fmt, lines in case["acks"].items():
        said = stated("".join(lines).encode("latin-1"))
        assert said["groups"] or said.get("messages"), (fmt, said)
        assert _statuses(said) == {"accepted"}, (fmt, said)


@pytest.mark.parametrize("base", [pytest.param(b, id=base_id(b)) for b in BASES])
def test_each_variant_breaks_one_thing(base: Path) -> None:
    """Each variant has exactly one blocking issue, of the code its breakage names,
    and the acknowledgement rejects the message it is in."""
    for name, case in _expected(base)["variants"].items():
        if "not_applicable" in case:
            continue
        blocking = _blocking(case["validate"]["issues"])
        assert case["validate"]["valid"] is False, name
        assert len(blocking) == 1, (name, blocking)
        assert blocking[0]["code"] in CODES[name], (name, blocking)
        assert blocking[0]["location"]["position"] >= 2, (name, blocking)
        for fmt, lines in case["acks"].items():
            said = stated("".join(lines).encode("latin-1"))
            assert "rejected" in _statuses(said), (name, fmt, said)


@pytest.mark.parametrize(("base", "variant"), _cases())
def test_validate_matches_golden(base: Path, variant: str, tmp_path: Path) -> None:
    """`validate --level schema` prints exactly the stored line (path aside); exit 0 iff valid."""
    case = _case(base, variant)
    path = tmp_path / base.name
    path.write_bytes(_input(base, variant, case))
    code, printed = run_cli(validate_argv(path))
    line = json.loads(printed)
    line.pop("path")
    assert line == case["validate"]
    assert code == (0 if case["validate"]["valid"] else 1)


@pytest.mark.parametrize(("base", "variant"), _cases())
def test_ack_matches_golden_and_is_sound(base: Path, variant: str, tmp_path: Path) -> None:
    """`ack` prints exactly the stored bytes; the ack is valid at schema level by our
    own reader and schemas, and `ack --read` says what the plan decided."""
    standard, version, _kind = describe(base)
    case = _case(base, variant)
    data = _input(base, variant, case)
    path = tmp_path / base.name
    path.write_bytes(data)
    report = inspect_schema(data)
    assert report.edi is not None
    plans = [plan_interchange(ic, report.edi.interchange_issues(ic), report.edi.by_message)
             for ic in report.edi.interchanges]
    assert len(plans) == 1
    for fmt in ack_formats(standard, version):
        code, printed = run_cli(ack_argv(path, fmt, standard, version))
        assert printed == "".join(case["acks"][fmt]).encode("latin-1"), fmt
        assert code == (0 if case["validate"]["valid"] else 1)
        ack_path = tmp_path / f"ack-{fmt}{base.suffix}"
        ack_path.write_bytes(printed)
        _code, checked = run_cli(validate_argv(ack_path))
        verdict = json.loads(checked)
        assert verdict["valid"] is True and verdict["issues"] == [], (fmt, verdict)
        assert verdict["messages"][0]["type"] == fmt.upper()
        assert stated(printed) == promised(plans[0], fmt), fmt
