"""A landing's deliveries through the loader and dbt, up to the attendance-warning mart.

Used to measure detection end to end: each generated landing gets its own DuckDB warehouse.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from kinerja.bench.dbt_incremental import invoke_dbt
from kinerja.load import load_night
from kinerja.settings import Settings
from kinerja.warehouse import connect

MART = "mart_peringatan_presensi"


def build_warehouse(landing: Path, work: Path, last_day: date) -> Settings:
    """Load every delivery up to `last_day` (the loader catches up all earlier dates in one
    night), then seed and run dbt up to the mart."""
    settings = Settings(home=work / "home", target="duckdb", landing=str(landing))
    settings.home_dir.mkdir(parents=True, exist_ok=True)
    night = load_night(settings, last_day)
    if night.rejected:
        raise RuntimeError("rejected deliveries: " + "; ".join(o.message for o in night.rejected))
    invoke_dbt(settings, work, "seed")
    invoke_dbt(settings, work, "run", "--select", f"+{MART}")
    return settings


def read_findings(settings: Settings) -> pd.DataFrame:
    with connect(settings) as wh:
        return wh.query_df(f"select * from marts.{MART} order by id_peringatan")
