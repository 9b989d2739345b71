-- Grain of the ML feature table: one row per employee and quarter in which the employee was in
-- active service at some point, with the employee's state as it was KNOWN at the quarter's end:
-- the latest pegawai snapshot delivered by then. int_pegawai__riwayat backdates an employee's
-- first snapshot to 1900 (for the HR facts, the earliest record is the best there is); here that
-- would apply attributes delivered later (grade, position, education, unit) to earlier quarters
-- and bring in people the agency did not yet list (a transfer with an old TMT CPNS). So a state
-- counts from its own snapshot date: an employee first delivered after a quarter's end has no
-- row for it. Point in time: tenure and age at the end of the quarter; a position start after
-- it is unknown then (NULL); the unit's time zone as delivered by then (int_unit_kerja__riwayat).

with quarters as (

    select * from {{ ref('int_periode__kuartal') }}

),

employee_history as (

    select * from {{ ref('int_pegawai__riwayat') }}

),

units as (

    select * from {{ ref('int_unit_kerja__riwayat') }}

),

education_levels as (

    select * from {{ ref('tingkat_pendidikan') }}

),

active_in_quarter as (

    select distinct
        quarters.periode_id,
        employee_history.nip
    from quarters
    inner join employee_history
        on employee_history.tanggal_snapshot <= quarters.tanggal_akhir_periode
        and employee_history.berlaku_sampai > quarters.tanggal_mulai_periode
    where employee_history.aktif
      and (employee_history.tmt_cpns is null or employee_history.tmt_cpns <= quarters.tanggal_akhir_periode)

),

state_at_quarter_end as (

    select
        quarters.periode_id,
        quarters.tahun,
        quarters.kuartal,
        quarters.periode,
        quarters.tanggal_mulai_periode,
        quarters.tanggal_akhir_periode,
        employee_history.*,
        row_number() over (
            partition by quarters.periode_id, employee_history.nip
            order by employee_history.tanggal_snapshot desc
        ) as state_rank
    from active_in_quarter
    inner join quarters
        on active_in_quarter.periode_id = quarters.periode_id
    inner join employee_history
        on active_in_quarter.nip = employee_history.nip
        and employee_history.tanggal_snapshot <= quarters.tanggal_akhir_periode

),

ages as (

    select
        *,
        {{ whole_years_between('tanggal_lahir', 'tanggal_akhir_periode') }} as umur_tahun
    from state_at_quarter_end
    where state_rank = 1

)

select
    ages.nip,
    ages.periode_id,
    ages.tahun,
    ages.kuartal,
    ages.periode,
    ages.tanggal_mulai_periode,
    ages.tanggal_akhir_periode,
    case
        when ages.tmt_cpns <= ages.tanggal_akhir_periode
            then {{ years_between('ages.tmt_cpns', 'ages.tanggal_akhir_periode') }}
    end as masa_kerja_tahun,
    case
        when ages.tmt_jabatan <= ages.tanggal_akhir_periode
            then {{ years_between('ages.tmt_jabatan', 'ages.tanggal_akhir_periode') }}
    end as masa_jabatan_tahun,
    education_levels.tingkat_pendidikan,
    ages.jenis_jabatan,
    ages.jenis_kelamin,
    case
        when ages.umur_tahun < 30 then '<30'
        when ages.umur_tahun < 40 then '30-39'
        when ages.umur_tahun < 50 then '40-49'
        when ages.umur_tahun >= 50 then '50+'
    end as kelompok_umur,
    case
        when ages.status_kepegawaian = 'PPPK' then 'PPPK'
        when split_part(ages.golongan, '/', 1) in ('I', 'II') then 'I-II'
        when split_part(ages.golongan, '/', 1) = 'III' then 'III'
        when split_part(ages.golongan, '/', 1) = 'IV' then 'IV'
    end as kelompok_golongan,
    units.zona_waktu
from ages
left join units
    on ages.kode_unit = units.kode_unit
    and units.tanggal_snapshot <= ages.tanggal_akhir_periode
    and {{ berlaku_pada('units', 'ages.tanggal_akhir_periode') }}
left join education_levels
    on ages.pendidikan = education_levels.pendidikan
