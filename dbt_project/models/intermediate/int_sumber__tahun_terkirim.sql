-- The years for which an incremental extract's records are known, so that "no record" can be
-- told from "nothing delivered". A year is known for an extract when
--   a date of that year holds a load of it (a header-only file counts: the source said nothing
--   happened, which is not the same as saying nothing), or
--   records dated in that year came with it before its first delivery date (the history a first
--   delivery carries).
-- Read by the 9-box for training (pelatihan, by tanggal_selesai) and discipline
-- (hukuman_disiplin, by tanggal_sk).

with attempts as (

    select * from {{ ref('stg_loader__load_audit') }}
    where ekstrak in ('pelatihan', 'hukuman_disiplin')
      and status in ('LOADED', 'RETRACTED')

),

latest_attempt_per_date as (

    select
        ekstrak,
        tanggal_ekstraksi,
        status,
        row_number() over (
            partition by ekstrak, tanggal_ekstraksi
            order by dicatat_pada desc
        ) as attempt_rank
    from attempts

),

delivered_dates as (

    select ekstrak, tanggal_ekstraksi
    from latest_attempt_per_date
    where attempt_rank = 1 and status = 'LOADED'

),

first_delivery as (

    select ekstrak, min(tanggal_ekstraksi) as tanggal_pertama
    from delivered_dates
    group by ekstrak

),

record_dates as (

    select 'pelatihan' as ekstrak, tanggal_selesai as tanggal_catatan
    from {{ ref('stg_simpeg__pelatihan') }}
    where tanggal_selesai is not null

    union all

    select 'hukuman_disiplin' as ekstrak, tanggal_sk as tanggal_catatan
    from {{ ref('stg_simpeg__hukuman_disiplin') }}
    where tanggal_sk is not null

),

history_years as (

    select distinct
        record_dates.ekstrak,
        cast(extract(year from record_dates.tanggal_catatan) as integer) as tahun
    from record_dates
    inner join first_delivery
        on record_dates.ekstrak = first_delivery.ekstrak
        and record_dates.tanggal_catatan <= first_delivery.tanggal_pertama

),

delivery_years as (

    select
        ekstrak,
        cast(extract(year from tanggal_ekstraksi) as integer) as tahun,
        count(*) as jumlah_tanggal_kirim
    from delivered_dates
    group by ekstrak, cast(extract(year from tanggal_ekstraksi) as integer)

)

select
    coalesce(delivery_years.ekstrak, history_years.ekstrak) as ekstrak,
    coalesce(delivery_years.tahun, history_years.tahun) as tahun,
    cast(coalesce(delivery_years.jumlah_tanggal_kirim, 0) as integer) as jumlah_tanggal_kirim
from delivery_years
full outer join history_years
    on delivery_years.ekstrak = history_years.ekstrak
    and delivery_years.tahun = history_years.tahun
