"""Trading-partner profiles: the reviewable YAML files that say who a partner is.

One file per partner (``<name>.yaml`` in a partners folder) holds its
identities, the identities we answer to on that relationship, its channel, and
one agreement per message type and direction: standard, version, mapping and
overlays, outbound delimiters and character set, acknowledgement and duplicate
policy. Values given at the top of the file (``defaults:``) apply to every
agreement that does not set them.

:func:`load_profiles` checks every file with pydantic and the rules that span
files (an identity belongs to one partner only); the first mistake raises
:class:`ProfileError` naming the file and the field. This module reads files
and builds values; it never touches the database (``service`` loads the
profiles into tables).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gateway import yamlfile
from gateway.errors import ConfigurationError
from gateway.partners import DEFAULT_PARTNERS

__all__ = ["DEFAULT_PARTNERS"]

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
STANDARDS = ("x12", "edifact", "ubl", "cxml")
# What each standard's envelope calls the parties, and what a document calls them.
ENVELOPE_SCHEMES = {"x12": ("isa", "gs"), "edifact": ("unb", "ung")}


class ProfileError(ConfigurationError):
    """A partner profile is wrong; the message names the file and the field."""


class Scheme(StrEnum):
    """Where an identity is used: an envelope field or a document party id."""

    ISA = "isa"  # ISA05/06 and 07/08: qualifier + id
    GS = "gs"  # GS02/03: id only
    UNB = "unb"  # UNB 0004/0010 with 0007/0008
    UNG = "ung"  # UNG 0040/0044 with 0007
    GLN = "gln"
    DUNS = "duns"
    PARTY = "party"  # an id a document names a party by; qualifier: who assigned it


class AckKind(StrEnum):
    X997 = "997"
    X999 = "999"
    TA1 = "TA1"
    CONTRL = "CONTRL"
    MLR = "MLR"  # UBL: Peppol Message Level Response (an ApplicationResponse)
    CXML_RESPONSE = "Response"  # cXML: the Response to a request


class DuplicateAction(StrEnum):
    REJECT = "reject"
    WARN = "warn"
    ACCEPT = "accept"


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Identity(_Strict):
    scheme: Scheme
    qualifier: str | None = None
    id: Annotated[str, Field(min_length=1, max_length=80)]

    @field_validator("id", "qualifier", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        # YAML reads 039456712 as a number and loses its leading zero: ids are text.
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError("write identifiers in quotes: YAML reads bare digits as a number")
        return value

    @model_validator(mode="after")
    def _qualified(self) -> Identity:
        if self.scheme in (Scheme.ISA, Scheme.UNB, Scheme.PARTY) and not self.qualifier:
            raise ValueError(f"a {self.scheme.value} identity needs its qualifier")
        if self.scheme in (Scheme.GLN,) and not re.fullmatch(r"\d{13}", self.id):
            raise ValueError("a GLN is 13 digits")
        return self

    @property
    def key(self) -> str:
        """How lookups name it: ``isa:ZZ:NWRETAIL``, ``gln:4012345000016``,
        ``assigned:0001`` (a party id: the name documents use, ``who:id``)."""
        if self.scheme is Scheme.PARTY:
            return f"{self.qualifier}:{self.id}"
        if self.scheme in (Scheme.GLN, Scheme.DUNS, Scheme.GS):
            return f"{self.scheme.value}:{self.id}"
        return f"{self.scheme.value}:{self.qualifier or ''}:{self.id}"


class AckPolicy(_Strict):
    """Which acknowledgement we send for an inbound interchange, and which we expect
    back for one we send, within how many hours."""

    send: tuple[AckKind, ...] = ()
    expect: AckKind | None = None
    within_hours: Annotated[int, Field(ge=1, le=24 * 30)] = 24


class DuplicatePolicy(_Strict):
    """An interchange with a sender and control number seen within ``window_days``."""

    window_days: Annotated[int, Field(ge=0, le=3650)] = 30
    action: DuplicateAction = DuplicateAction.REJECT


class OutboundDelimiters(_Strict):
    segment: Annotated[str, Field(min_length=1, max_length=1)]
    element: Annotated[str, Field(min_length=1, max_length=1)]
    component: Annotated[str, Field(min_length=1, max_length=1)]
    repetition: Annotated[str | None, Field(min_length=1, max_length=1)] = None
    release: Annotated[str | None, Field(min_length=1, max_length=1)] = None

    @model_validator(mode="after")
    def _distinct(self) -> OutboundDelimiters:
        chars = [c for c in (self.segment, self.element, self.component, self.repetition,
                             self.release) if c]
        if len(set(chars)) != len(chars):
            raise ValueError("two delimiters are the same character")
        if any(c.isalnum() for c in chars):
            raise ValueError("a delimiter is a letter or digit")
        return self


class Agreement(_Strict):
    """One message type in one direction, with everything needed to read or write it."""

    message: Annotated[str, Field(min_length=1, max_length=35)]
    direction: Direction
    standard: Literal["x12", "edifact", "ubl", "cxml"]
    version: Annotated[str, Field(min_length=1, max_length=20)]
    mapping: str | None = None  # a mapping file, relative to the mappings folder
    overlays: str | None = None  # a partner overlay set under gateway/mappings/partners/
    ack: AckPolicy = AckPolicy()
    duplicates: DuplicatePolicy = DuplicatePolicy()
    delimiters: OutboundDelimiters | None = None
    charset: str | None = None

    @field_validator("message", "version", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            raise ValueError("write message types and versions in quotes "
                             "(YAML reads 004010 as the number 4010)")
        return value

    @model_validator(mode="after")
    def _acks_fit(self) -> Agreement:
        fits = {"x12": {AckKind.X997, AckKind.X999, AckKind.TA1},
                "edifact": {AckKind.CONTRL}, "ubl": {AckKind.MLR},
                "cxml": {AckKind.CXML_RESPONSE}}[self.standard]
        wrong = [k.value for k in (*self.ack.send, *([self.ack.expect] if self.ack.expect
                                                      else [])) if k not in fits]
        if wrong:
            allowed = ", ".join(sorted(k.value for k in fits)) or "none yet"
            raise ValueError(f"{self.standard} acknowledgements are {allowed}, "
                             f"not {', '.join(wrong)}")
        return self


class Retry(_Strict):
    """How often a send is tried again, waiting ``first_seconds`` times ``factor`` to the
    power of the attempt, at most ``max_seconds``."""

    attempts: Annotated[int, Field(ge=1, le=100)] = 6
    first_seconds: Annotated[float, Field(ge=0)] = 30
    factor: Annotated[float, Field(ge=1)] = 2
    max_seconds: Annotated[float, Field(ge=0)] = 3600

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (from 1)."""
        return float(min(self.max_seconds, self.first_seconds * self.factor ** (attempt - 1)))


class FolderChannel(_Strict):
    """Files dropped in ``inbox`` and written to ``outbox`` (relative paths are under
    the service's ``var/partners/<name>/``). A file is taken when it has a final name
    (not ``.``-prefixed, not ``.tmp``/``.part``) and has not changed for
    ``settle_seconds``."""

    type: Literal["folder"]
    inbox: str = "inbox"
    outbox: str = "outbox"
    settle_seconds: Annotated[float, Field(ge=0, le=3600)] = 2
    max_bytes: Annotated[int, Field(ge=1)] = 100_000_000
    retry: Retry = Retry()


class HttpChannel(_Strict):
    """Documents POSTed to the gateway with the partner's bearer token (only its
    SHA-256 is kept here); answers go back in the response, outbound documents are
    POSTed to ``url`` (http or https), each waiting at most ``timeout_seconds``."""

    type: Literal["http"]
    token_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    url: Annotated[str | None, Field(pattern=r"^https?://[^\s/]+")] = None
    timeout_seconds: Annotated[float, Field(gt=0, le=600)] = 30
    max_bytes: Annotated[int, Field(ge=1)] = 10_000_000
    retry: Retry = Retry()


Channel = Annotated[FolderChannel | HttpChannel, Field(discriminator="type")]


class Profile(_Strict):
    name: str
    display_name: Annotated[str, Field(min_length=1, max_length=200)]
    test: bool = False  # test indicator on outbound envelopes (ISA15 T, UNB 0035 1)
    identities: Annotated[tuple[Identity, ...], Field(min_length=1)]
    us: tuple[Identity, ...] = ()
    channel: Channel
    agreements: tuple[Agreement, ...] = ()

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME.fullmatch(value):
            raise ValueError("lower-case letters, digits and dashes, starting with a letter "
                             "or digit")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        seen: set[tuple[str, str, str]] = set()
        for agreement in self.agreements:
            key = (agreement.direction.value, agreement.standard, agreement.message)
            if key in seen:
                raise ValueError(f"two agreements for {agreement.direction.value}bound "
                                 f"{agreement.standard} {agreement.message}")
            seen.add(key)
        keys = [i.key for i in self.identities]
        if len(set(keys)) != len(keys):
            raise ValueError("an identity is listed twice")
        return self

    def agreement(self, direction: Direction, standard: str, message: str) -> Agreement | None:
        for agreement in self.agreements:
            if (agreement.direction is direction and agreement.standard == standard
                    and agreement.message == message):
                return agreement
        return None

    @property
    def overlays(self) -> str | None:
        """The overlay set the partner's inbound agreements use (the commands that take
        ``--partner`` apply it); None when they use the shared mappings."""
        for agreement in self.agreements:
            if agreement.overlays:
                return agreement.overlays
        return None


@dataclass(frozen=True, slots=True)
class LoadedProfile:
    profile: Profile
    path: Path
    digest: str  # SHA-256 of the file, so a reload sees what changed


@dataclass(slots=True)
class Profiles:
    """Every profile of a folder, with the lookups routing needs."""

    folder: Path
    loaded: dict[str, LoadedProfile] = field(default_factory=dict)
    by_identity: dict[str, str] = field(default_factory=dict)  # identity key -> partner

    def __iter__(self) -> Iterator[Profile]:
        return (item.profile for item in self.loaded.values())

    def __len__(self) -> int:
        return len(self.loaded)

    def get(self, name: str) -> Profile | None:
        item = self.loaded.get(name)
        return item.profile if item else None

    def partner_of(self, key: str) -> Profile | None:
        name = self.by_identity.get(key)
        return self.get(name) if name else None


def _field(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc if part not in ("FolderChannel", "HttpChannel",
                                                             "folder", "http")) or "(file)"


def _with_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """The file's ``defaults:`` spread into each agreement that does not set them."""
    defaults = data.pop("defaults", None) or {}
    if not isinstance(defaults, dict):
        raise ValueError("defaults: a mapping of agreement fields")
    agreements = data.get("agreements")
    if isinstance(agreements, list):
        data["agreements"] = [{**defaults, **a} if isinstance(a, dict) else a
                              for a in agreements]
    return data


def load_profile(path: Path) -> LoadedProfile:
    """One profile file, checked; :class:`ProfileError` names the file and field."""
    try:
        raw = path.read_bytes()
        data = yamlfile.load(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise ProfileError(f"{path}: cannot read: {err}") from err
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: a profile is a YAML mapping of fields")
    defaults = data.get("defaults")
    if defaults is not None and not isinstance(defaults, dict):
        raise ProfileError(f"{path}: defaults: a mapping of agreement fields")
    try:
        profile = Profile.model_validate(_with_defaults(dict(data)))
    except ValidationError as err:
        first = err.errors()[0]
        raise ProfileError(f"{path}: {_field(first['loc'])}: {first['msg']}") from err
    if profile.name != path.stem:
        raise ProfileError(f"{path}: name: {profile.name!r} differs from the file name "
                           f"{path.stem!r}")
    return LoadedProfile(profile, path, hashlib.sha256(raw).hexdigest())


def load_profiles(folder: Path) -> Profiles:
    """Every ``*.yaml`` profile of ``folder``, checked one by one and together."""
    if not folder.is_dir():
        raise ProfileError(f"{folder}: no partners folder there")
    profiles = Profiles(folder)
    for path in sorted(folder.glob("*.yaml")):
        item = load_profile(path)
        profiles.loaded[item.profile.name] = item
        for n, identity in enumerate(item.profile.identities):
            other = profiles.by_identity.get(identity.key)
            if other is not None:
                raise ProfileError(f"{path}: identities.{n}: {identity.key} is already "
                                   f"partner {other!r}'s ({profiles.loaded[other].path.name}); "
                                   "an identity names one partner")
            profiles.by_identity[identity.key] = item.profile.name
    for item in profiles.loaded.values():
        for n, identity in enumerate(item.profile.us):
            owner = profiles.by_identity.get(identity.key)
            if owner is not None:
                raise ProfileError(f"{item.path}: us.{n}: {identity.key} is partner "
                                   f"{owner!r}'s identity, not ours")
    return profiles
