-- BUDDY_PUNCHING: two NIPs whose punches meet on one device, within peringatan_buddy_detik_maks
-- seconds of each other, at peringatan_buddy_pertemuan_min separate moments of a day (arriving
-- and leaving: the colleague punched in and out for someone who was not there), on at least
-- peringatan_buddy_hari_min distinct days. A queue at a terminal puts two colleagues seconds
-- apart at one moment now and then (on about one shared day in sixteen in the synthetic
-- agency); meeting at both ends of the day, again and again, is what chance does not explain.
-- Grain: unordered pair (nip < nip_terkait).
-- Scale: punches are matched within (device, time bucket of the window's width) and the two
-- neighbouring buckets, an equi-join, never a cross join of a day's punches.
{%- set window_s = var('peringatan_buddy_detik_maks') %}
{%- set shown = 10 %}

with punches as (

    select
        nip,
        waktu_utc,
        waktu_lokal,
        tanggal,
        id_perangkat,
        cast(floor({{ epoch_seconds('waktu_utc') }} / {{ window_s }}) as bigint) as ember
    from {{ ref('int_presensi__punch') }}
    where id_perangkat is not null

),

days_present as (

    select nip, count(distinct tanggal) as jumlah_hari_hadir
    from {{ ref('int_presensi__punch') }}
    group by nip

),

punches_with_neighbour_buckets as (

    -- a punch meets every punch of its own bucket and of the buckets either side; each pair of
    -- punches is met exactly once, in the other punch's own bucket
    select punches.*, punches.ember + offsets.geser as ember_tetangga
    from punches
    cross join (values (-1), (0), (1)) as offsets (geser)

),

meetings as (

    select
        own.nip,
        other.nip as nip_terkait,
        own.id_perangkat,
        own.tanggal,
        own.waktu_utc,
        own.waktu_lokal,
        other.waktu_utc as waktu_utc_terkait,
        other.waktu_lokal as waktu_lokal_terkait,
        abs({{ seconds_between('own.waktu_utc', 'other.waktu_utc') }}) as selisih_detik
    from punches_with_neighbour_buckets as own
    inner join punches as other
        on own.id_perangkat = other.id_perangkat
        and own.ember_tetangga = other.ember
    where own.nip < other.nip
      and abs({{ seconds_between('own.waktu_utc', 'other.waktu_utc') }}) <= {{ window_s }}

),

meeting_days as (

    -- separate moments: distinct punches on both sides (one punch next to a double punch of
    -- the other is still one moment)
    select
        nip,
        nip_terkait,
        tanggal,
        least(count(distinct waktu_utc), count(distinct waktu_utc_terkait)) as jumlah_pertemuan,
        avg(cast(selisih_detik as {{ type_double() }})) as selisih_detik_rata,
        min(id_perangkat) as id_perangkat,
        {{ dbt.listagg(
            as_text('cast(waktu_lokal as time)') ~ " || '/' || "
                ~ as_text('cast(waktu_lokal_terkait as time)'),
            "', '",
            'order by waktu_utc, waktu_utc_terkait'
        ) }} as daftar_pertemuan
    from meetings
    group by nip, nip_terkait, tanggal

),

buddy_days as (

    select * from meeting_days
    where jumlah_pertemuan >= {{ var('peringatan_buddy_pertemuan_min') }}

),

main_device as (

    select
        nip,
        nip_terkait,
        id_perangkat,
        row_number() over (
            partition by nip, nip_terkait
            order by count(*) desc, id_perangkat
        ) as device_rank
    from buddy_days
    group by nip, nip_terkait, id_perangkat

),

pairs as (

    select
        nip,
        nip_terkait,
        min(tanggal) as tanggal_mulai,
        max(tanggal) as tanggal_selesai,
        count(*) as jumlah_hari,
        avg(selisih_detik_rata) as selisih_detik_rata,
        {{ dbt.listagg(
            as_text('tanggal') ~ " || ' ' || daftar_pertemuan || ' di ' || id_perangkat",
            "'; '",
            'order by tanggal',
            shown
        ) }} as contoh
    from buddy_days
    group by nip, nip_terkait
    having count(*) >= {{ var('peringatan_buddy_hari_min') }}

)

select
    'BUDDY_PUNCHING' as pola,
    pairs.nip,
    pairs.nip_terkait,
    cast(null as date) as tanggal,
    pairs.tanggal_mulai,
    pairs.tanggal_selesai,
    cast(pairs.jumlah_hari as integer) as jumlah_kejadian,
    main_device.id_perangkat,
    cast(null as {{ type_double() }}) as jarak_m,
    cast(null as {{ type_double() }}) as kecepatan_kmh,
    {{ round_double('pairs.selisih_detik_rata', 1) }} as selisih_detik,
    {{ round_double(
        'cast(pairs.jumlah_hari as ' ~ type_double() ~ ')'
        ~ ' / least(own.jumlah_hari_hadir, other.jumlah_hari_hadir)', 3
    ) }} as rasio_kejadian,
    'Presensi berselisih paling lama {{ window_s }} detik pada perangkat yang sama, '
        || 'saat datang dan pulang, di ' || {{ as_text('pairs.jumlah_hari') }} || ' hari ('
        || {{ as_text('pairs.tanggal_mulai') }} || ' s.d. '
        || {{ as_text('pairs.tanggal_selesai') }} || '): ' || pairs.contoh
        || case when pairs.jumlah_hari > {{ shown }} then '; ...' else '' end as bukti
from pairs
inner join main_device
    on pairs.nip = main_device.nip
    and pairs.nip_terkait = main_device.nip_terkait
    and main_device.device_rank = 1
inner join days_present as own
    on pairs.nip = own.nip
inner join days_present as other
    on pairs.nip_terkait = other.nip
