"""The JSON of ``parse --json`` for an EDI file, written as the file is read.

The document is the one :func:`gateway.edi.jsonform.result_to_json` gives for the
whole tree, key for key and in the same order; its interchanges, groups and
messages come from the reader's stream, each message written as it is read, and
what is known only at an envelope's end (trailers, the line break after an
interchange, the issues) is written when that end has been read. Memory holds
one message and the envelopes around it, and the issues.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gateway.cli.jsonlines import Later
from gateway.edi.detect import Detection
from gateway.edi.issues import Issue
from gateway.edi.jsonform import (
    group_to_json,
    interchange_to_json,
    message_to_json,
    segment_or_none,
)
from gateway.edi.reader import Event, FileProblem, InterchangeRead, MessageRead, issue_order
from gateway.edi.tree import Group, Interchange


class _Ahead:
    """The reader's events with one looked at before it is taken; the issues of
    every event taken, in the reader's order."""

    def __init__(self, events: Iterator[Event]) -> None:
        self._events = events
        self._next: Event | None = None
        self.issues: list[Issue] = []

    def peek(self) -> Event | None:
        while self._next is None:
            event = next(self._events, None)
            if event is None:
                return None
            if isinstance(event, FileProblem):
                self.issues.extend(event.issues)
                continue
            self._next = event
        return self._next

    def take(self) -> Event:
        event = self.peek()
        assert event is not None
        self._next = None
        self.issues.extend(event.issues)
        return event


def streamed_json(events: Iterator[Event], detection: Detection, path: str | None,
                  ) -> tuple[dict[str, Any], list[Issue]]:
    """The document for :func:`gateway.cli.jsonlines.write_json_line`, and the list
    of the issues, whole (and sorted as the whole read sorts them) once written."""
    ahead = _Ahead(events)
    issues: list[Issue] = []

    def sorted_issues() -> list[dict[str, Any]]:
        issues.extend(sorted(ahead.issues, key=issue_order))
        return [issue.to_json() for issue in issues]

    out: dict[str, Any] = {}
    if path is not None:
        out["path"] = path
    out.update({
        "standard": detection.standard,
        "encoding": detection.encoding,
        "bom": detection.bom,
        "interchanges": _interchanges(ahead),
        "issues": Later(sorted_issues),
    })
    return out, issues


def _interchanges(ahead: _Ahead) -> Iterator[dict[str, Any]]:
    while (event := ahead.peek()) is not None:
        if isinstance(event, MessageRead):
            yield _interchange(ahead, event.interchange)
            continue
        ahead.take()
        if isinstance(event, InterchangeRead) and not event.fatal:
            # Nothing of it was streamed: it holds no message.
            yield interchange_to_json(event.interchange)


def _interchange(ahead: _Ahead, ic: Interchange) -> dict[str, Any]:
    out: dict[str, Any] = {
        "delimiters": ic.delimiters.to_json(),
        "service_string": ic.service_string,
        "line_ending": ic.line_ending,
        "header": segment_or_none(ic.header),
        "groups": _groups(ahead, ic),
        # Known once the groups are written, that is once the interchange is read.
        "final_line_ending": Later(lambda: ic.final_line_ending),
        "interchange_segments": Later(lambda: interchange_to_json(ic)["interchange_segments"]),
        "trailer": Later(lambda: segment_or_none(ic.trailer)),
    }
    if ic.lead:
        out["lead"] = ic.lead
    return out


def _groups(ahead: _Ahead, ic: Interchange) -> Iterator[dict[str, Any]]:
    written = 0  # of ic.groups
    while (event := ahead.peek()) is not None:
        if isinstance(event, MessageRead) and event.interchange is ic:
            group = event.group
            # Groups without a message come in the interchange's order before it.
            while written < len(ic.groups) and ic.groups[written] is not group:
                yield group_to_json(ic.groups[written])
                written += 1
            written += 1
            yield _group(ahead, ic, group)
            continue
        if isinstance(event, InterchangeRead) and event.interchange is ic:
            ahead.take()
        break
    for group in ic.groups[written:]:
        yield group_to_json(group)


def _group(ahead: _Ahead, ic: Interchange, group: Group) -> dict[str, Any]:
    return {
        "header": segment_or_none(group.header),
        "messages": _messages(ahead, ic, group),
        "trailer": Later(lambda: segment_or_none(group.trailer)),
    }


def _messages(ahead: _Ahead, ic: Interchange, group: Group) -> Iterator[dict[str, Any]]:
    while True:
        event = ahead.peek()
        if not (isinstance(event, MessageRead) and event.interchange is ic
                and event.group is group):
            return
        ahead.take()
        yield message_to_json(event.message)
