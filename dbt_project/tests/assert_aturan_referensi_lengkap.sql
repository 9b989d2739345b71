-- Every code of the contract has its rule in the hand-written reference seeds: each kind of
-- izin a status, each education level a rank, each SKP period its months, each pair of ratings
-- a predikat, each predikat a name. A contract change without the matching rule fails here.

with contract_codes as (

    select * from {{ ref('kode_kontrak') }}

),

missing as (

    select 'jenis_izin' as seed, kode
    from contract_codes
    where ekstrak = 'izin' and kolom = 'jenis'
      and kode not in (select jenis from {{ ref('jenis_izin') }})

    union all

    select 'tingkat_pendidikan', kode
    from contract_codes
    where ekstrak = 'pegawai' and kolom = 'pendidikan'
      and kode not in (select pendidikan from {{ ref('tingkat_pendidikan') }})

    union all

    select 'periode_skp', kode
    from contract_codes
    where ekstrak = 'skp' and kolom = 'periode'
      and kode not in (select periode from {{ ref('periode_skp') }})

    union all

    select 'predikat', kode
    from contract_codes
    where ekstrak = 'skp' and kolom = 'predikat'
      and kode not in (select predikat from {{ ref('predikat') }})

    union all

    select 'zona_waktu', kode
    from contract_codes
    where ekstrak = 'unit_kerja' and kolom = 'zona_waktu'
      and kode not in (select zona_waktu from {{ ref('zona_waktu') }})

    union all

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
