-- Units (unit kerja) as every snapshot delivered them: one row per unit and extraction date.
-- unit_kerja is a full snapshot per delivery; the history lets attendance and the ML features
-- read a unit's time zone as it stood on a day, not as it stands today.

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
    where {{ clean_text('kode_unit') }} is not null

),

one_row_per_snapshot as (

    -- a unit twice in one delivery: the row read last wins
    {{ versi_terbaru('typed', 'kode_unit, _extraction_date') }}

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
    _loaded_at
from one_row_per_snapshot
