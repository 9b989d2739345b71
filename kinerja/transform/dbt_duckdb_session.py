"""dbt-duckdb plugin: the DuckDB sessions dbt opens know the pseudonym secret and spill folder.

The models read `getvariable('kinerja_pseudonym_key')` (macro `pseudonym_key`), so the secret is
never part of compiled SQL; it is set here as a bound parameter, on each cursor, because DuckDB
keeps variables per connection and dbt-duckdb gives every thread its own cursor. The spill folder
is set once, when the database opens: it belongs to the database, and DuckDB refuses to set it
again after a query has spilled.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin

from kinerja.pseudonym import installation_key
from kinerja.settings import get_settings
from kinerja.warehouse.duckdb import set_spill_folder

DUCKDB_VARIABLE = "kinerja_pseudonym_key"


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict) -> None:
        self._key = installation_key(get_settings())
        self._spill_folder = plugin_config["temp_directory"]

    def configure_connection(self, conn) -> None:
        set_spill_folder(conn, self._spill_folder)
        conn.execute(f"SET VARIABLE {DUCKDB_VARIABLE} = ?", [self._key])

    def configure_cursor(self, cursor) -> None:
        cursor.execute(f"SET VARIABLE {DUCKDB_VARIABLE} = ?", [self._key])
