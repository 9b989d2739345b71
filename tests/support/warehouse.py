"""dbt builds of a hand-made raw layer on either target, for tests that check the marts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kinerja.pseudonym import postgres_options
from kinerja.settings import Settings
from kinerja.transform.invoke import invoke_dbt
from kinerja.warehouse import connect
from support.postgres import throwaway_database

PSEUDONYM_KEY = "kunci-uji-dbt"

# The test installation's secret reaches dbt as a production night hands it over
# (kinerja.pseudonym): PostgreSQL sessions take it as a setting, DuckDB's plugin reads the variable.
DBT_KEY_ENV = {
    "KINERJA_PSEUDONYM_KEY": PSEUDONYM_KEY,
    "PGOPTIONS": postgres_options(PSEUDONYM_KEY),
}

# dbt's unit tests check a model's SQL on fixed inputs, whatever the warehouse holds:
# test_dbt_models' first build runs every one of them on both targets, and the other builds leave
# them out instead of running them again (0.4-0.7 s each).
WITHOUT_UNIT_TESTS = ("--exclude", "resource_type:unit_test")


@dataclass
class BuiltWarehouse:
    settings: Settings

    def query(self, sql_text: str) -> pd.DataFrame:
        with connect(self.settings) as wh:
            return wh.query_df(sql_text)


def run_dbt(settings: Settings, work: Path, *args: str) -> None:
    """One dbt command on the test warehouse; any node that does not pass fails the test."""
    invoke_dbt(settings, work, *args, env=DBT_KEY_ENV, quiet=False, every_node_passes=True)


@contextmanager
def empty_warehouse(target: str, work: Path, prefix: str) -> Iterator[Settings]:
    """Settings for an empty warehouse on `target`: a DuckDB file under `work`, or a throwaway
    PostgreSQL database dropped afterwards."""
    databases = throwaway_database(prefix) if target == "postgres" else nullcontext(None)
    with databases as database:
        yield Settings(home=work / "home", target=target, pg_database=database or "kinerja")
