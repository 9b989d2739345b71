-- Every distinct punch as an instant (UTC) and as local time in the employee's unit, with the
-- device, the position (MOBILE) and the unit's office and geofence: the grain the attendance
-- warnings reason on (int_presensi__harian aggregates the same punches per day).
-- Zone resolution and de-duplication follow int_presensi__harian: an offset-less punch is
-- wall-clock time in the unit's zone; the same instant delivered twice counts once.

with punches as (

    select * from {{ ref('stg_presensi__punches') }}

),

employee_history as (

    select * from {{ ref('int_pegawai__riwayat') }}

),

units as (

    select * from {{ ref('stg_simpeg__unit_kerja') }}

),

zones as (

    select * from {{ ref('zona_waktu') }}

),

placed as (

    select
        punches.nip,
        punches.sumber,
        punches.id_perangkat,
        punches.lat,
        punches.lon,
        employee_history.kode_unit,
        units.lat as lat_unit,
        units.lon as lon_unit,
        units.radius_presensi_m,
        zones.utc_offset_jam,
        {{ to_utc('punches.waktu_tertulis', 'coalesce(punches.offset_menit_tertulis, zones.utc_offset_jam * 60)') }} as waktu_utc,
        punches._extraction_date,
        punches._loaded_at,
        punches._row_number
    from punches
    inner join employee_history
        on punches.nip = employee_history.nip
        and cast(punches.waktu_tertulis as date) >= employee_history.berlaku_mulai
        and cast(punches.waktu_tertulis as date) < employee_history.berlaku_sampai
    inner join units
        on employee_history.kode_unit = units.kode_unit
    inner join zones
        on units.zona_waktu = zones.zona_waktu

),

distinct_punches as (

    select
        *,
        row_number() over (
            partition by nip, waktu_utc
            order by _extraction_date, _loaded_at, _row_number
        ) as repeat_rank
    from placed

)

select
    nip,
    waktu_utc,
    {{ to_local_time('waktu_utc', 'utc_offset_jam') }} as waktu_lokal,
    cast({{ to_local_time('waktu_utc', 'utc_offset_jam') }} as date) as tanggal,
    sumber,
    id_perangkat,
    lat,
    lon,
    kode_unit,
    lat_unit,
    lon_unit,
    radius_presensi_m
from distinct_punches
where repeat_rank = 1
