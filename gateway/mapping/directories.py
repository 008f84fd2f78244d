"""Which EDIFACT directories an inbound mapping reads, from the directories' structures.

An inbound EDIFACT mapping is written against one directory (its ``version``)
and reads the directories its ``also`` lists: a message of one of those is
placed into the structure of the mapping's own directory, so what matters is
not a group's number but whether the segments the mapping reads sit in the
same nesting of groups in the other directory, with the same data elements
at the positions read, and the codes its predicates test.

:func:`compare` checks that for every path of a mapping: each group the path
names is matched in the other directory by its place (the trigger segment and
how many groups of the same trigger come before it under the same holder,
so ``SG25`` of D96A ORDERS is the line group ``SG29`` of D24A), the path is
compiled there with the groups renamed, and the elements it reads (and the
qualifiers its predicates test) are compared by data element number and code
list. What does not hold is a :class:`Miss`. Run as a module, it prints the
table of every inbound EDIFACT mapping against every directory that ships::

    .venv/bin/python -m gateway.mapping.directories
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gateway.edi.schema.loader import load_directory, versions
from gateway.edi.schema.model import Directory, GroupNode, SegmentNode
from gateway.mapping.inbound import Compiler, MappingError, Scope
from gateway.mapping.paths import PathError, ValuePath
from gateway.mapping.registry import DEFAULT_ROOT, load_codelists, mapping_data

_GROUP = re.compile(r"\bSG(\d+)\b")
# A segment step's own-element predicate: TAG[01-1=137|...] (also !=).
_OWN_TEST = re.compile(r"\b([A-Z]{3})((?:\[[^\]]*\])+)")
_PREDICATE = re.compile(r"\[(\d\d(?:-\d+)?)(!?=)([^\]]*)\]")


@dataclass(frozen=True, slots=True)
class Miss:
    """A path of a mapping that does not read the same in ``version``: the
    field it serves (``where``), the path as written, and what differs."""

    version: str
    where: str
    path: str
    reason: str
    kind: str  # "structure" (group, segment, element missing or moved), "element", "code"


@dataclass(frozen=True, slots=True)
class _Use:
    """A path as the mapping compiled it: the group it starts from (and those
    around it), the segment it is inside of (``each`` over segments)."""

    where: str
    text: str
    group: GroupNode | None
    enclosing: tuple[GroupNode, ...]
    tag: str | None
    nodes: bool


@dataclass(slots=True)
class _Recorder(Compiler):
    """The mapping compiler, noting every EDI path it compiles and where."""

    uses: list[_Use] = field(default_factory=list)

    def path(self, text: str, where: str, scope: Scope, *, strip: bool = True) -> Any:
        found = Compiler.path(self, text, where, scope, strip=strip)
        self.uses.append(_Use(where, text, scope.group, scope.enclosing, scope.tag, False))
        return found

    def nodes_path(self, text: str, where: str, scope: Scope) -> tuple[Any, Scope]:
        found = Compiler.nodes_path(self, text, where, scope)
        self.uses.append(_Use(where, text, scope.group, scope.enclosing, scope.tag, True))
        return found


@dataclass(slots=True)
class MappingPaths:
    """The EDI paths of one inbound mapping file, compiled against its directory."""

    label: str
    version: str
    message: str
    also: list[str]
    directory: Directory
    uses: list[_Use]


def read_paths(path: Path, root: Path = DEFAULT_ROOT) -> MappingPaths:
    """Compile the inbound EDIFACT mapping at ``path``, keeping its paths."""
    data = mapping_data(root, path.relative_to(root))
    label = str(path.relative_to(root))
    version, message = str(data["version"]), str(data["message"])
    directory = load_directory("edifact", version)
    if directory is None or message not in directory.messages:
        raise MappingError(f"{label}: no EDIFACT {version} {message} ships with the gateway")
    structure = directory.messages[message].structure
    recorder = _Recorder(label, "edi", directory, structure, load_codelists(root, None), {})
    recorder.compile(data["fields"], "fields", Scope(structure))
    return MappingPaths(label, version, message, [str(v) for v in data.get("also") or []],
                        directory, recorder.uses)


def group_counterparts(home: GroupNode, other: GroupNode) -> dict[int, GroupNode | None]:
    """For every group of ``home`` (by ``id()``), the group of ``other`` at the same
    place: under the counterpart of its holder, the group with the same trigger
    and as many groups of that trigger before it; None where there is none."""
    found: dict[int, GroupNode | None] = {id(home): other}

    def walk(mine: GroupNode, theirs: GroupNode | None) -> None:
        seen: dict[str, int] = {}
        for child in mine.children:
            if not isinstance(child, GroupNode):
                continue
            nth = seen[child.trigger] = seen.get(child.trigger, 0) + 1
            match = None
            if theirs is not None:
                same = [c for c in theirs.children
                        if isinstance(c, GroupNode) and c.trigger == child.trigger]
                match = same[nth - 1] if nth <= len(same) else None
            found[id(child)] = match
            walk(child, match)

    walk(home, other)
    return found


def _all_groups(group: GroupNode) -> Iterable[GroupNode]:
    for child in group.children:
        if isinstance(child, GroupNode):
            yield child
            yield from _all_groups(child)


def _places(structure: GroupNode, trigger: str) -> str:
    """Where ``structure`` has groups triggered by ``trigger``, for a reason."""
    ids = [g.id for g in _all_groups(structure) if g.trigger == trigger]
    return f"its {trigger} groups are {', '.join(ids)}" if ids else f"it has no {trigger} group"


def _element_id(directory: Directory, tag: str, ref: str) -> str | None:
    """The data element number at ``ref`` (``01-2``) of segment ``tag``."""
    segment = directory.segments.get(tag)
    position, _, part = ref.partition("-")
    if segment is None or int(position) > len(segment.members):
        return None
    member = segment.members[int(position) - 1]
    composite = directory.composites.get(member.ref)
    if composite is None:
        return member.ref if not part or part == "1" else None
    index = int(part or 1)
    return composite.components[index - 1].ref if index <= len(composite.components) else None


def _codes_missing(directory: Directory, eid: str, values: Iterable[str]) -> list[str]:
    element = directory.elements.get(eid)
    if element is None or element.codes is None or not element.codes_complete:
        return []
    return [v for v in values if v and v not in element.codes]


def compare(paths: MappingPaths, version: str) -> list[Miss]:
    """What of the mapping's paths does not read the same in ``version``."""
    other = load_directory("edifact", version)
    if other is None or paths.message not in other.messages:
        return [Miss(version, "", "", f"{version} has no {paths.message}", "structure")]
    home = paths.directory.messages[paths.message].structure
    there = other.messages[paths.message].structure
    counterpart = group_counterparts(home, there)
    ids = {g.id: counterpart.get(id(g)) for g in _all_groups(home)}
    misses: list[Miss] = []
    for use in paths.uses:
        def miss(reason: str, kind: str = "structure", use: _Use = use) -> None:
            misses.append(Miss(version, use.where, use.text, reason, kind))

        scope = [*use.enclosing, *([use.group] if use.group is not None else [])]
        mapped = [counterpart.get(id(g)) for g in scope]
        if any(g is None for g in mapped):
            continue  # the path that opened this scope is the miss
        lost = [f"SG{n}" for n in _GROUP.findall(use.text) if ids.get(f"SG{n}") is None]
        if lost:
            held = next(g for g in _all_groups(home) if g.id == lost[0])
            miss(f"{lost[0]} ({held.trigger}) has no counterpart in {version}: "
                 f"{_places(there, held.trigger)}")
            continue
        renamed = _GROUP.sub(lambda m: ids[m.group(0)].id, use.text)  # type: ignore[union-attr]
        group = mapped[-1] if use.group is not None else None
        enclosing = tuple(g for g in mapped[:-1] if g is not None) \
            if use.group is not None else ()
        try:
            compiled = ValuePath(renamed, group, other, segment=use.tag, nodes_only=use.nodes,
                                 enclosing=enclosing)
        except PathError as err:
            miss(f"{version}: {err}")
            continue
        _compare_elements(use, compiled, paths.directory, other, miss)
    return misses


def _compare_elements(use: _Use, compiled: ValuePath, home: Directory, other: Directory,
                      miss: Callable[[str, str], None]) -> None:
    """The elements the path reads and tests: the same data elements, the codes
    it tests listed."""
    refs: list[tuple[str, str, list[str]]] = []  # segment, element ref, codes tested
    for found in _OWN_TEST.finditer(use.text):
        for pred in _PREDICATE.finditer(found.group(2)):
            refs.append((found.group(1), pred.group(1),
                         [v.strip() for v in pred.group(3).split("|")]))
    last = use.text.rsplit("/", 1)[-1]
    tag = use.tag if "/" not in use.text else use.text.rsplit("/", 2)[-2].split("[")[0]
    tag = tag.split("#")[0] if tag else tag
    if tag and re.fullmatch(r"\d\d(?:-\d+)?", last) and compiled.end_tag is None:
        refs.append((tag, last, []))
    for segment, ref, codes in refs:
        mine, theirs = _element_id(home, segment, ref), _element_id(other, segment, ref)
        if mine is None:
            continue
        if mine != theirs:
            miss(f"{segment} {ref} is {mine} in {home.version}, {theirs or 'nothing'} "
                 f"in {other.version}", "element")
            continue
        gone = _codes_missing(other, mine, codes)
        if gone:
            miss(f"{other.version} lists no {', '.join(gone)} in {mine} ({segment} {ref})",
                 "code")


@dataclass(slots=True)
class Reading:
    """For one message and directory: the misses of each candidate mapping, the
    segments of the directory each mapping's structure has no place for, and the
    mapping chosen: fewest such segments and structural misses together (the
    message is placed into the mapping's structure: a segment without a place
    there is lost, or worse, closes the group that holds it; a path that misses
    reads nothing), then fewest structural misses, then fewest misses in all,
    then the mapping whose directory is nearest in time."""

    message: str
    version: str
    misses: dict[str, list[Miss]]
    unplaced: dict[str, list[str]]
    chosen: str


def unplaced(home: GroupNode, other: GroupNode) -> list[str]:
    """The segments ``other`` has where ``home`` has none at the same place (see
    :func:`group_counterparts`): what a message of ``other`` may carry that the
    mapping's structure, which the message is placed into, has no place for.
    A group without a counterpart counts as its trigger."""
    back = group_counterparts(other, home)
    found: list[str] = []

    def walk(group: GroupNode, where: str) -> None:
        mine = back[id(group)]
        held = {c.tag for c in mine.children if isinstance(c, SegmentNode)} \
            if mine is not None else set()
        for child in group.children:
            if isinstance(child, SegmentNode):
                if child.tag not in held:
                    found.append(f"{where}{child.tag}")
            elif back[id(child)] is None:
                found.append(f"{where}{child.id}({child.trigger})")
            else:
                walk(child, f"{where}{child.id}/")

    walk(other, "")
    return found


def _year(version: str) -> float:
    """D96A -> 1996.0, D01B -> 2001.5: the order and distance of directories."""
    two = int(version[1:3])
    return (1900 if two >= 90 else 2000) + two + {"A": 0.0, "B": 0.5, "C": 0.75}[version[3]]


def choose(message: str, version: str, candidates: list[MappingPaths]) -> Reading:
    other = load_directory("edifact", version)
    if other is None or message not in other.messages:
        return Reading(message, version, {}, {}, "")
    misses = {m.version: compare(m, version) for m in candidates}
    lost: dict[str, list[str]] = {}
    for m in candidates:
        lost[m.version] = unplaced(m.directory.messages[message].structure,
                                   other.messages[message].structure)

    def rank(m: MappingPaths) -> tuple[int, int, int, float]:
        found = misses[m.version]
        structural = sum(x.kind != "code" for x in found)
        return (len(lost[m.version]) + structural, structural, len(found),
                abs(_year(m.version) - _year(version)))

    best = min(candidates, key=rank)
    return Reading(message, version, misses, lost, best.version)


def inbound_files(root: Path = DEFAULT_ROOT) -> list[Path]:
    return sorted((root / "edifact").glob("*/*.in.yaml"))


def readings(root: Path = DEFAULT_ROOT) -> list[Reading]:
    """Every inbound EDIFACT message against every EDIFACT directory that ships."""
    by_message: dict[str, list[MappingPaths]] = {}
    for path in inbound_files(root):
        found = read_paths(path, root)
        by_message.setdefault(found.message, []).append(found)
    out = []
    for message, candidates in sorted(by_message.items()):
        for version in directories():
            out.append(choose(message, version, candidates))
    return out


def ranges(chosen: Iterable[str], every: list[str]) -> str:
    """``D02B-D24A, D96B``: the versions of ``chosen`` as runs of ``every``."""
    wanted = set(chosen)
    runs: list[list[str]] = []
    for version in every:
        if version in wanted:
            if runs and runs[-1][-1] == every[every.index(version) - 1]:
                runs[-1].append(version)
            else:
                runs.append([version])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def directories() -> list[str]:
    """The EDIFACT directories that ship, oldest first."""
    return sorted((v for v in versions("edifact") if v[:1] == "D" and v[1:3].isdigit()),
                  key=_year)


def report(rows: list[Reading], listed: dict[tuple[str, str], str]) -> list[str]:
    """The table of which mapping reads which directories, then what each misses."""
    every = directories()
    lines = ["| message | mapping | directories | listed now |", "|---|---|---|---|"]
    by: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        if row.chosen:
            by.setdefault((row.message, row.chosen), []).append(row.version)
    for (message, mapping), found in sorted(by.items()):
        now = [v for v in found if listed.get((message, v)) == mapping]
        lines.append(f"| {message} | {mapping} | {ranges(found, every)} | "
                     f"{ranges(now, every) or '-'} |")
    lines += ["", "What the chosen mapping misses (its paths against the directory):", ""]
    missed: dict[tuple[str, str, str, str, str], list[str]] = {}
    for row in rows:
        for m in row.misses.get(row.chosen, []):
            reason = m.reason.replace(row.version, "the directory")
            missed.setdefault((row.message, row.chosen, m.kind, m.path, reason),
                              []).append(row.version)
    for (message, mapping, kind, path, reason), found in sorted(missed.items()):
        lines.append(f"- {message} ({mapping}) {ranges(found, every)} [{kind}] "
                     f"{path or '-'}: {reason}")
    lines += ["", "Segments of the directory the chosen mapping's structure has no place for:",
              ""]
    lost: dict[tuple[str, str, str], list[str]] = {}
    for row in rows:
        for where in row.unplaced.get(row.chosen, []):
            lost.setdefault((row.message, row.chosen, where), []).append(row.version)
    for (message, mapping, where), found in sorted(lost.items()):
        lines.append(f"- {message} ({mapping}) {ranges(found, every)}: {where}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gateway.mapping.directories",
        description="Which inbound EDIFACT mapping reads each directory, and what it misses.")
    parser.parse_args(argv)
    listed = {(m.message, v): m.version for p in inbound_files()
              for m in [read_paths(p)] for v in [m.version, *m.also]}
    print("\n".join(report(readings(), listed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
