-- The configured tukin scheme (var skema_tukin) must have rates in seed potongan_tukin for
-- late arrival, early leave and absence; otherwise every deduction would silently be 0.
select pelanggaran
from (values ('TL'), ('PSW'), ('TK')) as required (pelanggaran)
where not exists (
    select 1
    from {{ ref('potongan_tukin') }} as rates
    where rates.skema = '{{ var("skema_tukin") }}'
      and rates.pelanggaran = required.pelanggaran
)
