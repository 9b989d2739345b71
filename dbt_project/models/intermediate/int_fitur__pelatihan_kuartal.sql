-- Competency development per employee and quarter: lesson hours (JP) of training finished in
-- the 12 months up to the quarter's end (PNS owe 20 JP a year, PP 17/2020).

with quarters as (

    select * from {{ ref('int_periode__kuartal') }}

),

trainings as (

    select * from {{ ref('stg_simpeg__pelatihan') }}

)

select
    quarters.periode_id,
    trainings.nip,
    min(quarters.tanggal_akhir_periode) as tanggal_akhir_periode,
    sum(trainings.jp) as jp_12_bulan,
    max(trainings.tanggal_selesai) as tanggal_pelatihan_terakhir
from quarters
inner join trainings
    on {{ dalam_bulan_terakhir('trainings.tanggal_selesai', 'quarters.tanggal_akhir_periode', 12) }}
group by quarters.periode_id, trainings.nip
