-- LUAR_GEOFENCE: a MOBILE punch farther from the unit's office than its radius_presensi_m plus
-- peringatan_geofence_toleransi_m (GPS drift; a phone indoors is often off by hundreds of
-- metres). One finding per employee and local day, measured at the farthest punch.
-- A MOBILE punch without position is not a distance and is left to int_presensi__harian.

{{ config_jendela_peringatan() }}
-- Incremental by local day: a finding is one employee's day, judged on that day's punches
-- alone, so only the days of int_peringatan__jendela's window are recomputed and replaced.
-- depends_on: {{ ref('int_peringatan__jendela') }}
{%- set tolerance_m = var('peringatan_geofence_toleransi_m') %}

with punches as (

    select * from {{ ref('int_presensi__punch') }}
    where sumber = 'MOBILE'
      {% if is_incremental() %}and tanggal >= {{ awal_jendela_peringatan() }}{% endif %}
      and lat is not null and lon is not null
      and lat_unit is not null and lon_unit is not null
      and radius_presensi_m is not null

),

measured as (

    select
        *,
        {{ haversine_m('lat_unit', 'lon_unit', 'lat', 'lon') }} as jarak_m
    from punches

),

outside as (

    select
        *,
        row_number() over (partition by nip, tanggal order by jarak_m desc, waktu_utc) as distance_rank
    from measured
    where jarak_m > radius_presensi_m + {{ tolerance_m }}

),

per_day as (

    {{ punch_per_hari(
        'outside',
        as_text('cast(waktu_lokal as time)') ~ " || ' ' || coalesce(id_perangkat, '-') || ' ('"
            ~ " || " ~ as_text('lat') ~ " || ', ' || " ~ as_text('lon') ~ " || ') '"
            ~ " || " ~ as_text('cast(round(jarak_m) as bigint)') ~ " || ' m'"
    ) }}

)

select
    {{ kolom_temuan(
        'LUAR_GEOFENCE',
        'per_day.nip',
        tanggal_mulai='per_day.tanggal',
        tanggal_selesai='per_day.tanggal',
        jumlah_kejadian='per_day.jumlah_punch',
        tanggal='per_day.tanggal',
        id_perangkat='farthest.id_perangkat',
        jarak_m=round_double('farthest.jarak_m', 0),
    ) }},
    'Presensi MOBILE di luar geofence unit ' || farthest.kode_unit || ' (kantor '
        || {{ as_text('farthest.lat_unit') }} || ', ' || {{ as_text('farthest.lon_unit') }}
        || ', radius ' || {{ as_text('farthest.radius_presensi_m') }} || ' m + toleransi {{ tolerance_m }} m): '
        || per_day.daftar_punch as bukti
from per_day
inner join outside as farthest
    on per_day.nip = farthest.nip
    and per_day.tanggal = farthest.tanggal
    and farthest.distance_rank = 1
