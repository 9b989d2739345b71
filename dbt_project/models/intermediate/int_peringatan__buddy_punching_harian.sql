-- The days behind BUDDY_PUNCHING: one row per unordered pair (nip < nip_terkait) and local day
-- on which their punches met on one device, within peringatan_buddy_detik_maks seconds of each
-- other, at peringatan_buddy_pertemuan_min separate moments (arriving and leaving). The pair
-- rule (int_peringatan__buddy_punching) adds these days up over the whole history.
-- Scale: punches are matched within (device, time bucket of the window's width) and the two
-- neighbouring buckets, an equi-join, never a cross join of a day's punches.
{%- set window_s = var('peringatan_buddy_detik_maks') %}

{{ config_jendela_peringatan(-1) }}
-- Incremental by local day, the expensive half of the rule (every punch of the history meets
-- its neighbours): only the days of int_peringatan__jendela's window are matched again, and one
-- day before it, whose late punches may meet a punch of the window's first day just after
-- midnight; the punches read start one day earlier still, for the same reason. The thresholds
-- are applied here, so a run with other peringatan_buddy_* vars needs --full-refresh.
-- depends_on: {{ ref('int_peringatan__jendela') }}

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
      {% if is_incremental() %}and tanggal >= {{ awal_jendela_peringatan(-2) }}{% endif %}

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
      {% if is_incremental() %}and own.tanggal >= {{ awal_jendela_peringatan(-1) }}{% endif %}

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

)

select
    nip,
    nip_terkait,
    tanggal,
    cast(jumlah_pertemuan as integer) as jumlah_pertemuan,
    selisih_detik_rata,
    id_perangkat,
    daftar_pertemuan
from meeting_days
where jumlah_pertemuan >= {{ var('peringatan_buddy_pertemuan_min') }}
