"""Partner profiles: checked on load, each mistake named by file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.partners.profile import (
    DEFAULT_PARTNERS,
    AckKind,
    Direction,
    DuplicateAction,
    ProfileError,
    Retry,
    load_profiles,
)

GOOD = """\
name: acme
display_name: Acme
identities:
  - {scheme: isa, qualifier: ZZ, id: ACME}
channel: {type: folder}
defaults:
  standard: x12
  version: "004010"
  ack: {send: ["997"], expect: "997", within_hours: 12}
agreements:
  - {message: "850", direction: in}
  - {message: "855", direction: out, ack: {send: []}}
"""


def _folder(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def _error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ProfileError) as caught:
        load_profiles(_folder(tmp_path, acme=text))
    return str(caught.value)


def test_defaults_apply_to_every_agreement_that_does_not_set_them(tmp_path: Path) -> None:
    """Values under defaults: fill each agreement; an agreement's own value wins."""
    profile = load_profiles(_folder(tmp_path, acme=GOOD)).get("acme")
    assert profile is not None
    inbound = profile.agreement(Direction.IN, "x12", "850")
    outbound = profile.agreement(Direction.OUT, "x12", "855")
    assert inbound is not None and outbound is not None
    assert inbound.ack.send == (AckKind.X997,) and inbound.ack.within_hours == 12
    assert outbound.ack.send == () and outbound.version == "004010"
    assert inbound.duplicates.action is DuplicateAction.REJECT  # the built-in default


@pytest.mark.parametrize(("change", "field", "words"), [
    (("version: \"004010\"", "version: 004010"), "agreements.0.version", "in quotes"),
    (("id: ACME}", "id: 12}"), "identities.0.id", "in quotes"),
    (("send: [\"997\"]", "send: [CONTRL]"), "agreements.0", "x12 acknowledgements"),
    (("{type: folder}", "{type: pigeon}"), "channel", "tag 'pigeon'"),
    (("{scheme: isa, qualifier: ZZ, id: ACME}", "{scheme: isa, id: ACME}"), "identities.0",
     "needs its qualifier"),
    (("within_hours: 12", "within_hours: 0"), "agreements.0.ack.within_hours", "greater"),
    (("display_name: Acme", "display_name: Acme\ncolour: red"), "colour", "Extra inputs"),
])
def test_a_mistake_names_the_file_and_the_field(tmp_path: Path, change: tuple[str, str],
                                                 field: str, words: str) -> None:
    """Each wrong value is refused with the profile's path, the field's dotted path and
    a reason a person can act on."""
    message = _error(tmp_path, GOOD.replace(*change))
    assert message.startswith(f"{tmp_path / 'acme.yaml'}: {field}:"), message
    assert words in message


def test_two_agreements_for_one_message_and_direction_are_refused(tmp_path: Path) -> None:
    """An agreement is unique per direction, standard and message."""
    message = _error(tmp_path, GOOD + "  - {message: \"850\", direction: in}\n")
    assert "two agreements for inbound x12 850" in message


def test_the_name_must_be_the_file_name(tmp_path: Path) -> None:
    """A profile's name is its file's name, so `partners show NAME` finds it."""
    assert "differs from the file name" in _error(tmp_path, GOOD.replace("name: acme",
                                                                         "name: other"))


def test_an_identity_names_one_partner_only(tmp_path: Path) -> None:
    """Two profiles claiming one identity are refused, naming both."""
    other = GOOD.replace("name: acme", "name: other").replace("display_name: Acme",
                                                              "display_name: Other")
    with pytest.raises(ProfileError, match=r"other.yaml: identities.0: isa:ZZ:ACME is already "
                                           r"partner 'acme'"):
        load_profiles(_folder(tmp_path, acme=GOOD, other=other))


def test_our_identity_cannot_be_a_partners(tmp_path: Path) -> None:
    """An identity under us: that is also a partner's is a contradiction, refused."""
    text = GOOD + "us:\n  - {scheme: isa, qualifier: ZZ, id: ACME}\n"
    assert "us.0: isa:ZZ:ACME is partner 'acme'" in _error(tmp_path, text)


def test_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    """YAML's silent last-key-wins is refused, with the lines."""
    assert "appears twice" in _error(tmp_path, GOOD + "test: true\ntest: false\n")


def test_the_demo_partners_load() -> None:
    """The demo partners: a US retailer on X12, two European retailers on EDIFACT and a
    distributor on UBL over HTTP, each identity resolving to its partner."""
    profiles = load_profiles(DEFAULT_PARTNERS)
    assert sorted(profiles.loaded) == ["acme-retail", "northwind-be", "nwretail",
                                       "scheldt-distribution"]
    assert profiles.by_identity["isa:ZZ:NWRETAIL"] == "nwretail"
    assert profiles.by_identity["assigned:0001"] == "nwretail"
    assert profiles.by_identity["unb:14:5412345000013"] == "northwind-be"
    assert profiles.by_identity["gln:5412345000051"] == "scheldt-distribution"
    scheldt = profiles.get("scheldt-distribution")
    assert scheldt is not None and scheldt.channel.type == "http"
    acme = profiles.get("acme-retail")
    assert acme is not None and acme.overlays == "acme-retail"


def test_retry_backoff_grows_by_its_factor_up_to_its_cap() -> None:
    """Waits are first * factor ** (attempt - 1), never above max_seconds."""
    retry = Retry(attempts=5, first_seconds=30, factor=2, max_seconds=100)
    assert [retry.delay(n) for n in (1, 2, 3, 4)] == [30, 60, 100, 100]
