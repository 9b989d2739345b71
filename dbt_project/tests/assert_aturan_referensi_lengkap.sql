-- Every code of the contract has its rule in the hand-written reference seeds: each kind of
-- izin a status, each education level a rank, each SKP period its months, each pair of ratings
-- a predikat, each predikat a name. A contract change without the matching rule fails here.

with contract_codes as (

    select * from {{ ref('kode_kontrak') }}

),

{#- seed: the extract and column of the contract whose codes it holds, in a column of that name -#}
{%- set rules = {
    'jenis_izin': ('izin', 'jenis'),
    'tingkat_pendidikan': ('pegawai', 'pendidikan'),
    'periode_skp': ('skp', 'periode'),
    'predikat': ('skp', 'predikat'),
    'zona_waktu': ('unit_kerja', 'zona_waktu'),
} %}

missing as (

    {%- for seed, (extract, column) in rules.items() %}

    select '{{ seed }}' as seed, kode
    from contract_codes
    where ekstrak = '{{ extract }}' and kolom = '{{ column }}'
      and kode not in (select {{ column }} from {{ ref(seed) }})

    union all
    {%- endfor %}

    select 'matriks_predikat', hasil.kode || '/' || perilaku.kode
    from contract_codes as hasil
    cross join contract_codes as perilaku
    where hasil.ekstrak = 'skp' and hasil.kolom = 'rating_hasil_kerja'
      and perilaku.ekstrak = 'skp' and perilaku.kolom = 'rating_perilaku_kerja'
      and not exists (
          select 1
          from {{ ref('matriks_predikat') }} as matrix
          where matrix.rating_hasil_kerja = hasil.kode
            and matrix.rating_perilaku_kerja = perilaku.kode
      )

)

select * from missing
