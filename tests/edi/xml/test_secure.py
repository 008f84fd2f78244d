"""The hardened parser refuses hostile XML and accepts what real partners send."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from gateway.edi.issues import Code
from gateway.edi.xml import secure
from gateway.edi.xml.secure import parse_xml
from gateway.errors import UnsafeXmlError, UsageError

SECRET = "s3cret-marker-7f1c"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>
"""


def _refusal(data: bytes, **limits: int) -> UnsafeXmlError:
    with pytest.raises(UnsafeXmlError) as caught:
        parse_xml(data, **limits)
    return caught.value


def _xxe(target: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE order [\n  <!ENTITY xxe SYSTEM "{target}">\n]>\n'
        "<order><note>&xxe;</note></order>"
    ).encode()


def _nested(depth: int) -> bytes:
    return b"<e>" * depth + b"</e>" * depth


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP-ish listener that records every connection made to it."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    port = server.getsockname()[1]
    hits: list[str] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, peer = server.accept()
            except TimeoutError:
                continue
            hits.append(str(peer))
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", hits
    finally:
        stop.set()
        thread.join()
        server.setblocking(False)
        try:
            connection, peer = server.accept()
        except BlockingIOError:
            pass
        else:
            hits.append(str(peer))
            connection.close()
        server.close()


def test_xxe_system_entity_to_local_file_is_refused(secret_file: Path) -> None:
    """An external SYSTEM entity pointing at a local file is refused and never read."""
    refusal = _refusal(_xxe(secret_file.as_uri()))
    assert refusal.code == Code.XML_FORBIDDEN.value
    assert refusal.line == 3
    assert SECRET not in refusal.reason


def test_xxe_to_etc_passwd_is_refused() -> None:
    """The classic XXE against /etc/passwd is refused and no account line leaks."""
    refusal = _refusal(_xxe("file:///etc/passwd"))
    assert refusal.code == Code.XML_FORBIDDEN.value
    assert "root:" not in refusal.reason


def test_xxe_public_entity_is_refused() -> None:
    """An external PUBLIC entity is refused like a SYSTEM one."""
    data = (b'<!DOCTYPE a [<!ENTITY e PUBLIC "-//x//y" "file:///etc/passwd">]><a>&e;</a>')
    assert _refusal(data).code == Code.XML_FORBIDDEN.value


def test_external_parameter_entity_is_refused(listener: tuple[str, list[str]]) -> None:
    """An external parameter entity is refused before anything is fetched."""
    base, hits = listener
    data = (
        f'<?xml version="1.0"?>\n<!DOCTYPE a [\n  <!ENTITY % remote SYSTEM "{base}/evil.dtd">\n'
        "  %remote;\n]>\n<a>&exfil;</a>"
    ).encode()
    refusal = _refusal(data)
    assert refusal.code == Code.XML_FORBIDDEN.value
    assert hits == []


def test_billion_laughs_is_refused_before_any_expansion(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nested entity expansion (billion laughs) is refused by the byte scan of the
    prolog, at the first declaration: libxml2 never sees the document, so nothing is
    expanded at all."""
    parsed: list[bytes] = []
    monkeypatch.setattr(secure, "_parse", parsed.append)
    refusal = _refusal(BILLION_LAUGHS)
    assert refusal.code == Code.XML_FORBIDDEN.value
    assert refusal.line == 3  # <!ENTITY lol "lol">, the first declaration
    assert parsed == []


def test_quadratic_blowup_is_refused() -> None:
    """One large entity referenced many times (quadratic blowup) is refused."""
    data = (
        b'<!DOCTYPE kaboom [<!ENTITY a "' + b"x" * 50_000 + b'">]>'
        b"<kaboom>" + b"&a;" * 50_000 + b"</kaboom>"
    )
    assert _refusal(data).code == Code.XML_FORBIDDEN.value


def test_entity_in_utf16_document_is_refused() -> None:
    """An entity declaration is found even when the document is UTF-16."""
    assert _refusal(BILLION_LAUGHS.decode().encode("utf-16")).code == Code.XML_FORBIDDEN.value


def test_entity_after_a_long_comment_is_refused() -> None:
    """A prolog longer than the scan window cannot hide an entity declaration."""
    data = b"<!--" + b"-x" * 60_000 + b"-->" + _xxe("file:///etc/passwd").split(b"\n", 1)[1]
    assert _refusal(data).code == Code.XML_FORBIDDEN.value


def test_quoted_bracket_before_subset_does_not_hide_entity() -> None:
    """A ']' or '>' inside the DOCTYPE's system literal does not end the scan early."""
    data = b'<!DOCTYPE a SYSTEM "x]>y.dtd" [<!ENTITY e "boom">]><a>&e;</a>'
    assert _refusal(data).code == Code.XML_FORBIDDEN.value


def test_parsed_subset_is_checked_when_prescan_is_bypassed(
    monkeypatch: pytest.MonkeyPatch, secret_file: Path,
) -> None:
    """The entity rule holds on the parsed tree too, should the byte scan ever miss one."""
    monkeypatch.setattr(secure, "_refuse_entity_declarations", lambda data: None)
    refusal = _refusal(_xxe(secret_file.as_uri()))
    assert refusal.code == Code.XML_FORBIDDEN.value
    assert _refusal(BILLION_LAUGHS).code == Code.XML_FORBIDDEN.value


def test_parser_configuration_never_substitutes_external_entities(secret_file: Path) -> None:
    """The lxml parser itself is configured not to read external entities."""
    root = etree.fromstring(_xxe(secret_file.as_uri()), secure._parser())
    assert SECRET not in etree.tostring(root, encoding="unicode")


def test_external_dtd_is_accepted_and_never_fetched(listener: tuple[str, list[str]]) -> None:
    """A DOCTYPE naming only an external DTD parses, and the DTD is never requested."""
    base, hits = listener
    data = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE cXML SYSTEM "{base}/cXML.dtd">\n'
        '<cXML payloadID="1" timestamp="2024-01-01T00:00:00Z"><Header/></cXML>'
    ).encode()
    root = parse_xml(data)
    assert root.tag == "cXML"
    assert hits == []


def test_external_dtd_on_a_silent_port_is_never_connected_to() -> None:
    """A DTD on a port that accepts connections and never answers is not waited for:
    the parser opens no connection to it (none is queued on the port afterwards)."""
    silent = socket.create_server(("127.0.0.1", 0), backlog=8)
    try:
        port = silent.getsockname()[1]
        data = (f'<!DOCTYPE cXML SYSTEM "http://127.0.0.1:{port}/x.dtd">'
                '<cXML version="1.2.014"/>').encode()
        root = parse_xml(data)
        assert root.tag == "cXML"
        assert root.get("version") == "1.2.014"
        silent.setblocking(False)
        with pytest.raises(BlockingIOError):
            silent.accept()
    finally:
        silent.close()


def test_internal_subset_without_entities_is_accepted() -> None:
    """Only entity declarations are refused: an element declaration alone is fine."""
    root = parse_xml(b"<!DOCTYPE a [<!ELEMENT a (#PCDATA)>]><a>x</a>")
    assert root.text == "x"


def test_processing_instructions_and_comments_are_accepted() -> None:
    """Stylesheet PIs and comments before and inside the root are ordinary XML."""
    data = (
        b'<?xml version="1.0"?>\n<?xml-stylesheet type="text/xsl" href="x.xsl"?>\n'
        b"<!-- a comment -->\n<a><!-- inside --><?pi data?><b/></a>"
    )
    root = parse_xml(data)
    assert [child.tag for child in root if isinstance(child.tag, str)] == ["b"]


def test_too_large_is_refused_before_parsing() -> None:
    """A document over max_bytes is refused by size alone, even if it is not XML."""
    refusal = _refusal(b"not xml at all, and too long", max_bytes=10)
    assert refusal.code == Code.XML_TOO_LARGE.value
    assert "10" in refusal.reason


def test_document_at_the_size_limit_is_accepted() -> None:
    """The size bound is inclusive."""
    data = b"<a>xyz</a>"
    assert parse_xml(data, max_bytes=len(data)).text == "xyz"


def test_oversized_text_node_is_refused_as_too_large() -> None:
    """libxml2's text-node ceiling (no huge_tree) is reported as too large, not malformed."""
    data = b"<a>" + b"x" * 10_000_001 + b"</a>"
    assert _refusal(data).code == Code.XML_TOO_LARGE.value


def test_too_deep_is_refused_with_the_line() -> None:
    """Nesting one level past max_depth is refused, naming the line of the first offender."""
    data = b"<a>\n" + _nested(5) + b"\n</a>"
    refusal = _refusal(data, max_depth=5)
    assert refusal.code == Code.XML_TOO_DEEP.value
    assert refusal.line == 2


def test_depth_at_the_limit_is_accepted() -> None:
    """The depth bound is inclusive: max_depth levels parse."""
    assert parse_xml(_nested(200)).tag == "e"


def test_default_depth_limit_refuses_201_levels() -> None:
    """The default bound is 200 levels."""
    assert _refusal(_nested(201)).code == Code.XML_TOO_DEEP.value


def test_libxml2_depth_ceiling_is_reported_as_too_deep() -> None:
    """Nesting past libxml2's own ceiling is too deep, whatever max_depth says."""
    assert _refusal(_nested(300), max_depth=1000).code == Code.XML_TOO_DEEP.value


def test_depth_check_survives_a_very_deep_tree_without_recursion() -> None:
    """A tree as deep as the parser allows is measured without hitting Python's recursion."""
    assert _refusal(_nested(255), max_depth=254).code == Code.XML_TOO_DEEP.value


def test_not_well_formed_reports_line_and_column() -> None:
    """Malformed input is refused with lxml's line in the error and line/column in the reason."""
    refusal = _refusal(b"<a>\n<b>\n</a>")
    assert refusal.code == Code.XML_NOT_WELL_FORMED.value
    assert refusal.line == 3
    assert "line 3, column" in refusal.reason


@pytest.mark.parametrize("data", [b"", b"  \n ", b"just text", b"<a>", b"<a></b>"])
def test_empty_or_broken_input_is_not_well_formed(data: bytes) -> None:
    """Empty, text-only or unbalanced input is refused as not well-formed."""
    assert _refusal(data).code == Code.XML_NOT_WELL_FORMED.value


def test_unsupported_declared_encoding_is_not_well_formed() -> None:
    """An encoding libxml2 does not know is a refusal, not a crash."""
    data = b'<?xml version="1.0" encoding="x-no-such-charset"?><a/>'
    assert _refusal(data).code == Code.XML_NOT_WELL_FORMED.value


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_unicode_encodings_with_bom(codec: str) -> None:
    """UTF-8 with a BOM and UTF-16 in either byte order parse to the same text."""
    text = '<?xml version="1.0" encoding="UTF-16"?><a>Grüße €</a>'
    if codec == "utf-8-sig":
        text = text.replace("UTF-16", "UTF-8")
    data = text.encode(codec)
    if codec in ("utf-16-le", "utf-16-be"):
        bom = "\ufeff".encode(codec)
        data = bom + data
    assert parse_xml(data).text == "Grüße €"


def test_utf8_without_bom_or_declaration() -> None:
    """Plain UTF-8 with no declaration is the XML default."""
    assert parse_xml("<a>Grüße</a>".encode()).text == "Grüße"


def test_declared_iso_8859_1() -> None:
    """An ISO-8859-1 declaration is honoured: byte 0xE9 reads as 'é'."""
    data = b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<a>caf\xe9</a>'
    assert parse_xml(data).text == "café"


def test_impossible_limits_are_a_usage_error() -> None:
    """Limits that can never accept a document are the caller's bug, not the data's."""
    with pytest.raises(UsageError):
        parse_xml(b"<a/>", max_depth=0)
