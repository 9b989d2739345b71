-- Competency development (pengembangan kompetensi) per employee and calendar year: lesson hours
-- (JP) of training finished in the year against the rule of the employee's status, seed
-- ketentuan_jp: PNS and CPNS at least 20 JP a year (PP 17/2020), PPPK at most 24 JP (PP 49/2018).
-- One row per employee in active service at some point of a year the warehouse has data for
-- (covered attendance days or finished trainings); the status is the last one held in service
-- that year. RESTRICTED (carries nip) like the other fct marts.

with employee_history as (

    select * from {{ ref('int_pegawai__riwayat') }}

),

trainings as (

    select * from {{ ref('stg_simpeg__pelatihan') }}
    where tanggal_selesai is not null

),

rules as (

    select * from {{ ref('ketentuan_jp') }}

),

years as (

    select distinct cast(extract(year from tanggal) as integer) as tahun
    from {{ ref('int_presensi__hari_tercakup') }}

    union

    select distinct cast(extract(year from tanggal_selesai) as integer)
    from trainings

),

employee_years as (

    select
        years.tahun,
        employee_history.nip,
        employee_history.status_kepegawaian,
        row_number() over (
            partition by years.tahun, employee_history.nip
            order by employee_history.berlaku_mulai desc
        ) as state_rank
    from years
    inner join employee_history
        on employee_history.berlaku_mulai <= make_date(years.tahun, 12, 31)
        and employee_history.berlaku_sampai > make_date(years.tahun, 1, 1)
    where employee_history.aktif
      and (employee_history.tmt_cpns is null or employee_history.tmt_cpns <= make_date(years.tahun, 12, 31))

),

jp_per_year as (

    select
        nip,
        cast(extract(year from tanggal_selesai) as integer) as tahun,
        sum(jp) as jp_total,
        count(*) as jumlah_pelatihan
    from trainings
    group by nip, cast(extract(year from tanggal_selesai) as integer)

)

select
    employee_years.nip,
    {{ pseudonym_key('employee_years.nip') }} as pegawai_key,
    employee_years.tahun,
    employee_years.status_kepegawaian,
    cast(coalesce(jp_per_year.jp_total, 0) as {{ type_double() }}) as jp_total,
    cast(coalesce(jp_per_year.jumlah_pelatihan, 0) as integer) as jumlah_pelatihan,
    cast(case when rules.jenis_batas = 'MINIMUM' then rules.jp end as {{ type_double() }}) as jp_minimum,
    cast(case when rules.jenis_batas = 'MAKSIMUM' then rules.jp end as {{ type_double() }}) as jp_maksimum,
    case rules.jenis_batas
        when 'MINIMUM' then coalesce(jp_per_year.jp_total, 0) >= rules.jp
        when 'MAKSIMUM' then coalesce(jp_per_year.jp_total, 0) <= rules.jp
    end as patuh_jp
from employee_years
left join jp_per_year
    on employee_years.nip = jp_per_year.nip
    and employee_years.tahun = jp_per_year.tahun
left join rules
    on employee_years.status_kepegawaian = rules.status_kepegawaian
where employee_years.state_rank = 1
