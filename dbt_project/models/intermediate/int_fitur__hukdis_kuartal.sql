-- Disciplinary sanctions per employee and quarter: decrees (SK) dated in the 24 months up to the
-- quarter's end (talent pools exclude staff sanctioned in the last two years).

with quarters as (

    select * from {{ ref('int_periode__kuartal') }}

),

sanctions as (

    select * from {{ ref('stg_simpeg__hukuman_disiplin') }}

)

select
    quarters.periode_id,
    sanctions.nip,
    min(quarters.tanggal_akhir_periode) as tanggal_akhir_periode,
    count(*) as jumlah_hukdis_24_bulan,
    max(sanctions.tanggal_sk) as tanggal_sk_terakhir
from quarters
inner join sanctions
    on {{ dalam_bulan_terakhir('sanctions.tanggal_sk', 'quarters.tanggal_akhir_periode', 24) }}
group by quarters.periode_id, sanctions.nip
