-- The load watermark of the last night whose attendance warnings were built and tested: the
-- `_dimuat_pada` int_peringatan__jendela saw, kept once mart_peringatan_presensi is built (and,
-- under `dbt build`, its tests passed). The next night's window starts from the raw rows loaded
-- after it. A night that fails before this model leaves the previous watermark in place, so the
-- days it could not finish are rebuilt the night after.
-- A mart, not an intermediate model: it must follow mart_peringatan_presensi, and an
-- intermediate model never depends on a mart. int_peringatan__jendela reads it as the state of
-- the previous night (by relation, not ref), as an incremental model reads its own table.
-- depends_on: {{ ref('mart_peringatan_presensi') }}

{{ config(materialized='table') }}

select _dimuat_pada from {{ ref('int_peringatan__jendela') }}
