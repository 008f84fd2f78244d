"""Every mapped table, imported in one place so metadata and migrations see them all."""

from __future__ import annotations

from gateway.db.base import Base
from gateway.inventory import models as inventory
from gateway.orders import models as orders
from gateway.partners import models as partners
from gateway.planning import models as planning
from gateway.traffic import models as traffic

metadata = Base.metadata

__all__ = ["inventory", "metadata", "orders", "partners", "planning", "traffic"]
