-- The predikat names written into the matrix for reading agree with the predikat seed.

select matrix.rating_hasil_kerja, matrix.rating_perilaku_kerja, matrix.nama_predikat, names.nama_predikat as nama_seharusnya
from {{ ref('matriks_predikat') }} as matrix
inner join {{ ref('predikat') }} as names
    on matrix.predikat = names.predikat
where matrix.nama_predikat <> names.nama_predikat
