-- Units (unit kerja): the latest delivered state of every unit. unit_kerja is a full snapshot per
-- delivery, so the current organisation is the latest extraction date; a unit missing from it
-- keeps its last known state, flagged, so older facts still find their unit.

with source as (

    select * from {{ source('simpeg', 'unit_kerja') }}

),

typed as (

    select
        {{ clean_text('kode_unit') }} as kode_unit,
        {{ clean_text('nama_unit') }} as nama_unit,
        {{ clean_text('kode_unit_induk') }} as kode_unit_induk,
        {{ clean_text('instansi') }} as instansi,
        {{ clean_code('zona_waktu') }} as zona_waktu,
        {{ to_double('lat') }} as lat,
        {{ to_double('lon') }} as lon,
        {{ to_integer('radius_presensi_m') }} as radius_presensi_m,
        _extraction_date,
        _loaded_at,
        _row_number
    from source

),

latest_per_unit as (

    select
        *,
        row_number() over (
            partition by kode_unit
            order by _extraction_date desc, _loaded_at desc, _row_number desc
        ) as version_rank,
        max(_extraction_date) over () as latest_snapshot_date
    from typed
    where kode_unit is not null

)

select
    kode_unit,
    nama_unit,
    kode_unit_induk,
    instansi,
    zona_waktu,
    lat,
    lon,
    radius_presensi_m,
    _extraction_date as tanggal_snapshot,
    _extraction_date = latest_snapshot_date as dalam_snapshot_terakhir,
    _loaded_at
from latest_per_unit
where version_rank = 1
