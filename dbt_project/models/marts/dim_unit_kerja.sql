-- Units (unit kerja): the organisation tree in its current state, with the working calendar
-- each unit works today (int_kalender__unit: pattern and region, own or inherited).

with units as (

    select * from {{ ref('stg_simpeg__unit_kerja') }}

),

unit_calendars as (

    select * from {{ ref('int_kalender__unit') }}

)

select
    units.kode_unit,
    units.nama_unit,
    units.kode_unit_induk,
    units.instansi,
    units.zona_waktu,
    units.lat,
    units.lon,
    units.radius_presensi_m,
    units.tanggal_snapshot,
    units.dalam_snapshot_terakhir,
    unit_calendars.pola_kerja,
    unit_calendars.kode_wilayah,
    unit_calendars.kalender
from units
left join unit_calendars
    on units.kode_unit = unit_calendars.kode_unit
