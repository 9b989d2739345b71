"""Great Expectations on the marts after dbt: the invariants BI tools and HR rely on.

dbt's own tests guard each model; these guard what holds between marts, and they stop the night
before a model is trained or a score published on a warehouse that contradicts itself:

- no orphan keys: every employee, unit and date a fact names exists in its dimension;
- every rate BI shows lies within 0..1;
- headcounts add up the unit hierarchy: a unit's headcount is its own staff plus its children's.

Each invariant is measured in SQL that reads the same on DuckDB and PostgreSQL, into a small
frame that a GX suite judges, so results and Data Docs look like every other validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import great_expectations as gx
import pandas as pd

from kinerja.quality.context import quality_context
from kinerja.settings import Settings
from kinerja.warehouse import Warehouse, connect

# (fact, column, dimension, key): every non-empty value of the fact's column is a dimension key.
FOREIGN_KEYS = (
    ("fct_presensi_harian", "nip", "dim_pegawai", "nip"),
    ("fct_presensi_harian", "kode_unit", "dim_unit_kerja", "kode_unit"),
    ("fct_presensi_harian", "tanggal", "dim_tanggal", "tanggal"),
    ("fct_kinerja_periode", "nip", "dim_pegawai", "nip"),
    ("fct_disiplin_presensi", "nip", "dim_pegawai", "nip"),
    ("fct_pengembangan_kompetensi", "nip", "dim_pegawai", "nip"),
    ("mart_talenta_9box", "pegawai_key", "dim_pegawai", "pegawai_key"),
    ("mart_kinerja_unit", "kode_unit", "dim_unit_kerja", "kode_unit"),
    # the other NIP of a pair comes from the snapshot or from punches of known employees (a
    # warning's own nip may be one an older loader refused: NIP_TIDAK_COCOK)
    ("mart_peringatan_presensi", "nip_terkait", "dim_pegawai", "nip"),
)
RATE_COLUMNS = {"mart_kinerja_unit": ("rasio_hadir", "rasio_terlambat", "rasio_patuh_jp")}


@dataclass(frozen=True)
class MartBreach:
    check: str
    where: str
    detail: str

    def describe(self) -> str:
        return f"{self.check}: {self.where}: {self.detail}"


@dataclass
class MartChecks:
    checked: dict[str, int] = field(default_factory=dict)  # check -> rows judged
    breaches: list[MartBreach] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return not self.breaches


def _orphans(wh: Warehouse, schema: str) -> pd.DataFrame:
    rows = []
    for fact, column, dimension, key in FOREIGN_KEYS:
        orphans = wh.scalar(
            f"select count(*) from {schema}.{fact} as f where f.{column} is not null "
            f"and not exists (select 1 from {schema}.{dimension} as d where d.{key} = f.{column})"
        )
        rows.append({"relasi": f"{fact}.{column} -> {dimension}.{key}", "yatim": int(orphans)})
    return pd.DataFrame(rows)


def _rates(wh: Warehouse, schema: str) -> pd.DataFrame:
    frames = []
    for mart, columns in RATE_COLUMNS.items():
        for column in columns:
            frame = wh.query_df(
                f"select kode_unit, cast(bulan as varchar) as bulan, {column} as nilai "
                f"from {schema}.{mart} where {column} is not null"
            )
            frame.insert(0, "kolom", f"{mart}.{column}")
            frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    frame["baris"] = frame["kolom"] + " " + frame["kode_unit"] + " " + frame["bulan"]
    return frame[["baris", "nilai"]]


def _hierarchy(wh: Warehouse, schema: str) -> pd.DataFrame:
    frame = wh.query_df(
        f"""
        with children as (
            select dim.kode_unit_induk as kode_unit, child.bulan,
                   sum(child.jumlah_pegawai) as jumlah_pegawai_anak
            from {schema}.mart_kinerja_unit as child
            inner join {schema}.dim_unit_kerja as dim on dim.kode_unit = child.kode_unit
            where dim.kode_unit_induk is not null
            group by dim.kode_unit_induk, child.bulan
        )
        select parent.kode_unit, cast(parent.bulan as varchar) as bulan,
               parent.jumlah_pegawai - parent.jumlah_pegawai_langsung
                   - coalesce(children.jumlah_pegawai_anak, 0) as selisih
        from {schema}.mart_kinerja_unit as parent
        left join children
            on children.kode_unit = parent.kode_unit and children.bulan = parent.bulan
        """
    )
    frame["baris"] = frame["kode_unit"] + " " + frame["bulan"]
    return frame[["baris", "selisih"]]


# name -> (measure, identifying column, judged column, min, max, what a breach means)
CHECKS: dict[str, tuple[Any, str, str, float, float, str]] = {
    "orphan_keys": (_orphans, "relasi", "yatim", 0, 0, "rows without their dimension row"),
    "rates_within_0_1": (_rates, "baris", "nilai", 0.0, 1.0, "rate outside 0..1"),
    "headcount_hierarchy": (
        _hierarchy,
        "baris",
        "selisih",
        0,
        0,
        "headcount differs from own staff plus children's",
    ),
}


def _suite(name: str, column: str, low: float, high: float) -> gx.ExpectationSuite:
    return gx.ExpectationSuite(
        name=f"marts_{name}",
        expectations=[
            gx.expectations.ExpectColumnValuesToBeBetween(
                column=column, min_value=low, max_value=high, severity="critical"
            )
        ],
    )


def check_marts(settings: Settings, schema: str = "marts") -> MartChecks:
    """Measure and judge every invariant; the result lists each breach with where it is."""
    with connect(settings) as wh:
        frames = {name: spec[0](wh, schema) for name, spec in CHECKS.items()}
    quality = quality_context(settings)
    checks = MartChecks()
    for name, (_, key, column, low, high, meaning) in CHECKS.items():
        frame = frames[name]
        checks.checked[name] = len(frame)
        if frame.empty:
            continue
        result = quality.dataset_checkpoint(
            f"marts_{name}", _suite(name, column, low, high), index_columns=[key]
        ).run(batch_parameters={"dataframe": frame})
        for suite_result in result.run_results.values():
            for r in suite_result.results:
                for index in (r.result or {}).get("unexpected_index_list") or []:
                    value = frame.loc[frame[key] == index[key], column].iloc[0]
                    checks.breaches.append(
                        MartBreach(name, str(index[key]), f"{meaning} ({column} = {value})")
                    )
    return checks
