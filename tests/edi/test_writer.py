"""Writing: escaping, refusals, computed trailers, ISA layout, UNA, exact round trips."""

from __future__ import annotations

import pytest

from gateway.edi.delimiters import (
    EDIFACT_DEFAULT,
    EDIFACT_DEFAULT_V4,
    IS1,
    IS3,
    IS4,
    X12_DEFAULT,
    X12_DEFAULT_REPEATING,
    Delimiters,
)
from gateway.edi.issues import Code
from gateway.edi.reader import read
from gateway.edi.tree import Group, Interchange, Layout, Message, Segment
from gateway.edi.writer import una_for, write, write_interchange
from gateway.errors import WriteError
from tests.edi.snippets import EDIFACT as EDIFACT_TEXT
from tests.edi.snippets import isa, x12, x12_body


def _edifact(body: list[Segment], delimiters: Delimiters = EDIFACT_DEFAULT,
             syntax: str = "3") -> Interchange:
    message = Message(Segment.of("UNH", "1", ["ORDERS", "D", "96A", "UN"]), body)
    return Interchange(
        "edifact", delimiters,
        Segment.of("UNB", ["UNOC", syntax], "S", "R", ["250101", "1200"], "1"),
        groups=[Group(None, [message])],
    )


def _x12(body: list[Segment], delimiters: Delimiters = X12_DEFAULT,
         version: str = "00401", control: str = "000000001") -> Interchange:
    header = Segment.of("ISA", "00", "", "00", "", "ZZ", "SENDER", "ZZ", "RECEIVER",
                        "250101", "1200", "U", version, control, "0", "P", ":")
    message = Message(Segment.of("ST", "850", "0001"), body)
    group = Group(Segment.of("GS", "PO", "S", "R", "20250101", "1200", "1", "X", "004010"),
                  [message])
    return Interchange("x12", delimiters, header, groups=[group])


# -- escaping and refusals ------------------------------------------------------------


def test_edifact_values_are_escaped_with_the_release_character() -> None:
    """Each delimiter and the release character inside a value is preceded by '?'."""
    ic = _edifact([Segment.of("FTX", "AAI", "", "", ["it's 1+1:2?"])])
    text = write_interchange(ic)
    assert "FTX+AAI+++it?'s 1?+1?:2??'" in text
    (msg,) = read(text.encode()).messages()
    assert msg.segments[0].get(4) == "it's 1+1:2?"


def test_edifact_repetition_separator_in_a_value_is_escaped() -> None:
    """In syntax 4 a '*' in a value is written '?*' and repetitions are joined with '*'."""
    seg = Segment("FTX", [["AAI"], ["5*6"]], repeats={2: [["5*6"], ["x", "y"]]})
    text = write_interchange(_edifact([seg], EDIFACT_DEFAULT_V4, syntax="4"))
    assert "FTX+AAI+5?*6*x:y'" in text
    assert not text.startswith("UNA")


def test_escaping_uses_the_interchange_release_character() -> None:
    """With UNA release '!', values are escaped with '!', and '?' is plain data."""
    d = Delimiters(segment="%", element="|", component="#", release="!")
    text = write_interchange(_edifact([Segment.of("FTX", "a|b%c#d!e?f")], d))
    assert "FTX|a!|b!%c!#d!!e?f%" in text


def test_x12_value_holding_a_delimiter_is_refused() -> None:
    """X12 has no release character: a value holding '*' raises WriteError naming the element."""
    ic = _x12([Segment.of("N1", "ST", "STORE*38")])
    with pytest.raises(WriteError, match=r"N1 element 2.*'\*'"):
        write_interchange(ic)


@pytest.mark.parametrize("value", ["A~B", "A:B"])
def test_x12_value_holding_terminator_or_component_is_refused(value: str) -> None:
    """A terminator or component separator inside an X12 value raises WriteError."""
    with pytest.raises(WriteError):
        write_interchange(_x12([Segment.of("REF", "DP", value)]))


def test_repeats_without_a_repetition_separator_are_refused() -> None:
    """A repeated element cannot be written where the interchange has no repetition separator."""
    seg = Segment("REF", [["DP"]], repeats={1: [["DP"], ["IA"]]})
    with pytest.raises(WriteError, match="repetition separator"):
        write_interchange(_x12([seg]))


def test_character_the_charset_cannot_encode_is_refused() -> None:
    """A character outside the target encoding raises WriteError, not UnicodeEncodeError."""
    ic = _edifact([Segment.of("NAD", "BY", "", "", "Łódź")])
    with pytest.raises(WriteError, match="cannot be written in iso8859-1"):
        write([ic], encoding="iso8859-1")


def test_conflicting_delimiters_are_refused() -> None:
    """An interchange whose delimiters clash raises WriteError before anything is written."""
    ic = _edifact([], Delimiters(segment="'", element="+", component="+", release="?"))
    with pytest.raises(WriteError, match="delimiters"):
        write_interchange(ic)


def test_segment_tag_holding_a_delimiter_is_refused() -> None:
    """A tag holding a delimiter would be read back as another segment: WriteError."""
    with pytest.raises(WriteError):
        write_interchange(_edifact([Segment.of("B+M", "220")]))


# -- trailers -----------------------------------------------------------------------------


def test_trailers_are_computed_and_stored_ones_ignored() -> None:
    """UNT, UNE and UNZ are recomputed: wrong stored counts and references are not copied."""
    message = Message(Segment.of("UNH", "M1", ["ORDERS", "D", "96A", "UN"]),
                      [Segment.of("BGM", "220")], Segment.of("UNT", "99", "WRONG"))
    group = Group(Segment.of("UNG", "ORDERS", "S", "R", ["250101", "1200"], "G1"),
                  [message], Segment.of("UNE", "42", "WRONG"))
    ic = Interchange("edifact", EDIFACT_DEFAULT,
                     Segment.of("UNB", ["UNOC", "3"], "S", "R", ["250101", "1200"], "IC1"),
                     groups=[group], trailer=Segment.of("UNZ", "17", "WRONG"))
    text = write_interchange(ic)
    assert text.endswith("UNT+3+M1'UNE+1+G1'UNZ+1+IC1'")
    assert read(text.encode()).issues == []


def test_x12_trailers_are_computed() -> None:
    """SE, GE and IEA are computed from what is written."""
    ic = _x12([Segment.of("BEG", "00", "SA", "PO1")])
    ic.groups[0].messages[0].trailer = Segment.of("SE", "9", "9")
    text = write_interchange(ic)
    assert text.endswith("SE*3*0001~GE*1*1~IEA*1*000000001~")


def test_zero_padded_counts_keep_their_width() -> None:
    """A count read as '0003' or '01' is written zero-padded to the same width."""
    message = Message(Segment.of("ST", "850", "0001"), [Segment.of("BEG", "00")],
                      Segment.of("SE", "0099", "0001"))
    ic = _x12([])
    ic.groups[0].messages = [message]
    ic.groups[0].trailer = Segment.of("GE", "07", "1")
    text = write_interchange(ic)
    assert "SE*0003*0001~GE*01*1~" in text


def test_unpadded_count_is_written_plain() -> None:
    """A count without leading zero is written without padding."""
    message = Message(Segment.of("UNH", "1", "ORDERS"), [], Segment.of("UNT", "7", "1"))
    ic = _edifact([])
    ic.groups[0].messages = [message]
    assert "UNT+2+1'" in write_interchange(ic)


# -- ISA layout ----------------------------------------------------------------------------


def test_isa_is_padded_to_its_fixed_widths() -> None:
    """ISA values are padded to their widths (ISA13 with zeros) so ISA is 106 characters."""
    text = write_interchange(_x12([Segment.of("BEG", "00")], control="7"))
    header = text[:106]
    assert header == isa(control="000000007")
    assert text[106:].startswith("GS*")


def test_iea_reference_matches_the_padded_isa13() -> None:
    """IEA02 repeats ISA13 as written (zero-padded), so the result reads back clean."""
    text = write_interchange(_x12([Segment.of("BEG", "00")], control="7"))
    assert text.endswith("IEA*1*000000007~")
    assert read(text.encode()).issues == []


def test_isa_value_too_long_is_refused() -> None:
    """An ISA value longer than its fixed width raises WriteError."""
    ic = _x12([])
    assert ic.header is not None
    ic.header.elements[5] = ["A-SENDER-LONGER-THAN-FIFTEEN"]
    with pytest.raises(WriteError, match="ISA06"):
        write_interchange(ic)


def test_isa11_and_isa16_name_the_interchange_delimiters() -> None:
    """From 00402, ISA11 is written as the repetition separator and ISA16 as the component one."""
    d = Delimiters(segment="~", element="*", component=">", repetition="^")
    seg = Segment("REF", [["DP"]], repeats={1: [["DP"], ["IA", "x"]]})
    text = write_interchange(_x12([seg], d, version="00501"))
    assert (text[82], text[104], text[105]) == ("^", ">", "~")
    assert "REF*DP^IA>x~" in text
    assert read(text.encode()).issues == []


def test_isa11_stays_the_standards_identifier_before_00402() -> None:
    """Before 00402 ISA11 keeps its value even if the delimiters name a repetition separator."""
    text = write_interchange(_x12([], X12_DEFAULT_REPEATING, version="00401"))
    assert text[82] == "U"


# -- UNA -------------------------------------------------------------------------------------


def test_una_is_emitted_for_non_default_delimiters() -> None:
    """Delimiters other than the syntax defaults are announced with a UNA."""
    d = Delimiters(segment="!", element="|", component="^", release="\\", decimal=",")
    text = write_interchange(_edifact([], d))
    assert text.startswith("UNA^|,\\ !UNB|")
    assert una_for(d) == "UNA^|,\\ !"


@pytest.mark.parametrize(("delimiters", "syntax"), [(EDIFACT_DEFAULT, "3"),
                                                    (EDIFACT_DEFAULT_V4, "4")])
def test_no_una_for_the_syntax_defaults(delimiters: Delimiters, syntax: str) -> None:
    """The defaults of the UNB syntax version need no UNA."""
    assert write_interchange(_edifact([], delimiters, syntax)).startswith("UNB+")


def test_una_is_kept_when_it_was_read() -> None:
    """An interchange read with a UNA (even the default one) is written with it."""
    data = b"UNA:+.? '" + EDIFACT_TEXT.encode()
    assert write(read(data).interchanges, encoding="ascii") == data


# -- layout and files --------------------------------------------------------------------------


def test_line_ending_follows_each_segment() -> None:
    """A line ending given to the writer follows every segment terminator, UNA included."""
    d = Delimiters(segment="'", element="+", component=":", release="!")
    text = write_interchange(_edifact([Segment.of("BGM", "220")], d), line_ending="\r\n")
    lines = text.split("\r\n")
    assert lines[0] == "UNA:+.! '"
    assert lines[-1] == ""
    assert all(line.endswith("'") for line in lines[:-1])


def test_bom_is_written_when_asked() -> None:
    """write(bom=True) puts the UTF-8 byte order mark first."""
    assert write([_edifact([])], bom=True).startswith(b"\xef\xbb\xbfUNB+")


def test_headerless_message_is_written_as_its_segments() -> None:
    """A message without UNH (bare segments) is written without inventing UNH or UNT."""
    ic = Interchange("edifact", EDIFACT_DEFAULT, None,
                     groups=[Group(None, [Message(None, [Segment.of("BGM", "220")])])])
    assert write_interchange(ic) == "BGM+220'"


ROUND_TRIPS = {
    "edifact plain": EDIFACT_TEXT.encode(),
    "edifact una crlf": ("UNA:+.? '\r\n" + EDIFACT_TEXT.replace("'", "'\r\n")).encode(),
    "edifact exotic una": b"UNA#|,!*%UNB|UNOC#4|S|R|250101#1200|1%UNH|1|ORDERS#D#96A#UN%"
                          b"FTX|AAI|||a!|b!%c!#d!!e!*f*g#h%UNT|3|1%UNZ|1|1%",
    "edifact escapes": EDIFACT_TEXT.replace("PO1", "P?+O?'1?:x??y").encode(),
    "edifact level b": EDIFACT_TEXT.replace("UNOC", "UNOB").replace("'", IS4).replace(
        "+", IS3).replace(":", IS1).encode(),
    "edifact groups": (
        b"UNB+UNOC:3+S+R+250101:1200+1'UNG+ORDERS+S+R+250101:1200+G1+UN+D:96A'"
        b"UNH+1+ORDERS:D:96A:UN'UNT+2+1'UNE+1+G1'UNZ+1+1'"),
    "x12 tilde": x12().encode(),
    "x12 tilde newline": x12(line_ending="\n").encode(),
    "x12 newline": x12(terminator="\n").encode(),
    "x12 cr lf": x12(terminator="\r", line_ending="\n").encode(),
    "x12 nak": x12(terminator="\x15").encode(),
    "x12 fs": x12(terminator="\x1c").encode(),
    "x12 00501": (isa(repetition="^", version="00501", component=">")
                  + x12_body().replace("PO1", "A>B^C")).encode(),
    "x12 ta1": (isa() + "TA1*000000007*250101*1200*A*000~IEA*0*000000001~").encode(),
    "x12 mailbag": "".join(x12(control=f"{n:09d}") for n in range(1, 4)).encode(),
    # The break after the trailer, where it differs from the one between segments.
    "edifact one line ending in a newline": (EDIFACT_TEXT + "\n").encode(),
    "edifact one line ending in cr lf": (EDIFACT_TEXT + "\r\n").encode(),
    "edifact lines, the last without a break": EDIFACT_TEXT.replace("'", "'\n")[:-1].encode(),
    "x12 one line per interchange": (x12() + "\n" + x12(control="000000002") + "\n").encode(),
    # Layout partners send: each kept as sent.
    "edifact indented": EDIFACT_TEXT.replace("'UNH", "'\n  UNH").replace("'BGM", "'\n    BGM")
    .replace("'UNT", "'\n  UNT").replace("'UNZ", "'\nUNZ").encode(),
    "edifact cr lf and lf mixed": EDIFACT_TEXT.replace("'", "'\r\n").replace(
        "'\r\nBGM", "'\nBGM").encode(),
    "edifact blank lines at the start and end": ("\n\n" + EDIFACT_TEXT + "\n\n\x1a").encode(),
    "edifact una decimal comma": ("UNA:+,? '" + EDIFACT_TEXT).encode(),
    "x12 newline terminator, blank line at the end": (x12(terminator="\n") + "\n").encode(),
    "x12 padded to 80 columns": "".join(
        (s + "~").ljust(80) for s in x12().split("~")[:-1]).encode(),
    "x12 bin": x12().replace("SE*3*0001", "BIN*5*A~B*C~SE*4*0001").encode(),
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_read_then_write_gives_the_same_bytes(name: str) -> None:
    """A valid file read and written again is byte for byte the same."""
    data = ROUND_TRIPS[name]
    result = read(data)
    assert result.valid, [str(i) for i in result.issues]
    assert write(result.interchanges, encoding=result.detection.encoding) == data



# -- written as read, or in the canonical form ------------------------------------------------


def test_layout_before_a_segment_is_written_in_place_of_the_line_ending() -> None:
    """A segment's layout replaces the interchange's line ending before it; the
    canonical form (normalize) ignores it."""
    body = [Segment("BGM", [["220"]], layout=Layout(before="\n    ")), Segment.of("DTM", "137")]
    ic = _edifact(body)
    ic.line_ending = "\n"
    assert "UNH+1+ORDERS:D:96A:UN'\n    BGM+220'\nDTM+137'\n" in write_interchange(ic)
    assert "UNH+1+ORDERS:D:96A:UN'\nBGM+220'\nDTM+137'\n" in write_interchange(
        ic, normalize=True)


def test_lead_and_end_of_the_interchange_are_written_as_read() -> None:
    """The blanks before an interchange and after its trailer are written as read,
    and left out of the canonical form."""
    ic = _edifact([])
    ic.lead, ic.final_line_ending = "\n", "\r\n\x1a"
    assert write_interchange(ic).startswith("\nUNB+")
    assert write_interchange(ic).endswith("UNZ+1+1'\r\n\x1a")
    assert write_interchange(ic, normalize=True).startswith("UNB+")
    assert write_interchange(ic, normalize=True).endswith("UNZ+1+1'")


@pytest.mark.parametrize("layout", [Layout(before="\nX"), Layout(before="+"),
                                    Layout(extras=((1, "A"),))])
def test_layout_that_would_add_content_is_refused(layout: Layout) -> None:
    """Layout is blanks, line breaks and terminators between segments, and line breaks
    or release characters inside them; anything else raises WriteError."""
    ic = _edifact([Segment("BGM", [["220"]], layout=layout)])
    with pytest.raises(WriteError, match="BGM"):
        write_interchange(ic)
    assert "BGM+220'" in write_interchange(ic, normalize=True)


def test_extras_are_put_back_inside_the_segment() -> None:
    """Line breaks of a wrapped segment and needless release characters go back at their
    offsets in the segment as written, in order; the canonical form has neither."""
    seg = Segment("FTX", [["AAI"], ["AB"]], layout=Layout(extras=((2, "\n"), (8, "?"),
                                                                  (8, "\r\n"))))
    ic = _edifact([seg])
    assert "FT\nX+AAI+?\r\nAB'" in write_interchange(ic)
    assert "FTX+AAI+AB'" in write_interchange(ic, normalize=True)


def test_unterminated_last_segment_is_written_without_its_terminator() -> None:
    """A last segment read without terminator is written without one; normalised, with."""
    ic = _edifact([])
    assert ic.trailer is None
    ic.trailer = Segment("UNZ", [["1"], ["1"]], layout=Layout(terminated=False))
    assert write_interchange(ic).endswith("UNZ+1+1")
    assert write_interchange(ic, normalize=True).endswith("UNZ+1+1'")


def test_isa_read_unpadded_is_written_back_unpadded() -> None:
    """An ISA read with fields shorter than their widths (rejected by policy) is
    written back as read, not padded and not refused."""
    data = x12().replace("SENDER         ", "SENDER").replace(
        "RECEIVER       ", "RECEIVER").encode()
    result = read(data)
    assert {i.code for i in result.issues if i.blocking} == {Code.BAD_HEADER_FIELD}
    assert write(result.interchanges, encoding="ascii") == data


def test_isa_is_written_at_the_widths_it_was_read_with() -> None:
    """An ISA whose layout holds the widths read is written at them; normalised, at the
    standard widths, blank padding of another width taken off first."""
    ic = _x12([])
    assert ic.header is not None
    widths = (2, 0, 2, 0, 2, 16, 2, 8, 6, 4, 1, 5, 9, 1, 1, 1)
    ic.header.elements[5] = ["SENDER          "]
    ic.header.layout = Layout(widths=widths)
    text = write_interchange(ic)
    assert text.startswith("ISA*00**00**ZZ*SENDER          *ZZ*RECEIVER*250101*")
    canonical = write_interchange(ic, normalize=True)
    assert canonical[:106] == isa()


def test_una_is_written_as_sent_or_afresh() -> None:
    """The UNA read is written as it came; a service string that is no UNA of these
    delimiters (a builder's marker) is replaced by one written from them."""
    ic = _edifact([], Delimiters(segment="'", element="+", component=":", release="?",
                                 decimal=","))
    ic.service_string = "UNA:+,? '"
    assert write_interchange(ic).startswith("UNA:+,? 'UNB+")
    ic.service_string = "UNA"
    assert write_interchange(ic).startswith("UNA:+,? 'UNB+")


def test_bin_data_is_written_as_it_is_and_its_length_computed() -> None:
    """BIN02 is written unescaped whatever it holds; BIN01 is its length in bytes of the
    file's encoding, computed like a trailer's count (the width of a zero-padded one
    kept)."""
    ic = _x12([Segment.of("BIN", "9", "A~B*C:é"), Segment.of("BIN", "0099", "XY")])
    assert "BIN*8*A~B*C:é~BIN*0002*XY~" in write_interchange(ic, encoding="utf-8")
    assert "BIN*7*A~B*C:é~" in write_interchange(ic, encoding="latin-1")
