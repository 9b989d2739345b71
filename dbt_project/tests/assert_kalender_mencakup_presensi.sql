{{ config(severity='warn') }}
-- Punches delivered for days beyond the holiday seed's years cannot be judged: extend
-- kinerja.transform.seeds.HOLIDAY_YEARS and regenerate the seeds.

select distinct punches._extraction_date
from {{ ref('stg_presensi__punches') }} as punches
where punches._extraction_date > (select max(tanggal) from {{ ref('int_kalender__hari') }})
