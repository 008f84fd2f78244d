"""Control numbers: one atomic statement per partner and scope.

``UPDATE control_counters SET value = next ... RETURNING value`` gives each
caller its own number whatever runs at the same time (the row lock serialises
them), and the number belongs to the caller's transaction: rolled back, it is
given again, so the numbers that reach a partner have no gaps. Each scope has
the real maximum of its field; after it the count starts again at 1.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Connection, bindparam, case, update

from gateway.db.base import table
from gateway.db.statements import insert_for
from gateway.traffic.models import ControlCounter


class Scope(StrEnum):
    ISA = "isa"  # ISA13, N0 9/9
    GS = "gs"  # GS06, N0 1/9
    ST = "st"  # ST02, AN 4/9: written with at least four digits
    UNB = "unb"  # UNB 0020, an..14
    UNG = "ung"  # UNG 0048, an..14
    UNH = "unh"  # UNH 0062, an..14
    XML = "xml"  # the number in an XML answer's identifier (MLR-N, a cXML payloadID)


MAXIMUM = {
    Scope.ISA: 999_999_999,
    Scope.GS: 999_999_999,
    Scope.ST: 999_999_999,
    Scope.UNB: 99_999_999_999_999,
    Scope.UNG: 99_999_999_999_999,
    Scope.UNH: 99_999_999_999_999,
    Scope.XML: 999_999_999_999,
}

_COUNTERS = table(ControlCounter)


def allocate(conn: Connection, partner_id: int, scope: Scope) -> int:
    """The next control number of ``scope`` for the partner, in the caller's
    transaction."""
    maximum = MAXIMUM[scope]
    create = insert_for(conn, _COUNTERS).on_conflict_do_nothing(
        index_elements=["partner_id", "scope"])
    conn.execute(create, {"partner_id": partner_id, "scope": scope.value, "value": 0})
    counter = _COUNTERS.c.value
    step = (update(_COUNTERS)
            .where(_COUNTERS.c.partner_id == bindparam("p"), _COUNTERS.c.scope == bindparam("s"))
            .values(value=case((counter >= maximum, 1), else_=counter + 1))
            .returning(counter))
    return int(conn.execute(step, {"p": partner_id, "s": scope.value}).scalar_one())


def set_counter(conn: Connection, partner_id: int, scope: Scope, value: int) -> None:
    """Make the next number ``value + 1`` (a partner's numbering carried over)."""
    allocate(conn, partner_id, scope)
    conn.execute(update(_COUNTERS).where(_COUNTERS.c.partner_id == partner_id,
                                         _COUNTERS.c.scope == scope.value).values(value=value))
