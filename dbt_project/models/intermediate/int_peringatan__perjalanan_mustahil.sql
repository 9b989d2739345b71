-- PERJALANAN_MUSTAHIL: two consecutive punches of one employee on a local day whose positions
-- lie farther apart than peringatan_perjalanan_jarak_min_m at a speed above
-- peringatan_perjalanan_kecepatan_maks_kmh. A position is known for a MOBILE punch (its
-- lat/lon) and for a terminal punch (FINGERPRINT, FACE: the terminal stands in the unit's
-- office); a MANUAL punch has none and is skipped. One finding per employee and day, measured
-- at the fastest hop. The distance floor keeps GPS jitter between close punches from reading
-- as speed.

{{ config_jendela_peringatan() }}
-- Incremental by local day: a finding is one employee's day, the hops between that day's
-- punches, so only the days of int_peringatan__jendela's window are recomputed and replaced.
-- depends_on: {{ ref('int_peringatan__jendela') }}
{%- set min_distance_m = var('peringatan_perjalanan_jarak_min_m') %}
{%- set max_speed_kmh = var('peringatan_perjalanan_kecepatan_maks_kmh') %}

with punches as (

    select * from {{ ref('int_presensi__punch') }}
    {% if is_incremental() %}where tanggal >= {{ awal_jendela_peringatan() }}{% endif %}

),

positioned as (

    select
        nip,
        tanggal,
        waktu_utc,
        waktu_lokal,
        sumber,
        id_perangkat,
        case
            when sumber = 'MOBILE' then lat
            when sumber in ('FINGERPRINT', 'FACE') then lat_unit
        end as lat_posisi,
        case
            when sumber = 'MOBILE' then lon
            when sumber in ('FINGERPRINT', 'FACE') then lon_unit
        end as lon_posisi
    from punches

),

hops as (

    select
        *,
        lag(waktu_utc) over by_time as waktu_utc_sebelum,
        lag(waktu_lokal) over by_time as waktu_lokal_sebelum,
        lag(sumber) over by_time as sumber_sebelum,
        lag(id_perangkat) over by_time as id_perangkat_sebelum,
        lag(lat_posisi) over by_time as lat_sebelum,
        lag(lon_posisi) over by_time as lon_sebelum
    from positioned
    where lat_posisi is not null and lon_posisi is not null
    window by_time as (partition by nip, tanggal order by waktu_utc)

),

measured as (

    select
        *,
        {{ haversine_m('lat_sebelum', 'lon_sebelum', 'lat_posisi', 'lon_posisi') }} as jarak_m,
        cast({{ seconds_between('waktu_utc_sebelum', 'waktu_utc') }} as {{ type_double() }}) as selisih_detik
    from hops
    where waktu_utc_sebelum is not null

),

with_speed as (

    -- two punches in the same second: speed over one second (the data keeps whole seconds)
    select
        *,
        (jarak_m / 1000.0) / (greatest(selisih_detik, 1.0) / 3600.0) as kecepatan_kmh
    from measured

),

impossible as (

    select
        *,
        row_number() over (partition by nip, tanggal order by kecepatan_kmh desc, waktu_utc) as speed_rank
    from with_speed
    where jarak_m > {{ min_distance_m }}
      and kecepatan_kmh > {{ max_speed_kmh }}

),

per_day as (

    select
        nip,
        tanggal,
        count(*) as jumlah_lompatan,
        {{ dbt.listagg(
            as_text('cast(waktu_lokal_sebelum as time)') ~ " || ' ' || sumber_sebelum"
                ~ " || ' ' || coalesce(id_perangkat_sebelum, '-') || ' (' || "
                ~ as_text('lat_sebelum') ~ " || ', ' || " ~ as_text('lon_sebelum') ~ " || ') -> '"
                ~ " || " ~ as_text('cast(waktu_lokal as time)') ~ " || ' ' || sumber"
                ~ " || ' ' || coalesce(id_perangkat, '-') || ' (' || "
                ~ as_text('lat_posisi') ~ " || ', ' || " ~ as_text('lon_posisi') ~ " || '): '"
                ~ " || " ~ as_text('cast(round(jarak_m / 1000.0) as bigint)') ~ " || ' km dalam '"
                ~ " || " ~ as_text('cast(selisih_detik as bigint)') ~ " || ' dtk ('"
                ~ " || " ~ as_text('cast(round(kecepatan_kmh) as bigint)') ~ " || ' km/jam)'",
            "'; '",
            'order by waktu_utc'
        ) }} as daftar_lompatan
    from impossible
    group by nip, tanggal

)

select
    {{ kolom_temuan(
        'PERJALANAN_MUSTAHIL',
        'per_day.nip',
        tanggal_mulai='per_day.tanggal',
        tanggal_selesai='per_day.tanggal',
        jumlah_kejadian='per_day.jumlah_lompatan',
        tanggal='per_day.tanggal',
        id_perangkat='fastest.id_perangkat',
        jarak_m=round_double('fastest.jarak_m', 0),
        kecepatan_kmh=round_double('fastest.kecepatan_kmh', 1),
        selisih_detik='fastest.selisih_detik',
    ) }},
    'Perpindahan antar presensi berurutan lebih cepat dari {{ max_speed_kmh }} km/jam: '
        || per_day.daftar_lompatan as bukti
from per_day
inner join impossible as fastest
    on per_day.nip = fastest.nip
    and per_day.tanggal = fastest.tanggal
    and fastest.speed_rank = 1
