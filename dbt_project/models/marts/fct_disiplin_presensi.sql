-- Attendance discipline (disiplin presensi) per employee and calendar year: unexcused days and
-- the longest run of them, and the PP 94/2021 level and sanction they imply. The thresholds are
-- data (seed sanksi_disiplin): each row matches either the cumulative count (KUMULATIF) or the
-- longest run (BERTURUT) within its day range; the heaviest match (highest urutan) applies.

{{ config(materialized='incremental', unique_key='tahun') }}
-- Incremental by year, rebuilding the same years as int_disiplin__tahunan (same window, same
-- watermark: `_dimuat_pada` passes through).

with yearly as (

    select * from {{ ref('int_disiplin__tahunan') }}
    {% if is_incremental() %}
    where tahun >= cast(extract(year from {{ awal_periode_dibangun_ulang('year') }}) as integer)
    {% endif %}

),

sanctions as (

    select * from {{ ref('sanksi_disiplin') }}

),

matched as (

    select
        yearly.nip,
        yearly.tahun,
        sanctions.urutan,
        sanctions.dasar,
        sanctions.tingkat_hukdis,
        sanctions.sanksi,
        row_number() over (
            partition by yearly.nip, yearly.tahun
            order by sanctions.urutan desc, sanctions.dasar
        ) as severity_rank
    from yearly
    inner join sanctions
        on case sanctions.dasar
            when 'KUMULATIF' then yearly.hari_tanpa_keterangan
            when 'BERTURUT' then yearly.rangkaian_terpanjang
        end between sanctions.hari_minimal and sanctions.hari_maksimal

)

select
    yearly.nip,
    {{ pseudonym_key('yearly.nip') }} as pegawai_key,
    yearly.tahun,
    yearly.kode_unit,
    yearly.hari_kerja_tercakup,
    yearly.hari_tanpa_keterangan,
    yearly.rangkaian_terpanjang,
    matched.tingkat_hukdis,
    matched.sanksi,
    matched.dasar as dasar_sanksi,
    yearly.tanggal_terakhir,
    yearly._dimuat_pada
from yearly
left join matched
    on yearly.nip = matched.nip
    and yearly.tahun = matched.tahun
    and matched.severity_rank = 1
