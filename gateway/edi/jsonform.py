"""The syntax tree as JSON and back: the contract of ``parse --json`` and ``write``.

The file: ``standard`` (``edifact`` or ``x12``), ``encoding`` (a Python codec
name), ``bom``, ``interchanges`` and ``issues``.

An interchange: ``delimiters`` (``segment``, ``element``, ``component``,
``repetition``, ``release``, ``decimal``), ``service_string`` (the UNA as sent,
or null), ``header``, ``interchange_segments``, ``groups`` (each ``header``,
``messages``, ``trailer``), ``trailer``, and its layout: ``line_ending`` (what
follows each terminator: ``""``, ``"\n"``, ``"\r\n"`` or ``"\r"``),
``final_line_ending`` (what follows the last terminator where that differs:
line breaks, blanks, a DOS end-of-file mark; else null) and, only where there
is any, ``lead`` (blank text before the file's first interchange).

A message: ``type``, ``version``, ``reference``, ``subset``, ``header``,
``segments``, ``trailer``. Trailers appear as read but are recomputed on
writing.

A segment: ``tag`` and ``elements``. An element is a string (one component), a
list of strings (a composite), or ``{"repetitions": [...]}`` of those (a
repeated element). A segment laid out unlike its neighbours also has a
``layout`` object with only the keys that apply: ``before`` (the text between
the previous terminator and the tag), ``extras`` (``[offset, text]`` pairs:
line breaks of a wrapped segment, release characters that escape nothing, put
back at that offset in the segment as written), ``widths`` (an ISA's sixteen
field widths, where not the standard's) and ``terminated`` (``false`` for a
last segment without terminator). See :class:`gateway.edi.tree.Layout`.

``write`` gives back the bytes read when the JSON is unchanged; ``write
--normalize`` ignores the layout and writes the canonical form. Keys added
later are optional, so older JSON still writes. This module only converts; it
neither reads files nor validates content.
"""

from __future__ import annotations

import codecs
from typing import Any

from gateway.edi.delimiters import ISA_ELEMENT_COUNT, Delimiters
from gateway.edi.reader import ReadResult
from gateway.edi.tree import (
    Components,
    Group,
    Interchange,
    Layout,
    Message,
    Segment,
    is_layout,
)
from gateway.errors import UsageError

JsonElement = str | list[str] | dict[str, list[str | list[str]]]


def _component_json(comps: Components) -> str | list[str]:
    return comps[0] if len(comps) == 1 else list(comps)


def layout_to_json(layout: Layout) -> dict[str, Any]:
    """The keys of a segment's layout that differ from the regular layout."""
    out: dict[str, Any] = {}
    if layout.before is not None:
        out["before"] = layout.before
    if layout.extras:
        out["extras"] = [[offset, text] for offset, text in layout.extras]
    if layout.widths is not None:
        out["widths"] = list(layout.widths)
    if not layout.terminated:
        out["terminated"] = False
    return out


def segment_to_json(seg: Segment) -> dict[str, Any]:
    elements: list[JsonElement] = []
    for pos, comps in enumerate(seg.elements, 1):
        if seg.repeats and pos in seg.repeats:
            elements.append({"repetitions": [_component_json(r) for r in seg.repeats[pos]]})
        else:
            elements.append(_component_json(comps))
    out: dict[str, Any] = {"tag": seg.tag, "elements": elements}
    if seg.layout is not None:
        out["layout"] = layout_to_json(seg.layout)
    return out


def segment_or_none(seg: Segment | None) -> dict[str, Any] | None:
    return None if seg is None else segment_to_json(seg)


_seg = segment_or_none


def message_to_json(msg: Message) -> dict[str, Any]:
    return {
        "type": msg.type,
        "version": msg.version,
        "reference": msg.reference,
        "subset": msg.subset,
        "header": _seg(msg.header),
        "segments": [segment_to_json(s) for s in msg.segments],
        "trailer": _seg(msg.trailer),
    }


def group_to_json(group: Group) -> dict[str, Any]:
    return {
        "header": _seg(group.header),
        "messages": [message_to_json(m) for m in group.messages],
        "trailer": _seg(group.trailer),
    }


def interchange_to_json(ic: Interchange) -> dict[str, Any]:
    # In the order it is read: what the end of the interchange tells comes after its
    # groups, so a streamed reading writes the same text as it goes.
    out = {
        "delimiters": ic.delimiters.to_json(),
        "service_string": ic.service_string,
        "line_ending": ic.line_ending,
        "header": _seg(ic.header),
        "groups": [group_to_json(g) for g in ic.groups],
        "final_line_ending": ic.final_line_ending,
        "interchange_segments": [segment_to_json(s) for s in ic.interchange_segments],
        "trailer": _seg(ic.trailer),
    }
    if ic.lead:
        out["lead"] = ic.lead
    return out


def result_to_json(result: ReadResult, path: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if path is not None:
        out["path"] = path
    out.update({
        "standard": result.standard,
        "encoding": result.detection.encoding,
        "bom": result.detection.bom,
        "interchanges": [interchange_to_json(ic) for ic in result.interchanges],
        "issues": [issue.to_json() for issue in result.issues],
    })
    return out


# -- back from JSON ------------------------------------------------------------


def _components(value: Any, where: str) -> Components:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(c, str) for c in value):
        return list(value)
    raise UsageError(f"{where}: an element must be a string or a non-empty list of strings.")


def layout_from_json(data: Any, where: str) -> Layout | None:
    """A segment's layout from its JSON form; UsageError names what is wrong. What
    the layout text may hold is the writer's to check, as for any tree."""
    if not isinstance(data, dict):
        raise UsageError(f"{where}: 'layout' must be an object.")
    unknown = set(data) - {"before", "extras", "widths", "terminated"}
    if unknown:
        raise UsageError(f"{where}: 'layout' has no key {sorted(unknown)[0]!r}.")
    before = data.get("before")
    if before is not None and not isinstance(before, str):
        raise UsageError(f"{where}: the layout's 'before' must be a string.")
    extras = []
    for item in data.get("extras") or []:
        if not (isinstance(item, list) and len(item) == 2 and type(item[0]) is int
                and item[0] >= 0 and isinstance(item[1], str) and item[1]):
            raise UsageError(f"{where}: each of the layout's 'extras' is [offset, text], "
                             f"an offset of 0 or more and some text, not {item!r}.")
        extras.append((item[0], item[1]))
    widths = data.get("widths")
    if widths is not None and not (isinstance(widths, list) and len(widths) == ISA_ELEMENT_COUNT
                                   and all(type(w) is int and w >= 0 for w in widths)):
        raise UsageError(f"{where}: the layout's 'widths' must be {ISA_ELEMENT_COUNT} widths "
                         "of 0 or more.")
    terminated = data.get("terminated", True)
    if not isinstance(terminated, bool):
        raise UsageError(f"{where}: the layout's 'terminated' must be true or false.")
    return Layout(before, tuple(extras), None if widths is None else tuple(widths),
                  terminated).but()


def segment_from_json(data: Any, where: str = "segment") -> Segment:
    if not isinstance(data, dict) or not isinstance(data.get("tag"), str):
        raise UsageError(f"{where}: a segment is an object with a 'tag' and 'elements'.")
    raw = data.get("elements", [])
    if not isinstance(raw, list):
        raise UsageError(f"{where}: 'elements' must be a list.")
    elements: list[Components] = []
    repeats: dict[int, list[Components]] = {}
    for pos, value in enumerate(raw, 1):
        here = f"{where} {data['tag']} element {pos}"
        if isinstance(value, dict):
            reps = value.get("repetitions")
            if not isinstance(reps, list) or not reps:
                raise UsageError(f"{here}: 'repetitions' must be a non-empty list.")
            parsed = [_components(r, here) for r in reps]
            repeats[pos] = parsed
            elements.append(parsed[0])
        else:
            elements.append(_components(value, here))
    layout = None
    if data.get("layout") is not None:
        layout = layout_from_json(data["layout"], f"{where} {data['tag']}")
    return Segment(data["tag"], elements, repeats=repeats or None, layout=layout)


def _opt_segment(data: Any, where: str) -> Segment | None:
    return None if data is None else segment_from_json(data, where)


def _list(data: dict[str, Any], key: str, where: str) -> list[Any]:
    """``data[key]``, a list (empty when absent)."""
    value = data.get(key, [])
    if not isinstance(value, list):
        raise UsageError(f"{where}: {key!r} must be a list, not {type(value).__name__}.")
    return value


def interchange_from_json(data: Any, standard: str, where: str = "interchange") -> Interchange:
    if not isinstance(data, dict):
        raise UsageError(f"{where}: an interchange is an object.")
    if not isinstance(data.get("delimiters"), dict):
        raise UsageError(f"{where}: 'delimiters' needs segment, element and component.")
    try:
        delims = Delimiters.from_json(data["delimiters"])
    except ValueError as err:
        raise UsageError(f"{where}: {err}.") from err
    line_ending = data.get("line_ending") or ""
    if line_ending not in ("", "\n", "\r\n", "\r"):
        raise UsageError(f"{where}: 'line_ending' is a line break (\\n, \\r\\n or \\r) or "
                         f"empty, not {line_ending!r}.")
    final = data.get("final_line_ending")
    lead = data.get("lead") or ""
    for key, value in (("final_line_ending", "" if final is None else final), ("lead", lead)):
        if not isinstance(value, str) or not is_layout(value, delims):
            raise UsageError(f"{where}: {key!r} is layout (line breaks, blanks, a DOS "
                             f"end-of-file mark) or null, not {value!r}.")
    service_string = data.get("service_string")
    if service_string is not None and not isinstance(service_string, str):
        raise UsageError(f"{where}: 'service_string' must be a string.")
    ic = Interchange(
        standard, delims, _opt_segment(data.get("header"), f"{where} header"),
        service_string=service_string,
        line_ending=line_ending,
        final_line_ending=final,
        lead=lead,
        interchange_segments=[segment_from_json(s, f"{where} interchange segment")
                              for s in _list(data, "interchange_segments", where)],
    )
    for gi, gdata in enumerate(_list(data, "groups", where), 1):
        gwhere = f"{where} group {gi}"
        if not isinstance(gdata, dict):
            raise UsageError(f"{gwhere}: a group is an object.")
        group = Group(_opt_segment(gdata.get("header"), f"{gwhere} header"))
        for mi, mdata in enumerate(_list(gdata, "messages", gwhere), 1):
            mwhere = f"{gwhere} message {mi}"
            if not isinstance(mdata, dict):
                raise UsageError(f"{mwhere}: a message is an object.")
            group.messages.append(Message(
                _opt_segment(mdata.get("header"), f"{mwhere} header"),
                [segment_from_json(s, mwhere) for s in _list(mdata, "segments", mwhere)],
                _opt_segment(mdata.get("trailer"), f"{mwhere} trailer"),
                type=str(mdata.get("type", "")), version=str(mdata.get("version", "")),
                reference=str(mdata.get("reference", "")),
            ))
        group.trailer = _opt_segment(gdata.get("trailer"), f"{gwhere} trailer")
        ic.groups.append(group)
    ic.trailer = _opt_segment(data.get("trailer"), f"{where} trailer")
    return ic


def tree_from_json(data: Any) -> tuple[list[Interchange], str, bool]:
    """Interchanges, encoding and BOM flag from ``parse --json`` output."""
    if not isinstance(data, dict) or data.get("standard") not in ("edifact", "x12"):
        raise UsageError("The JSON must be the output of 'parse --json' for an EDIFACT "
                         "or X12 file (its 'standard' is 'edifact' or 'x12').")
    standard = data["standard"]
    items = data.get("interchanges")
    if not isinstance(items, list):
        raise UsageError("'interchanges' must be a list.")
    ics = [interchange_from_json(d, standard, f"interchange {i}") for i, d in enumerate(items, 1)]
    encoding = str(data.get("encoding") or "utf-8")
    try:
        codecs.lookup(encoding)
    except LookupError as err:
        raise UsageError(f"'encoding' {encoding!r} is not a character set Python knows.") from err
    return ics, encoding, bool(data.get("bom"))
