"""dbt-duckdb plugin: every DuckDB session dbt opens knows the pseudonym secret as a variable.

The models read `getvariable('kinerja_pseudonym_key')` (macro `pseudonym_key`), so the secret is
never part of compiled SQL; it is set here as a bound parameter, on each cursor, because DuckDB
keeps variables per connection and dbt-duckdb gives every thread its own cursor.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin

from kinerja.pseudonym import installation_key
from kinerja.settings import get_settings

DUCKDB_VARIABLE = "kinerja_pseudonym_key"


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict) -> None:
        self._key = installation_key(get_settings())

    def configure_connection(self, conn) -> None:
        conn.execute(f"SET VARIABLE {DUCKDB_VARIABLE} = ?", [self._key])

    def configure_cursor(self, cursor) -> None:
        cursor.execute(f"SET VARIABLE {DUCKDB_VARIABLE} = ?", [self._key])
