"""Decoded text to segments, one interchange's delimiters at a time.

The lexer finds where each interchange starts (UNA, UNB, ISA, or a bare
message), takes its delimiters from the envelope (:mod:`gateway.edi.delimiters`
reads them from a header's text), and splits the text into :class:`Segment`
values in batches. It works on a stream of text chunks, so a large file never
has to be in memory whole, and it records line and column for every segment,
and the layout a writer needs to give the bytes back (:class:`Layout`: the
blanks and line breaks between segments where they are irregular, wrapped
lines, needless release characters, an ISA's field widths). X12 binary
segments (BIN) are read by their length, whatever their data holds.

Speed comes from letting ``str.split`` do the work and doing as little as
possible per segment in Python: release characters, repetition separators and
line-wrapped segments are looked for once per chunk with C-level scans, and
only the chunks that have them take the careful path. The lexer knows nothing
of groups or messages; :mod:`gateway.edi.reader` assembles those.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import repeat

from gateway.edi.delimiters import (
    EDIFACT_DEFAULT,
    HEADER_WINDOW,
    ISA_LENGTH,
    ISA_WIDTHS,
    UNA_LENGTH,
    Delimiters,
    bare_x12_delimiters,
    isa_delimiters,
    una_delimiters,
    unb_delimiters,
)
from gateway.edi.issues import Code, Issue, Location
from gateway.edi.tree import Components, Layout, Segment

EDIFACT = "edifact"
X12 = "x12"

# Segments lexed per batch: at most RUN, and fewer where segments are large, so
# that what one run allocates stays within a young collection's threshold (see
# Lexer._fast).
RUN = 1000
_MIN_RUN = 16

# What a piece's tag makes it; _BLANK is whitespace between terminators, _BINARY a
# segment whose last element is binary data of the length the one before gives.
_ORDINARY, _START, _END, _ODD, _BLANK, _BINARY = range(6)
# X12 segments of binary data: BIN01 is the length in bytes, BIN02 the data.
BINARY_TAGS = {X12: frozenset({"BIN"}), EDIFACT: frozenset[str]()}
_KIND_CACHE = 4096
# Tags that start and end an interchange, per standard: in an EDIFACT file "ISA"
# is just an unknown segment, and the other way round.
_STARTS = {EDIFACT: frozenset({"UNA", "UNB"}), X12: frozenset({"ISA"})}
_ENDS = {EDIFACT: frozenset({"UNZ"}), X12: frozenset({"IEA"})}
_TRAILING = " \t\r\n\x1a"  # what may follow the last segment: blanks, a DOS end-of-file mark
# Terminators that end a line: an empty piece between two of them is a blank line.
_LINE_TERMINATORS = "\r\n\x85"
_LINE_BREAKS = re.compile(r"[\r\n]+")
# Layout between segments: what str.lstrip() takes off a piece, and a DOS end-of-file mark.
_LAYOUT_RUN = re.compile(r"[\s\x1a]*")
_HEADER_AT_LINE_START = {
    EDIFACT: re.compile(r"(?:^|[\r\n])[ \t]*(UNA|UNB)"),
    X12: re.compile(r"(?:^|[\r\n])[ \t]*(ISA)"),
}


@dataclass(slots=True)
class Start:
    """An interchange begins: its standard, delimiters and where.

    ``fatal`` means the header could not be read: the lexer skips to the next
    interchange and the batch carries no segments.
    """

    standard: str
    delimiters: Delimiters
    line: int
    column: int
    service_string: str | None = None
    issues: list[Issue] = field(default_factory=list)
    fatal: bool = False


@dataclass(slots=True)
class Batch:
    """Segments lexed with one interchange's delimiters; ``start`` is set on the
    first batch of each interchange."""

    start: Start | None
    segments: list[Segment]
    issues: list[Issue]


def _kind(tag: str, standard: str) -> int:
    if tag in _STARTS[standard]:
        return _START
    if tag in _ENDS[standard]:
        return _END
    if tag in BINARY_TAGS[standard]:
        return _BINARY
    return _ORDINARY if is_tag(tag) else _ODD


def is_tag(tag: str) -> bool:
    """Segment tags are two or three ASCII letters or digits."""
    return 2 <= len(tag) <= 3 and tag.isalnum() and tag.isascii()


class Lexer:
    """Lexes a stream of decoded text chunks of one standard into batches."""

    def __init__(self, chunks: Iterable[str], standard: str, encoding: str = "utf-8") -> None:
        self._chunks = iter(chunks)
        self._standard = standard
        self._encoding = encoding  # binary data is measured in its bytes
        self._starts = _STARTS[standard]
        self._eof = False
        # Text not yet split into pieces (detection works here).
        self._buf = ""
        # Complete pieces of self._text split at the terminator, and the unsplit rest.
        self._text = ""
        self._pieces: list[str] = []
        self._k = 0
        self._off = 0
        self._tail = ""
        # Input read past self._text to see what follows an interchange trailer; it
        # is the end of self._tail, still to be split.
        self._peeked = ""
        # Position of the next unread character.
        self._pos = 0
        self._line = 1
        self._line_start = 0
        self._newline = "\n"
        self._fresh = True  # no segment lexed yet in the current interchange
        self._sep = ""
        self._specials: tuple[str, ...] = ()
        self._trailing = False  # the current text may hold trailing separators
        self._kinds: dict[str, int] = {}
        self._lead_newlines = 0
        self._run = RUN
        self.line_ending: str | None = None
        # The layout (line breaks, blanks, a DOS end-of-file mark; "" for none) after
        # the interchange trailer that ended the last batch, up to what comes next;
        # None when the last batch ended no interchange.
        self.end_break: str | None = None
        # Layout before the first interchange, and after the last segment at the end
        # of the input (None until the end is reached).
        self.lead = ""
        self.trailing: str | None = None
        # Where each segment's layout comes from (see _place_layout): what follows
        # the terminator before piece 0 of the current text, beyond the terminator;
        # whether the layout before the next segment is its own (not the end of
        # the interchange before, nor text before the first header); the layout of
        # blank pieces since the last segment; the layout taken off the end of the
        # input; and whether the current run met leading layout or blank pieces.
        self._lead_sep = ""
        self._owned = False
        self._carry = ""
        self._eof_layout = ""
        self._odd_layout = False
        self._blank_lines = False  # the terminator is a line break: "" is a blank line
        self._split_to_end = False  # the text was split with all of the input read

    # -- reading text --------------------------------------------------------

    def _read(self) -> str | None:
        if self._eof:
            return None
        try:
            chunk = next(self._chunks)
        except StopIteration:
            self._eof = True
            return None
        if self._pos == 0 and not self._buf and "\n" not in chunk and "\r" in chunk:
            self._newline = "\r"  # bare CR line ends
        return chunk

    def _fill(self, at_least: int) -> None:
        while len(self._buf) < at_least:
            chunk = self._read()
            if chunk is None:
                return
            self._buf += chunk

    def _advance(self, text: str) -> None:
        count = text.count(self._newline)
        if count:
            self._line += count
            self._line_start = self._pos + text.rfind(self._newline) + 1
        self._pos += len(text)

    def _consume(self, n: int) -> str:
        taken, self._buf = self._buf[:n], self._buf[n:]
        self._advance(taken)
        return taken

    def _skip_whitespace(self) -> str:
        """Consume the whitespace at the start of the buffer; return it."""
        skipped = ""
        while True:
            stripped = self._buf.lstrip()
            if len(stripped) != len(self._buf):
                skipped += self._consume(len(self._buf) - len(stripped))
            if self._buf:
                return skipped
            chunk = self._read()
            if chunk is None:
                return skipped
            self._buf = chunk

    def _here(self) -> tuple[int, int]:
        return self._line, self._pos - self._line_start + 1

    # -- interchanges ----------------------------------------------------------

    def batches(self) -> Iterator[Batch]:
        """Every interchange's batches, in file order."""
        while True:
            self._fill(HEADER_WINDOW)
            at_start = self._pos == 0
            skipped = self._skip_whitespace()
            if at_start:
                self.lead = skipped
            if not self._buf:
                return
            self._fill(HEADER_WINDOW)
            stray = self._skip_stray_prefix()
            if stray is not None:
                yield Batch(None, [], [stray])
            before = (self._pos, len(self._buf))
            start, header = self._detect_start()
            # After a UNA or an ISA, the layout before the next segment is its own;
            # before a UNB or a bare message it belongs to what came before.
            self._owned = start.service_string is not None or header is not None
            self._carry = ""
            if start.fatal:
                yield Batch(start, [], [])
                self._skip_to_next_interchange()
                continue
            yield from self._interchange(start, header)
            if (self._pos, len(self._buf)) == before and self._buf:
                # Nothing could be read from here: report the rest rather than loop.
                yield Batch(None, [], [self._stray_rest()])

    def _stray_rest(self) -> Issue:
        line, column = self._here()
        rest = self._buf
        self._consume(len(rest))
        while (chunk := self._read()) is not None:
            self._advance(chunk)
        return Issue.of(Code.STRAY_DATA, f"The rest of the file cannot be read as "
                        f"{self._standard.upper()} and was skipped: {rest.strip()[:40]!r}.",
                        Location(line=line, column=column, value=rest.strip()[:40]))

    def _skip_stray_prefix(self) -> Issue | None:
        """Skip text before the first interchange header that is not segments
        (a banner, a mail header, padding), reporting it."""
        buf = self._buf
        if buf[:3] in self._starts or (self._standard == X12 and buf[:3] in ("GS*", "ST*")):
            return None
        if self._standard == EDIFACT and re.match(r"[A-Z][A-Z0-9]{2}[+\x1d]", buf):
            return None  # bare segments: lexed as a message without envelope
        found = _HEADER_AT_LINE_START[self._standard].search(buf, 0, HEADER_WINDOW)
        if found is None:
            return None
        line, column = self._here()
        skipped = self._consume(found.start(1))
        return Issue.of(
            Code.STRAY_DATA,
            f"{len(skipped)} characters before the interchange header are not EDI and "
            f"were skipped: {skipped.strip()[:40]!r}.",
            Location(line=line, column=column, value=skipped.strip()[:40]),
        )

    def _detect_start(self) -> tuple[Start, Segment | None]:
        if self._standard == X12:
            return self._start_x12()
        return self._start_edifact()

    def _fatal(self, code: Code, message: str, **where: object) -> Start:
        line, column = self._here()
        issue = Issue.of(code, message, Location(line=line, column=column,
                                                 **where))  # type: ignore[arg-type]
        return Start(self._standard, EDIFACT_DEFAULT, line, column, issues=[issue], fatal=True)

    def _start_edifact(self) -> tuple[Start, Segment | None]:
        line, column = self._here()
        buf = self._buf
        if buf.startswith("UNA"):
            if len(buf) < UNA_LENGTH:
                return self._fatal(Code.BAD_SERVICE_STRING,
                                   "The UNA service string advice is cut short."), None
            una = buf[:UNA_LENGTH]
            found = una_delimiters(una)
            if isinstance(found, str):
                return self._fatal(
                    Code.BAD_SERVICE_STRING,
                    f"The UNA service string advice {una!r} is unusable: {found}.",
                ), None
            self._consume(UNA_LENGTH)
            return Start(EDIFACT, found, line, column, service_string=una), None
        if buf.startswith("UNB"):
            return Start(EDIFACT, unb_delimiters(buf), line, column), None
        # A bare message, or a message body: default delimiters and no envelope.
        return Start(EDIFACT, EDIFACT_DEFAULT, line, column), None

    def _start_x12(self) -> tuple[Start, Segment | None]:
        line, column = self._here()
        buf = self._buf
        if buf.startswith(("GS", "ST")) and buf[2:3] and not buf[2].isalnum():
            return Start(X12, bare_x12_delimiters(buf), line, column), None
        if not buf.startswith("ISA"):
            shown = buf[:24].splitlines()[0] if buf.strip() else buf[:24]
            return self._fatal(Code.BAD_HEADER,
                               f"An X12 interchange must start with ISA; found {shown!r}."), None
        found = isa_delimiters(buf)
        raw_length: int | None = None
        text = buf
        if isinstance(found, str) or _has_line_break(buf[: found[1] - 1]):
            # A hard-wrapped ISA: read it with the line breaks taken out.
            flat, raw_length = _unwrapped_isa(buf)
            if flat is not None:
                found, text = isa_delimiters(flat), flat
        if isinstance(found, str):
            return self._fatal(Code.BAD_HEADER, f"The ISA header is unreadable: {found}.",
                               segment="ISA"), None
        delims, length, standard_shape = found
        problem = delims.conflicts()
        if problem:
            return self._fatal(
                Code.DELIMITER_CONFLICT,
                f"The ISA header's delimiters cannot work together: {problem} "
                f"(element {delims.element!r}, component {delims.component!r}, "
                f"terminator {delims.segment!r}).",
                segment="ISA", element=16, value=delims.component,
            ), None
        start = Start(X12, delims, line, column)
        if not standard_shape:
            start.issues.append(Issue.of(
                Code.NONSTANDARD_ISA,
                f"The ISA header is {length} characters long instead of {ISA_LENGTH}; "
                "its delimiters were found by counting its sixteen elements.",
                Location(segment="ISA", line=line, column=column),
            ))
        if raw_length is not None and text is not buf:
            start.issues.append(Issue.of(
                Code.WRAPPED_SEGMENT,
                "Line breaks inside the ISA header were taken as wrapping and removed.",
                Location(segment="ISA", line=line, column=column),
            ))
            length_in_buf = _raw_length(buf, length)
            extras = _unwrap(buf[: length_in_buf - 1])[1]
        else:
            length_in_buf = length
            extras = ()
        header = isa_segment(text[: length - 1], delims, line, column)
        if extras:
            header.layout = (header.layout or Layout()).but(extras=extras)
        self._consume(length_in_buf)
        return start, header

    def _skip_to_next_interchange(self) -> None:
        """After an unreadable header, drop text up to the next interchange header:
        one that starts a segment (at a line start or after a non-alphanumeric
        character), not the header this interchange itself goes on with."""
        if self._standard == X12:
            markers: tuple[str, ...] = ("ISA",)
        else:
            markers = ("UNA", "UNB")
            if self._buf.startswith("UNA"):
                # The unusable UNA's own UNB is no new interchange.
                self._consume(min(UNA_LENGTH, len(self._buf)))
                self._skip_whitespace()
                self._fill(HEADER_WINDOW)
                if self._buf.startswith("UNB"):
                    self._consume(3)
        while True:
            found = _next_header(self._buf, markers, complete=self._eof)
            if found is not None:
                self._consume(found)
                return
            # Keep enough to judge a header that starts near the end of the text.
            self._consume(max(0, len(self._buf) - HEADER_WINDOW))
            chunk = self._read()
            if chunk is None:
                found = _next_header(self._buf, markers, complete=True)
                self._consume(len(self._buf) if found is None else found)
                return
            self._buf += chunk

    # -- segments --------------------------------------------------------------

    def _interchange(self, start: Start, header: Segment | None) -> Iterator[Batch]:
        """Batches of one interchange, and of the following ones while their
        delimiters stay the same (so a mailbag of many small interchanges is
        split once, not once per interchange)."""
        d = start.delimiters
        pending: Start | None = start
        carried = [header] if header is not None else []
        self._fresh = True
        self._blank_lines = d.segment in _LINE_TERMINATORS
        self._split(d, fresh=True)
        while True:
            if pending is not None:
                # Each interchange keeps its own layout: a mailbag may mix them.
                self.line_ending = self._line_ending_from(d, self._off)
            segments, issues, stop = self._lex(d)
            if carried:
                segments[:0] = carried
                carried = []
            if segments or issues or pending is not None:
                yield Batch(pending, segments, issues)
                pending = None
            if stop == "start":
                nxt = self._continue_start(d)
                if nxt is None:
                    self._unsplit(d)
                    return  # new delimiters: detection starts over on the rest
                pending, header_seg = nxt
                self._fresh = True
                if header_seg is not None:
                    carried = [header_seg]
                continue
            if self._k < len(self._pieces):
                continue
            if self._split_to_end or not self._split(d, fresh=False):
                self.trailing = self._carry + self._eof_layout
                if self._tail.strip("\x1a \t\r\n"):  # DOS end-of-file marks are not data
                    head = self._tail.lstrip()[:3]
                    # Detection consumes UNA and ISA, and a UNB after segments is a new
                    # interchange; anything else here would restart without progress.
                    if head in self._starts and (head != "UNB" or not self._fresh):
                        # The last interchange has other delimiters and no terminator of ours.
                        self._buf, self._tail, self._peeked = self._tail, "", ""
                        return
                    yield Batch(None, *self._unterminated(d))
                return

    def _split(self, d: Delimiters, *, fresh: bool) -> bool:
        """Split buffered text (and more input) into pieces; False at end of input.

        Where every terminator is followed by the same line break, the text is
        split at terminator and line break together, so the hot loop sees no
        leading whitespace and counts one line per segment.
        """
        text = self._buf if fresh else self._tail
        self._buf = self._peeked = ""
        # Piece 0 follows the last separator of the text before, or a header.
        self._lead_sep = "" if fresh else self._sep[len(d.segment):]
        self._eof_layout = ""
        while True:
            chunk = self._read()
            if chunk is not None:
                text += chunk
            if d.segment in text or chunk is None:
                break
        if not text:
            self._reset_pieces()
            return False
        sep = self._separator(text, d)
        pieces = text.split(sep)
        tail = "" if self._eof else pieces.pop()
        # Only a release character right before a separator escapes a terminator.
        if d.release and d.release + sep in text:
            pieces = _merge_released(pieces, sep, d.release)
            if pieces and not self._eof and _ends_released(pieces[-1], d.release):
                tail = pieces.pop() + sep + tail
        binary = BINARY_TAGS[self._standard]
        if binary and any(tag + d.element in text for tag in binary):
            pieces, tail = self._join_binary(pieces, tail, sep, d)
        if self._eof and pieces:
            last = pieces[-1].rstrip(_TRAILING)
            if not last.strip():
                # Whitespace after the last terminator.
                self._eof_layout = (sep[len(d.segment):] if len(pieces) > 1
                                    else self._lead_sep) + pieces.pop()
            elif last.endswith(d.segment) and not (
                d.release and _ends_released(last[: -len(d.segment)], d.release)
            ):
                self._eof_layout = pieces[-1][len(last):]
                pieces[-1] = last[: -len(d.segment)]  # terminated, no final line break
            elif sep == d.segment or d.segment not in last:
                tail = pieces.pop()  # the last segment has no terminator
        self._text, self._pieces, self._k, self._off, self._tail = text, pieces, 0, 0, tail
        self._split_to_end = self._eof
        self._sep = sep
        self._specials = tuple(
            c for c in (d.release, d.repetition) if c is not None and c in text)
        self._trailing = _may_trail(text, d, self._standard)
        return True

    def _join_binary(self, pieces: list[str], tail: str, sep: str,
                     d: Delimiters) -> tuple[list[str], str]:
        """Pieces with each binary segment whole: its data is as many bytes as its
        first element says, whatever they hold, terminators and line breaks
        included, so the pieces its data was split into are joined again. A
        segment whose data goes on past the text read so far goes back to the
        tail, to be split again with more input."""
        joined: list[str] = []
        index = 0
        while index < len(pieces):
            piece = pieces[index]
            index += 1
            body = piece.lstrip()
            tag, found, rest = body.partition(d.element)
            count, found_count, _data = rest.partition(d.element)
            if not (found and found_count and tag in BINARY_TAGS[self._standard]
                    and count.isdigit()):
                joined.append(piece)
                continue
            start = len(piece) - len(body) + len(tag) + len(count) + 2
            need = int(count)
            while self._byte_length(piece[start:]) < need and index < len(pieces):
                piece += sep + pieces[index]
                index += 1
            if self._byte_length(piece[start:]) < need and not self._eof:
                return joined, piece + sep + tail
            joined.append(piece)
        return joined, tail

    def _byte_length(self, text: str) -> int:
        return len(text.encode(self._encoding, errors="surrogateescape"))

    def _separator(self, text: str, d: Delimiters) -> str:
        ending = _line_ending(text, d)
        if not ending:
            return d.segment
        joined = d.segment + ending
        missing = text.count(d.segment) - text.count(joined)
        if missing == 0:
            return joined
        # Only the last terminator may lack the line break, where nothing but what may
        # end a file follows it (the end of the file or of the chunk); one followed by
        # the next interchange's header must be split at.
        last = text.rfind(d.segment)
        if missing == 1 and not text.startswith(joined, last) and not text[
                last + len(d.segment):].strip(_TRAILING):
            return joined
        return d.segment

    def _reset_pieces(self) -> None:
        self._pieces, self._k, self._tail, self._text, self._off = [], 0, "", "", 0
        self._peeked = ""

    def _unsplit(self, d: Delimiters) -> None:
        """Give the unlexed pieces back to the detection buffer."""
        # The text itself, not the pieces joined again: joining would add the
        # terminator and line break that the end of the input never had.
        self._buf = self._text[self._off:] + self._peeked
        self._reset_pieces()

    def _unterminated(self, d: Delimiters) -> tuple[list[Segment], list[Issue]]:
        """The text after the last terminator at end of input, lexed with a warning."""
        tail = self._tail
        self._tail = self._peeked = ""
        body = tail.lstrip()
        lead = tail[: len(tail) - len(body)]
        self._advance(lead)
        line, column = self._here()
        self._advance(body)
        content = body.rstrip("\r\n\x1a")
        raw, wraps = _unwrap(content) if d.segment not in "\r\n" else (content, ())
        elements, repeats, problem = split_segment(raw, d)
        tag = elements[0][0] if elements else ""
        gap = self._carry + (self._sep[len(d.segment):] if self._pieces else self._lead_sep) \
            + lead
        owned = self._owned and gap != (self.line_ending or "")
        layout = Layout(before=gap if owned else None, extras=_extras(raw, d, wraps),
                        terminated=False)
        seg = Segment(tag, elements[1:], line, column, repeats, layout=layout)
        self._carry, self._owned = "", True
        # What follows it ends the file; an interchange it closes ends with it.
        self.trailing = self.end_break = body[len(content):]
        issues = []
        if wraps:
            issues.append(Issue.of(
                Code.WRAPPED_SEGMENT,
                "Line breaks inside the segment were taken as wrapping and removed.",
                Location(segment=tag[:20], line=line, column=column)))
        if problem:
            issues.append(Issue.of(problem[0], problem[1],
                                   Location(segment=tag[:20], line=line, column=column)))
        if d.segment not in "\r\n":  # a missing newline at the very end is no problem
            issues.append(Issue.of(
                Code.UNTERMINATED,
                f"The last segment {tag[:20]!r} is not ended by the terminator "
                f"{d.segment!r}.",
                Location(segment=tag[:20], line=line, column=column),
            ))
        return [seg], issues

    def _continue_start(self, d: Delimiters) -> tuple[Start, Segment | None] | None:
        """At a new interchange header inside the current pieces: its Start when
        its delimiters match ``d``, or ``None`` when detection must start over."""
        piece = self._pieces[self._k]
        body = piece.lstrip()
        lead = len(piece) - len(body)
        self._advance(piece[:lead])
        self._pieces[self._k] = body
        self._off += lead
        line, column = self._here()
        # The layout before the header is the end of the interchange before; after a
        # UNA or an ISA, the layout before the next segment is that one's own.
        self._carry = ""
        if body.startswith("UNA"):
            una = (body + d.segment)[:UNA_LENGTH]
            if una_delimiters(una) != d or len(body) + 1 != UNA_LENGTH:
                return None
            self._skip_piece(body)
            self._owned = True
            return Start(EDIFACT, d, line, column, service_string=una), None
        if body.startswith("UNB"):
            if unb_delimiters(body + d.segment) != d:
                return None
            self._owned = False
            return Start(EDIFACT, d, line, column), None
        # ISA: the piece is the whole header only if it ends where its terminator is ours.
        isa = isa_delimiters(body + d.segment)
        if isinstance(isa, str) or isa[0] != d or isa[1] != len(body) + 1:
            return None
        header = isa_segment(body, d, line, column)
        start = Start(X12, d, line, column)
        if not isa[2]:
            start.issues.append(Issue.of(
                Code.NONSTANDARD_ISA,
                f"The ISA header is {isa[1]} characters long instead of {ISA_LENGTH}; "
                "its delimiters were found by counting its sixteen elements.",
                Location(segment="ISA", line=line, column=column),
            ))
        self._skip_piece(body)
        self._owned = True
        return start, header

    def _skip_piece(self, body: str) -> None:
        """Move past the current piece, already handled as a header."""
        self._advance(body + self._sep)
        self._off += len(body) + len(self._sep)
        self._k += 1

    def _lex(self, d: Delimiters) -> tuple[list[Segment], list[Issue], str | None]:
        """Lex pieces from the current one until they run out or an interchange
        boundary. Returns segments, issues, and ``"start"`` when a new
        interchange header is next (an interchange trailer ends a run, included)."""
        first, off0 = self._k, self._off
        saved = (self._pos, self._line, self._line_start)
        self._odd_layout = False
        segments, issues, lead_newlines, nxt, stop = self._fast(d)
        self._off = off0 + (self._pos - saved[0])
        sep_newlines = self._sep.count(self._newline)
        careful = d.segment != self._newline and self._text.count(
            self._newline, off0, self._off
        ) > lead_newlines + sep_newlines * (nxt - first)
        if careful:
            # Line breaks inside segments: relex this run with per-segment care.
            self._pos, self._line, self._line_start = saved
            segments, issues = self._careful(first, nxt, d)
        le, extra = self.line_ending or "", self._sep[len(d.segment):]
        if (careful or self._odd_layout or not self._owned or self._carry or extra != le
                or (first == 0 and self._lead_sep != le)):
            self._place_layout(first, nxt, segments, d, careful=careful)
        self._k = nxt
        self.end_break = None
        if stop == "end":
            self.end_break = self._layout_after(nxt - 1, d)
            # What follows the trailer is the interchange's, not the next segment's.
            self._owned, self._carry = False, ""
            stop = None
            if nxt < len(self._pieces) and self._pieces[nxt].lstrip()[:3] in self._starts:
                stop = "start"
        return segments, issues, stop

    def _place_layout(self, first: int, end: int, segments: list[Segment], d: Delimiters,
                      *, careful: bool) -> None:
        """Give the segments lexed from pieces ``first`` to ``end`` the layout before
        each (:attr:`Layout.before`) where it is not the interchange's line ending:
        what the separator before the piece held beyond the terminator, the
        piece's leading blanks, and the blank pieces since the segment before.
        A blank piece is one the run took as no segment, by the same rule."""
        le = self.line_ending or ""
        extra = self._sep[len(d.segment):]
        pieces, element, term = self._pieces, d.element, d.segment
        carry, owned = self._carry, self._owned
        index = 0
        for k in range(first, end):
            piece = pieces[k]
            prefix = self._lead_sep if k == 0 else extra
            if careful:
                lead = len(piece) - len(piece.lstrip())
                blank = lead == len(piece)
            else:
                head = piece.split(element, 1)[0]
                lead = len(head) - len(head.lstrip())
                blank = (lead == len(piece) > 0) or (not piece and self._blank_lines)
            if blank:
                carry += prefix + piece + term
                continue
            seg = segments[index]
            index += 1
            gap = carry + prefix + piece[:lead]
            carry = ""
            if not owned:
                owned = True  # the layout before a header belongs to what came before
            elif gap != le:
                seg.layout = Layout(before=gap) if seg.layout is None else \
                    seg.layout.but(before=gap)
        self._carry, self._owned = carry, owned

    def _read_ahead(self) -> bool:
        """Read one more chunk past the text being lexed, into the end of the unsplit
        tail (``self._peeked``); False at the end of the input."""
        chunk = self._read()
        if chunk is None:
            return False
        self._tail += chunk
        self._peeked += chunk
        return True

    def _ahead(self, start: int, count: int) -> str:
        """Up to ``count`` characters of input from ``start`` in the text being lexed,
        reading on past its end where it is too short."""
        size = len(self._text)
        while True:
            have = self._text[start:start + count]
            if len(have) < count:
                at = max(0, start - size)
                have += self._peeked[at:at + count - len(have)]
            if len(have) >= count or not self._read_ahead():
                return have

    def _line_ending_from(self, d: Delimiters, begin: int) -> str:
        """The line break after the first terminator at or after ``begin`` in the
        text being lexed, reading on where needed so that the answer does not
        depend on where the input's chunks end."""
        at = self._text.find(d.segment, begin)
        while at < 0:
            found = self._peeked.find(d.segment, max(0, begin - len(self._text)))
            if found >= 0:
                at = len(self._text) + found
            elif not self._read_ahead():
                return ""
        return _break_at(self._ahead(at + len(d.segment), 2), d)

    def _layout_after(self, k: int, d: Delimiters) -> str:
        """The layout right after the terminator of piece ``k``, the last one lexed
        (``self._off`` is past it and its separator): line breaks, blanks and DOS
        end-of-file marks up to the next character that is none of them. Where it
        runs to the end of the text read so far, more input is read."""
        start = self._off - len(self._sep) - len(self._pieces[k])
        end = start + len(self._pieces[k]) + len(d.segment)
        stop = _layout_end(self._text, end)
        run = self._text[end:stop]
        if stop < len(self._text):
            return run
        at = max(0, end - len(self._text))
        while True:
            stop = _layout_end(self._peeked, at)
            run += self._peeked[at:stop]
            at = stop
            if at < len(self._peeked) or not self._read_ahead():
                return run

    def _fast(
        self, d: Delimiters
    ) -> tuple[list[Segment], list[Issue], int, int, str | None]:
        """The hot loop: plain splits; release characters and repetitions are
        handled only in segments that have them (looked for once per chunk).

        Each piece's tag is classified once per distinct tag through a small
        cache, so an ordinary segment costs one dictionary lookup beyond the
        splits. Where every segment ends its line, lines are counted per piece
        and positions only at the end of the run.

        Returns segments, issues, the line breaks seen before segments, the
        index of the first piece not lexed, and why it stopped.
        """
        pieces = self._pieces
        elem = d.element
        # Each element split at the component separator: map() spares the frame of a
        # list comprehension per segment (Python 3.11 makes one).
        split, comps = str.split, repeat(d.component)
        # Release and repetition characters, where this text has them at all.
        special1 = self._specials[0] if self._specials else ""
        special2 = self._specials[1] if len(self._specials) > 1 else ""
        seplen = len(self._sep)
        newline = self._newline
        by_line = self._sep.endswith(newline)
        kinds = self._kinds
        trailing = self._trailing
        first = self._k
        # Short runs keep the objects the collector must walk afterwards few
        # and cache-warm, and let a streaming consumer free them early.
        last = min(len(pieces), first + self._run)
        # By line, every piece starts a line: positions are piece-relative in the
        # loop and made absolute once, at the end of the run.
        pos, line, line_start = (0, self._line, 0) if by_line else (
            self._pos, self._line, self._line_start)
        segments: list[Segment] = []
        issues: list[Issue] = []
        append = segments.append
        self._lead_newlines = 0
        stop: str | None = None
        nxt = last
        for k in range(first, last):
            piece = pieces[k]
            els = piece.split(elem)
            tag = els[0]
            kind = kinds.get(tag)
            if kind is None:
                kind = _kind(tag, self._standard)
                if len(kinds) < _KIND_CACHE:
                    kinds[tag] = kind
            if kind:
                found = self._odd(piece, els, kind, pos=pos, line=line,
                                  line_start=line_start, issues=issues,
                                  at_start=k == first and not segments)
                if found is None:
                    stop, nxt = "start", k
                    break
                tag, line, piece_line_start, column, kind = found
                if not by_line:
                    line_start = piece_line_start
                if kind == _BLANK:
                    if by_line:
                        line += 1
                    else:
                        pos += len(piece) + seplen
                    continue
                if kind == _END:
                    stop = "end"
                elif kind == _BINARY:
                    body = piece.lstrip()
                    append(self._binary(body, tag, d, line=line, column=column, issues=issues))
                    inside = body.count(newline)
                    if inside:  # line breaks inside the data: the lines after it move on
                        self._lead_newlines += inside
                        line += inside
                        if not by_line:
                            line_start = pos + len(piece) - len(body) + body.rfind(newline) + 1
                    if by_line:
                        line += 1
                    else:
                        pos += len(piece) + seplen
                    continue
            else:
                column = pos - line_start + 1
            if special1 and (special1 in piece or (special2 and special2 in piece)):
                raw = piece.lstrip()
                elements, repeats, problem = split_segment(raw, d)
                extras = _extras(raw, d) if problem or (
                    d.release and d.release + d.decimal in raw) else ()
                append(Segment(tag, elements[1:], line, column, repeats,
                               layout=Layout(extras=extras) if extras else None))
                if problem:
                    issues.append(Issue.of(
                        problem[0], problem[1],
                        Location(segment=tag, line=line, column=column)))
            else:
                del els[0]
                append(Segment(tag, list(map(split, els, comps)), line, column))
            if trailing and tag != "ISA":
                _check_trailing(segments[-1], issues)
            if by_line:
                line += 1
            else:
                pos += len(piece) + seplen
            if stop:
                nxt = k + 1
                break
        if nxt - first >= _MIN_RUN and gc.isenabled():
            # What the run keeps alive: a segment, its element list, one list per element.
            span = sum(map(len, pieces[first:nxt])) + seplen * (nxt - first)
            made = 2 * (nxt - first) + self._text.count(elem, self._off, self._off + span)
            self._size_run(nxt - first, made)
        if by_line:
            pos = self._pos + sum(map(len, pieces[first:nxt])) + seplen * (nxt - first)
            line_start = pos if nxt > first else self._line_start
        if nxt > first:
            self._fresh = False
        self._pos, self._line, self._line_start = pos, line, line_start
        return segments, issues, self._lead_newlines, nxt, stop

    def _binary(self, body: str, tag: str, d: Delimiters, *, line: int, column: int,
                issues: list[Issue]) -> Segment:
        """A binary segment (X12 BIN): its length element and its data, unsplit and
        unescaped. Where the length is no number, the data cannot be told from what
        follows: the segment is read as any other; where the data before the
        terminator is not as long as the length says, that is an error."""
        count, found, data = body[len(tag) + 1:].partition(d.element)
        where = Location(segment=tag, element=2, line=line, column=column)
        if not (found and count.isdigit()):
            elements, repeats, _problem = split_segment(body, d)
            issues.append(Issue.of(
                Code.BINARY_LENGTH,
                f"{tag}01 {count[:20]!r} is not a length in bytes, so the binary data "
                "cannot be told from what follows it; the segment was read as text.",
                replace(where, element=1, value=count[:40])))
            return Segment(tag, elements[1:], line, column, repeats)
        size = self._byte_length(data)
        if size != int(count):
            issues.append(Issue.of(
                Code.BINARY_LENGTH,
                f"{tag}01 gives {int(count)} bytes of binary data, but {size} stand before "
                f"the terminator.", where))
        return Segment(tag, [[count], [data]], line, column)

    def _size_run(self, lexed: int, made: int) -> None:
        """Size the next run from what this one allocated.

        The objects a run makes (a segment, its element list and one list per
        element) count towards the next young collection of the cyclic garbage
        collector. When a run makes more of them than the young generation's
        threshold, that collection comes while the run is still alive and
        walks all of it; kept below, most of a run is freed by its consumer
        before any collection sees it. The lexer only reads the collector's
        settings: whether it runs, and how, is its caller's choice.
        """
        threshold = gc.get_threshold()[0]
        if made <= 0 or threshold <= 0:
            return
        budget = threshold // 2  # the other half is for the reader and the consumer
        self._run = max(_MIN_RUN, min(RUN, lexed * budget // made))

    def _odd(
        self, piece: str, els: list[str], kind: int, *, pos: int, line: int,
        line_start: int, issues: list[Issue], at_start: bool,
    ) -> tuple[str, int, int, int, int] | None:
        """A piece that is not an ordinary segment: leading whitespace, a bad tag,
        or an interchange boundary. Returns its tag, the line and line start
        after its leading whitespace, its column and what it is; ``None`` when a
        new interchange starts here."""
        newline = self._newline
        head = els[0]
        tag = head.lstrip()
        lead = len(head) - len(tag)
        if lead:
            self._odd_layout = True
            nl = head.count(newline, 0, lead)
            if nl:
                self._lead_newlines += nl
                line += nl
                line_start = pos + head.rfind(newline, 0, lead) + 1
            if not tag and len(els) == 1:
                return tag, line, line_start, 1, _BLANK
            kind = _kind(tag, self._standard)
        elif not head and len(els) == 1 and self._blank_lines:
            # A blank line where the terminator is the line break: layout, no segment.
            self._odd_layout = True
            return tag, line, line_start, 1, _BLANK
        column = pos + lead - line_start + 1
        if kind == _ODD and ("\n" in tag or "\r" in tag):
            # A tag that a hard-wrapped line cuts in two: what it is unwrapped; the run
            # is lexed again with care (see _lex). Only a trailer changes the run.
            flat = _LINE_BREAKS.sub("", tag)
            wrapped = _kind(flat, self._standard)
            if wrapped != _ODD:
                return flat, line, line_start, column, _END if wrapped == _END else _ORDINARY
        if kind == _ODD:
            issues.append(_bad_tag(tag, line, column))
            return tag, line, line_start, column, _ORDINARY
        if kind == _START and not (tag == "UNB" and at_start and self._fresh):
            return None
        return tag, line, line_start, column, kind

    def _careful(
        self, first: int, end: int, d: Delimiters
    ) -> tuple[list[Segment], list[Issue]]:
        """Per-segment lexing of a run with line breaks inside segments."""
        segments: list[Segment] = []
        issues: list[Issue] = []
        for k in range(first, end):
            piece = self._pieces[k]
            body = piece.lstrip()
            self._advance(piece[: len(piece) - len(body)])
            line, column = self._here()
            self._advance(body)
            self._advance(self._sep)
            if not body:
                continue
            if body.split(d.element, 1)[0] in BINARY_TAGS[self._standard]:
                segments.append(self._binary(body, body.split(d.element, 1)[0], d, line=line,
                                             column=column, issues=issues))
                continue
            raw, wraps = _unwrap(body)
            if wraps:
                issues.append(Issue.of(
                    Code.WRAPPED_SEGMENT,
                    "Line breaks inside the segment were taken as wrapping and removed.",
                    Location(segment=raw.split(d.element, 1)[0][:20], line=line,
                             column=column),
                ))
            elements, repeats, problem = split_segment(raw, d)
            tag = elements[0][0]
            extras = _extras(raw, d, wraps)
            segments.append(Segment(tag, elements[1:], line, column, repeats,
                                    layout=Layout(extras=extras) if extras else None))
            if self._trailing and tag != "ISA":
                _check_trailing(segments[-1], issues)
            if problem:
                issues.append(Issue.of(problem[0], problem[1],
                                       Location(segment=tag, line=line, column=column)))
            if not is_tag(tag):
                issues.append(_bad_tag(tag, line, column))
        return segments, issues


def _next_header(buf: str, markers: tuple[str, ...], *, complete: bool) -> int | None:
    """Where the first of ``markers`` after the start of ``buf`` begins a segment
    and reads as an interchange header. The text before it belongs to an
    interchange whose delimiters are unknown, so a marker inside a value
    (``N1*ST*ISA DEPOT``, ``FTX+AAI+UNB'``) must not start one. A candidate
    closer to the end of ``buf`` than a header's length is judged only when
    ``buf`` is all there is (``complete``); otherwise it is left for more text."""
    best: int | None = None
    undecided: int | None = None  # a candidate to judge when more text is read
    for marker in markers:
        at = buf.find(marker, 1)
        while at > 0:
            if not buf[at - 1].isalnum():
                verdict = _reads_as_header(buf[at:at + HEADER_WINDOW], complete)
                if verdict is None:
                    undecided = at if undecided is None else min(undecided, at)
                    break
                if verdict:
                    best = at if best is None else min(best, at)
                    break
            at = buf.find(marker, at + 1)
    if undecided is not None and (best is None or undecided < best):
        return None
    return best


# UNB, a separator, a syntax identifier (UNOA, IATB...), a separator, its version.
# Separators may be the level B control characters, which \s would take as blanks.
_UNB_START = re.compile(r"UNB[^A-Za-z0-9 \t\r\n][A-Z]{4}[^A-Za-z0-9 \t\r\n][1-4]"
                        r"[^A-Za-z0-9 \t\r\n]")
# The same cut short by the end of the input, with at least a letter of the identifier.
_UNB_CUT = re.compile(r"UNB[^A-Za-z0-9 \t\r\n][A-Z]{1,4}(?:[^A-Za-z0-9 \t\r\n][1-4]?)?\s*\Z")


def _reads_as_header(text: str, complete: bool) -> bool | None:
    """Whether ``text`` starts with an interchange header: an ISA whose sixteen
    elements are there, a UNA followed by its UNB, or a UNB whose syntax
    identifier and version are in place. ``None`` when it is too short to tell
    and more text may follow. A header cut short by the end of the input counts,
    so that it is reported as its own unreadable interchange, where what is there
    of it reads as one: ISA and its ISA01, or UNB, a separator and a letter of
    the syntax identifier (``REF*ZZ*ISA`` or ``FTX+AAI+UNB'`` at the very end are
    values)."""
    if text.startswith("ISA"):
        if len(text) < ISA_LENGTH and not complete:
            return None
        if len(text) < 7 or text[3] != text[6] or text[3].isspace() or text[3].isalnum():
            return False  # ISA01 is two characters between two element separators
        found = isa_delimiters(text)
        return not isinstance(found, str) or len(text) < ISA_LENGTH
    if text.startswith("UNA"):
        if len(text) < UNA_LENGTH + 4 and not complete:
            return None
        if not isinstance(una_delimiters(text[:UNA_LENGTH]), str):
            return True
        rest = text[UNA_LENGTH:].lstrip()
        return rest.startswith("UNB") or len(rest) < 3  # an unusable UNA before its UNB
    if len(text) < 12:
        return _UNB_CUT.match(text) is not None if complete else None
    return _UNB_START.match(text) is not None


def _has_line_break(text: str) -> bool:
    return "\n" in text or "\r" in text


def _unwrapped_isa(buf: str) -> tuple[str | None, int | None]:
    """The start of ``buf`` without line breaks, when that makes a readable ISA
    whose terminator is not itself a line break."""
    flat = buf[:HEADER_WINDOW].replace("\r", "").replace("\n", "")
    found = isa_delimiters(flat)
    if isinstance(found, str) or found[0].segment in "\r\n":
        return None, None
    return flat, found[1]


def _raw_length(buf: str, flat_length: int) -> int:
    """How many characters of ``buf`` hold ``flat_length`` characters that are not
    line breaks."""
    seen = 0
    for index, ch in enumerate(buf):
        if ch not in "\r\n":
            seen += 1
            if seen == flat_length:
                return index + 1
    return len(buf)


def isa_segment(text: str, d: Delimiters, line: int, column: int) -> Segment:
    """The ISA segment, split at element separators only: ISA11 and ISA16 hold
    the repetition and component separators themselves and must not be split.
    Field widths other than the standard's are kept in its layout."""
    parts = text.split(d.element)[1:]
    widths = tuple(map(len, parts))
    layout = None if widths == ISA_WIDTHS else Layout(widths=widths)
    return Segment("ISA", [[p] for p in parts], line, column, layout=layout)


def _layout_end(text: str, start: int) -> int:
    """Where the layout (blanks, line breaks, DOS end-of-file marks) that starts at
    ``start`` in ``text`` ends."""
    found = _LAYOUT_RUN.match(text, start)
    return found.end() if found is not None else start


def _extras(raw: str, d: Delimiters,
            wraps: tuple[tuple[int, str], ...] = ()) -> tuple[tuple[int, str], ...]:
    """The characters of one segment that carry nothing, for its layout: the line
    breaks ``wraps`` of a hard-wrapped segment (at offsets in ``raw``, which is
    without them) and the release characters the writer would not write (before
    a character that needs no escaping, before the decimal mark, or at the very
    end), each at its offset in the segment as written, in insertion order."""
    rel = d.release
    found: list[tuple[int, int, str]] = [(at, 0, text) for at, text in wraps]
    if rel and rel in raw:
        escaped = {d.segment, d.element, d.component, rel}
        if d.repetition:
            escaped.add(d.repetition)
        at = raw.find(rel)
        while at >= 0:
            if at + 1 < len(raw) and raw[at + 1] in escaped:
                at = raw.find(rel, at + 2)
                continue
            found.append((at, 1, rel))
            at = raw.find(rel, at + 1)
    if not found:
        return ()
    found.sort()
    extras = []
    dropped = 0  # release characters before this point, absent from the written text
    for at, kind, text in found:
        extras.append((at - dropped, text))
        dropped += kind
    return tuple(extras)


def _unwrap(raw: str) -> tuple[str, tuple[tuple[int, str], ...]]:
    """``raw`` without its line breaks, and each run of them with its offset in
    the text without them: the layout of a hard-wrapped segment."""
    extras: list[tuple[int, str]] = []
    removed = 0
    for found in _LINE_BREAKS.finditer(raw):
        extras.append((found.start() - removed, found.group()))
        removed += len(found.group())
    if not extras:
        return raw, ()
    return _LINE_BREAKS.sub("", raw), tuple(extras)


# -- helpers of the lexing loops ----------------------------------------------------


def _bad_tag(tag: str, line: int, column: int) -> Issue:
    return Issue.of(
        Code.INVALID_TAG,
        f"{tag[:20]!r} is not a segment tag (two or three letters or digits).",
        Location(segment=tag[:20], value=tag[:40], line=line, column=column),
    )


def _may_trail(text: str, d: Delimiters, standard: str) -> bool:
    """Whether ``text`` may hold a trailing separator: an element, component or
    repetition separator right before a terminator, or a component or repetition
    separator right before an element separator. A C-level scan per chunk, so
    that only chunks with a hit check their segments one by one."""
    term, elem = d.segment, d.element
    marks = [elem + term]
    for sep in (d.component, d.repetition):
        if sep:
            marks += [sep + term, sep + elem]
    if d.repetition:
        marks.append(d.component + d.repetition)
    hits = sum(text.count(mark) for mark in marks)
    if hits and standard == X12:
        # ISA16 is the component separator itself, right before the terminator,
        # and ISA11 may be the repetition separator: an ISA's own hits don't count.
        at = text.find("ISA" + elem)
        while at >= 0 and hits > 0:
            end = text.find(term, at)
            header = text[at:] if end < 0 else text[at:end + len(term)]
            hits -= sum(header.count(mark) for mark in marks)
            at = text.find("ISA" + elem, at + len(header))
    return hits > 0


def _check_trailing(seg: Segment, issues: list[Issue]) -> None:
    """Note a segment that ends with a separator, or holds a composite or a
    repetition that does: the standards omit separators after the last value
    (EDIFACT syntax error 45 and X12 segment error 10 name it). Partners send
    them often and translators accept them, so it is a warning. The check runs
    only where the chunk's scan found a candidate, on the segment as split, so
    released separators are already values."""
    elements = seg.elements
    where: tuple[int, int | None] | None = None
    if elements and elements[-1] == [""] and not (seg.repeats and len(elements) in seg.repeats):
        where = (len(elements), None)
    else:
        for position, first in enumerate(elements, 1):
            reps = seg.repeats.get(position) if seg.repeats else None
            for comps in reps or (first,):
                if len(comps) > 1 and comps[-1] == "":
                    where = (position, len(comps))
                    break
            if where is None and reps and len(reps) > 1 and reps[-1] == [""]:
                where = (position, None)
            if where is not None:
                break
    if where is None:
        return
    element, component = where
    what = ("composite" if component is not None
            else "repeated element" if seg.repeats and element in seg.repeats else "segment")
    issues.append(Issue.of(
        Code.TRAILING_SEPARATOR,
        f"A separator follows the last value of the {what}; the standards leave it out. "
        "The empty value after it is read as absent.",
        Location(segment=seg.tag, element=element, component=component,
                 line=seg.line, column=seg.column),
    ))


def _ends_released(piece: str, release: str) -> bool:
    """True when ``piece`` ends with an odd run of release characters, so the
    terminator after it was escaped."""
    return (len(piece) - len(piece.rstrip(release))) % 2 == 1


def _merge_released(pieces: list[str], sep: str, release: str) -> list[str]:
    """Re-join pieces split at a terminator that a release character escaped."""
    merged: list[str] = []
    held: str | None = None
    for raw in pieces:
        piece = raw if held is None else held + sep + raw
        held = None
        if piece.endswith(release) and _ends_released(piece, release):
            held = piece
            continue
        merged.append(piece)
    if held is not None:
        merged.append(held)
    return merged


def _line_ending(text: str, d: Delimiters, start: int = 0) -> str:
    """What follows the first terminator at or after ``start``: a line break or nothing."""
    idx = text.find(d.segment, start)
    if idx < 0:
        return ""
    return _break_at(text[idx + 1: idx + 3], d)


def _break_at(after: str, d: Delimiters) -> str:
    """The line break ``after`` starts with, unless it is the terminator itself."""
    for ending in ("\r\n", "\n", "\r"):
        if after.startswith(ending) and d.segment not in ending:
            return ending
    return ""


# Private-use characters stand in for escaped service characters while a
# segment is split; a segment that already holds one takes the slow path.
_HOLD = ("\ue000", "\ue001", "\ue002", "\ue003", "\ue004", "\ue005")


def split_segment(
    raw: str, d: Delimiters
) -> tuple[list[Components], dict[int, list[Components]] | None, tuple[Code, str] | None]:
    """Split one segment honouring release characters and repetitions.

    Returns the tag and elements as component lists (index 0 is the tag; each
    element's first repetition), the repetitions of elements that repeat keyed
    by element position (the tag being 0), and a description of a problem: a
    release character that escapes nothing.
    """
    rel = d.release
    problem: tuple[Code, str] | None = None
    restore: dict[int, str] | None = None
    if rel and rel in raw:
        if any(h in raw for h in _HOLD):
            return _split_by_char(raw, d)
        # Escaped pairs become placeholders, left to right as the standard reads them.
        chars = (rel, d.segment, d.element, d.component, d.repetition or "", d.decimal)
        restore = {}
        for hold, ch in zip(_HOLD, chars, strict=True):
            if ch and (rel + ch) in raw:
                raw = raw.replace(rel + ch, hold)
                restore[ord(hold)] = ch
        if raw.endswith(rel):
            raw = raw[:-1]
            problem = (Code.DANGLING_RELEASE,
                       "The segment ends with a release character that escapes nothing.")
        if rel in raw:
            # A release before an ordinary character: the character stands for itself.
            at = raw.index(rel)
            problem = (Code.NEEDLESS_RELEASE,
                       f"A release character precedes {raw[at + 1:at + 2]!r}, which is not a "
                       "delimiter; it was dropped.")
            raw = raw.replace(rel, "")
    rep = d.repetition
    repeats: dict[int, list[Components]] | None = None
    first: list[Components] = []
    for pos, element in enumerate(raw.split(d.element)):
        if rep and rep in element and pos:
            reps = [r.split(d.component) for r in element.split(rep)]
            if restore:
                reps = [[c.translate(restore) for c in r] for r in reps]
            if repeats is None:
                repeats = {}
            repeats[pos] = reps
            first.append(reps[0])
        elif restore:
            first.append([c.translate(restore) for c in element.split(d.component)])
        else:
            first.append(element.split(d.component))
    return first, repeats, problem


def _split_by_char(
    raw: str, d: Delimiters
) -> tuple[list[Components], dict[int, list[Components]] | None, tuple[Code, str] | None]:
    """Character-by-character split, for the rare segment that holds the
    placeholder characters :func:`split_segment` relies on."""
    elem, comp, rep, rel = d.element, d.component, d.repetition, d.release
    elements: list[list[Components]] = []
    repetitions: list[Components] = []
    components: Components = []
    chars: list[str] = []
    problem: tuple[Code, str] | None = None
    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        if ch == rel:
            if i + 1 < n:
                chars.append(raw[i + 1])
                i += 2
                continue
            problem = (Code.DANGLING_RELEASE,
                       "The segment ends with a release character that escapes nothing.")
        elif ch == comp:
            components.append("".join(chars))
            chars = []
        elif ch == elem:
            components.append("".join(chars))
            repetitions.append(components)
            elements.append(repetitions)
            chars, components, repetitions = [], [], []
        elif rep is not None and ch == rep and elements:
            components.append("".join(chars))
            repetitions.append(components)
            chars, components = [], []
        else:
            chars.append(ch)
        i += 1
    components.append("".join(chars))
    repetitions.append(components)
    elements.append(repetitions)
    first = [reps[0] for reps in elements]
    repeats = {pos: reps for pos, reps in enumerate(elements) if len(reps) > 1}
    return first, repeats or None, problem
