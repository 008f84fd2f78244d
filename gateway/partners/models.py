"""Trading parties as the business documents name them (by GLN, DUNS or a
partner-assigned id). Partner profiles, agreements and channels join here
later; this table is what order and inventory rows point at."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db.base import Base


class TradingParty(Base):
    __tablename__ = "trading_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # "gln:...", "duns:..."
    gln: Mapped[str | None] = mapped_column(String(13))
    duns: Mapped[str | None] = mapped_column(String(13))
    name: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
