-- BUDDY_PUNCHING: two NIPs punching on one device within peringatan_buddy_detik_maks seconds of
-- each other on at least peringatan_buddy_hari_min distinct days, and on at least
-- peringatan_buddy_rasio_hari_min of the days the less present of the two punched at all.
-- A queue at a terminal puts two colleagues seconds apart now and then; a repetition that
-- chance does not explain is the signal. Grain: unordered pair (nip < nip_terkait).
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

close_punches as (

    select
        own.nip,
        other.nip as nip_terkait,
        own.id_perangkat,
        own.tanggal,
        own.waktu_lokal,
        other.waktu_lokal as waktu_lokal_terkait,
        abs({{ seconds_between('own.waktu_utc', 'other.waktu_utc') }}) as selisih_detik
    from punches_with_neighbour_buckets as own
    inner join punches as other
        on own.id_perangkat = other.id_perangkat
        and own.ember_tetangga = other.ember
    where own.nip < other.nip
      and abs({{ seconds_between('own.waktu_utc', 'other.waktu_utc') }}) <= {{ window_s }}

),

closest_per_day as (

    -- a pair that meets at arrival and at departure counts the day once, by its closest meeting
    select
        *,
        row_number() over (
            partition by nip, nip_terkait, tanggal
            order by selisih_detik, waktu_lokal, id_perangkat
        ) as day_rank
    from close_punches

),

days_together as (

    select * from closest_per_day where day_rank = 1

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
    from days_together
    group by nip, nip_terkait, id_perangkat

),

pairs as (

    select
        nip,
        nip_terkait,
        min(tanggal) as tanggal_mulai,
        max(tanggal) as tanggal_selesai,
        count(*) as jumlah_hari,
        avg(cast(selisih_detik as {{ type_double() }})) as selisih_detik_rata,
        {{ dbt.listagg(
            as_text('tanggal') ~ " || ' ' || " ~ as_text('cast(waktu_lokal as time)')
                ~ " || '/' || " ~ as_text('cast(waktu_lokal_terkait as time)')
                ~ " || ' di ' || id_perangkat || ' (' || "
                ~ as_text('cast(selisih_detik as integer)') ~ " || ' dtk)'",
            "'; '",
            'order by tanggal',
            shown
        ) }} as contoh
    from days_together
    group by nip, nip_terkait
    having count(*) >= {{ var('peringatan_buddy_hari_min') }}

),

with_ratio as (

    select
        pairs.*,
        main_device.id_perangkat,
        cast(pairs.jumlah_hari as {{ type_double() }})
            / least(own.jumlah_hari_hadir, other.jumlah_hari_hadir) as rasio_kejadian
    from pairs
    inner join main_device
        on pairs.nip = main_device.nip
        and pairs.nip_terkait = main_device.nip_terkait
        and main_device.device_rank = 1
    inner join days_present as own
        on pairs.nip = own.nip
    inner join days_present as other
        on pairs.nip_terkait = other.nip

)

select
    'BUDDY_PUNCHING' as pola,
    nip,
    nip_terkait,
    cast(null as date) as tanggal,
    tanggal_mulai,
    tanggal_selesai,
    cast(jumlah_hari as integer) as jumlah_kejadian,
    id_perangkat,
    cast(null as {{ type_double() }}) as jarak_m,
    cast(null as {{ type_double() }}) as kecepatan_kmh,
    {{ round_double('selisih_detik_rata', 1) }} as selisih_detik,
    {{ round_double('rasio_kejadian', 3) }} as rasio_kejadian,
    'Presensi berselisih paling lama {{ window_s }} detik pada perangkat yang sama di '
        || {{ as_text('jumlah_hari') }} || ' hari ('
        || {{ as_text('cast(round(100 * rasio_kejadian) as integer)') }}
        || '% hari hadir), ' || {{ as_text('tanggal_mulai') }} || ' s.d. '
        || {{ as_text('tanggal_selesai') }} || ': ' || contoh
        || case when jumlah_hari > {{ shown }} then '; ...' else '' end as bukti
from with_ratio
where rasio_kejadian >= {{ var('peringatan_buddy_rasio_hari_min') }}
