-- PEGAWAI_TANPA_AKTIVITAS: an employee in active service (AKTIF, and appointed: from tmt_cpns)
-- on at least peringatan_tanpa_aktivitas_hari_min days of the data, who in all that time never
-- punched, was never rated (SKP) and never trained: a record that may have nobody behind it.
-- The data runs from the first to the last local date with any punch: outside it nobody's
-- absence of punches says anything. Grain: nip.
-- Rebuilt whole every night, not incrementally: a finding spans the whole data window, which
-- every new day widens for every active employee (a silent stretch can reach the threshold, or
-- a punch anywhere in it clear it). It reads two columns of the punches (nip, day) against the
-- employees, none of the matching work of the day-level rules.

with punches as (

    select * from {{ ref('int_presensi__punch') }}

),

data_window as (

    select min(tanggal) as awal, max(tanggal) as akhir from punches

),

active_spans as (

    select
        history.nip,
        greatest(
            history.berlaku_mulai, coalesce(history.tmt_cpns, history.berlaku_mulai), data_window.awal
        ) as mulai,
        least({{ add_days('history.berlaku_sampai', -1) }}, data_window.akhir) as selesai
    from {{ ref('int_pegawai__riwayat') }} as history
    cross join data_window
    where history.aktif

),

per_employee as (

    select
        nip,
        min(mulai) as mulai,
        max(selesai) as selesai,
        sum({{ dbt.datediff('mulai', 'selesai', 'day') }} + 1) as hari_aktif
    from active_spans
    where selesai >= mulai
    group by nip
    having sum({{ dbt.datediff('mulai', 'selesai', 'day') }} + 1)
        >= {{ var('peringatan_tanpa_aktivitas_hari_min') }}

),

silent as (

    select per_employee.*
    from per_employee
    where not exists (
            select 1 from punches
            where punches.nip = per_employee.nip
              and punches.tanggal between per_employee.mulai and per_employee.selesai
        )
      and not exists (
            select 1 from {{ ref('stg_ekinerja__skp') }} as skp
            where skp.nip = per_employee.nip
              and skp.tanggal_penilaian between per_employee.mulai and per_employee.selesai
        )
      and not exists (
            select 1 from {{ ref('stg_simpeg__pelatihan') }} as pelatihan
            where pelatihan.nip = per_employee.nip
              and pelatihan.tanggal_selesai >= per_employee.mulai
              and pelatihan.tanggal_mulai <= per_employee.selesai
        )

)

select
    {{ kolom_temuan(
        'PEGAWAI_TANPA_AKTIVITAS',
        'silent.nip',
        tanggal_mulai='silent.mulai',
        tanggal_selesai='silent.selesai',
        jumlah_kejadian='silent.hari_aktif',
    ) }},
    'AKTIF ' || {{ as_text('silent.hari_aktif') }} || ' hari (' || {{ as_text('silent.mulai') }}
        || ' s.d. ' || {{ as_text('silent.selesai') }} || ', unit '
        || coalesce(employee.kode_unit, '-')
        || ') tanpa satu pun presensi, penilaian SKP, maupun pelatihan' as bukti
from silent
left join {{ ref('stg_simpeg__pegawai') }} as employee
    on silent.nip = employee.nip
