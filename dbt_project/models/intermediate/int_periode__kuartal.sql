-- The quarters (triwulan) the ML features are computed for: from the quarter of the earliest
-- covered attendance day to the last quarter that is complete, i.e. whose last working day is
-- covered (a quarter ending on a weekend or holiday is complete on its last working day, the
-- latest of any calendar: a six-day unit's Saturday counts).

with covered_days as (

    select * from {{ ref('int_presensi__hari_tercakup') }}

),

calendar as (

    select * from {{ ref('int_kalender__hari') }}

),

coverage as (

    select
        {{ quarter_start('min(tanggal)') }} as first_quarter_start,
        max(tanggal) as last_covered_day
    from covered_days

),

quarter_numbers as (

    select n from {{ integer_series(200) }} as series (n)

),

quarters as (

    select
        {{ add_months('coverage.first_quarter_start', '3 * quarter_numbers.n') }} as tanggal_mulai_periode,
        {{ add_days(add_months('coverage.first_quarter_start', '3 * quarter_numbers.n + 3'), -1) }} as tanggal_akhir_periode,
        coverage.last_covered_day
    from coverage
    cross join quarter_numbers
    where coverage.first_quarter_start is not null

),

complete_quarters as (

    select quarters.tanggal_mulai_periode, quarters.tanggal_akhir_periode
    from quarters
    inner join calendar
        on calendar.tanggal between quarters.tanggal_mulai_periode and quarters.tanggal_akhir_periode
        and calendar.hari_kerja
    group by quarters.tanggal_mulai_periode, quarters.tanggal_akhir_periode, quarters.last_covered_day
    having max(calendar.tanggal) <= quarters.last_covered_day

)

select
    cast(extract(year from tanggal_mulai_periode) as integer) || '-TW'
        || cast(extract(quarter from tanggal_mulai_periode) as integer) as periode_id,
    cast(extract(year from tanggal_mulai_periode) as integer) as tahun,
    cast(extract(quarter from tanggal_mulai_periode) as integer) as kuartal,
    'TW' || cast(extract(quarter from tanggal_mulai_periode) as integer) as periode,
    tanggal_mulai_periode,
    tanggal_akhir_periode
from complete_quarters
