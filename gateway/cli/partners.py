"""``edi-gateway partners check|list|show NAME``: the trading-partner profiles.

``check`` reads every profile of the partners folder (the demo partners in
``samples/partners`` unless ``--partners DIR``), with the rules that span files,
and makes sure each agreement has a mapping; the first mistake names the file
and the field (exit 1). ``list`` prints one line per partner, ``show`` one
profile with every default filled in, as JSON. :func:`overlays_for` is how the
other commands' ``--partner NAME`` finds the partner's overlays.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gateway.partners import DEFAULT_PARTNERS

if TYPE_CHECKING:
    from gateway.partners.profile import Profiles


def register(commands: Any) -> None:
    p = commands.add_parser("partners", help="check, list or show the trading-partner profiles")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    check = actions.add_parser("check", help="check every profile and its mappings")
    listing = actions.add_parser("list", help="one line per partner")
    show = actions.add_parser("show", help="one partner's profile, defaults filled in, as JSON")
    show.add_argument("name", metavar="NAME")
    for sub in (check, listing, show):
        add_partners_option(sub)
        sub.add_argument("--mappings", type=Path, help=argparse.SUPPRESS)
    check.set_defaults(handler=cmd_check)
    listing.set_defaults(handler=cmd_list)
    show.set_defaults(handler=cmd_show)
    p.set_defaults(handler=lambda args: _usage(p))


def add_partners_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--partners", type=Path, default=DEFAULT_PARTNERS, metavar="DIR",
                        help="folder of partner profiles (default: the demo partners, "
                             "samples/partners)")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _load(args: argparse.Namespace) -> Profiles | None:
    from gateway.partners.profile import ProfileError, load_profiles

    try:
        return load_profiles(args.partners)
    except ProfileError as err:
        print(f"edi-gateway partners: {err}", file=sys.stderr)
        return None


def overlays_for(partners: Path, name: str | None) -> str | None:
    """The overlay set of partner ``name``'s profile (None: the shared mappings).
    :class:`ProfileError` when there is no such partner or its profile is wrong."""
    if name is None:
        return None
    from gateway.partners.profile import ProfileError, load_profiles

    profiles = load_profiles(partners)
    profile = profiles.get(name)
    if profile is None:
        known = ", ".join(sorted(profiles.loaded)) or "none"
        raise ProfileError(f"{partners}: no partner profile {name!r} (known: {known})")
    return profile.overlays


def cmd_check(args: argparse.Namespace) -> int:
    from gateway.mapping.inbound import MappingError
    from gateway.mapping.registry import DEFAULT_ROOT
    from gateway.partners.mappings import MappingSets, check_agreements

    profiles = _load(args)
    if profiles is None:
        return 1
    try:
        problems = check_agreements(profiles, MappingSets(args.mappings or DEFAULT_ROOT))
    except MappingError as err:
        print(f"edi-gateway partners: {err}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"edi-gateway partners: {problem}", file=sys.stderr)
    if problems:
        return 1
    agreements = sum(len(p.agreements) for p in profiles)
    print(f"{len(profiles)} partner profiles checked in {args.partners}: "
          f"{agreements} agreements, each with its mapping.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    profiles = _load(args)
    if profiles is None:
        return 1
    for profile in profiles:
        standards = sorted({a.standard for a in profile.agreements})
        inbound = [a.message for a in profile.agreements if a.direction.value == "in"]
        outbound = [a.message for a in profile.agreements if a.direction.value == "out"]
        print(f"{profile.name:<24} {profile.channel.type:<7} {'/'.join(standards):<8} "
              f"in: {','.join(inbound) or '-'}  out: {','.join(outbound) or '-'}  "
              f"{profile.display_name}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    profiles = _load(args)
    if profiles is None:
        return 1
    profile = profiles.get(args.name)
    if profile is None:
        print(f"edi-gateway partners: no partner {args.name!r} in {args.partners} "
              f"(known: {', '.join(sorted(profiles.loaded)) or 'none'})", file=sys.stderr)
        return 2
    print(json.dumps(profile.model_dump(mode="json"), indent=2, ensure_ascii=False))
    return 0
