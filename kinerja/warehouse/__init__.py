"""One small interface over the two warehouse engines (DuckDB embedded, PostgreSQL production).

Nothing above this package asks which engine it is on.
"""

from kinerja.warehouse.base import Warehouse, WarehouseBusy
from kinerja.warehouse.factory import connect, engine, ensure_database

__all__ = ["Warehouse", "WarehouseBusy", "connect", "engine", "ensure_database"]
