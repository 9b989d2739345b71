"""Static reference data the synthetic source draws from: places, unit and position names,
training titles, sanction wording. Data only; the rules that use it live in the other modules."""

from __future__ import annotations

from dataclasses import dataclass

INSTANSI = "Badan Layanan Aparatur Negara"  # fictional national agency with regional offices
EMAIL_DOMAIN = "blan.go.id"


@dataclass(frozen=True)
class City:
    name: str
    zona_waktu: str
    province_code: str  # first two NIK digits of people born there
    lat: float
    lon: float


HEADQUARTERS = City("Jakarta", "WIB", "31", -6.1805, 106.8284)

# Regional office locations across the three time zones (approximate city centres).
CITIES: tuple[City, ...] = (
    City("Banda Aceh", "WIB", "11", 5.5483, 95.3238),
    City("Medan", "WIB", "12", 3.5952, 98.6722),
    City("Padang", "WIB", "13", -0.9471, 100.4172),
    City("Pekanbaru", "WIB", "14", 0.5071, 101.4478),
    City("Jambi", "WIB", "15", -1.6101, 103.6131),
    City("Palembang", "WIB", "16", -2.9761, 104.7754),
    City("Bengkulu", "WIB", "17", -3.7928, 102.2608),
    City("Bandar Lampung", "WIB", "18", -5.3971, 105.2668),
    City("Pangkalpinang", "WIB", "19", -2.1316, 106.1169),
    City("Tanjungpinang", "WIB", "21", 0.9186, 104.4554),
    City("Bandung", "WIB", "32", -6.9175, 107.6191),
    City("Semarang", "WIB", "33", -6.9667, 110.4167),
    City("Yogyakarta", "WIB", "34", -7.7956, 110.3695),
    City("Surabaya", "WIB", "35", -7.2575, 112.7521),
    City("Serang", "WIB", "36", -6.1200, 106.1503),
    City("Pontianak", "WIB", "61", -0.0263, 109.3425),
    City("Palangka Raya", "WIB", "62", -2.2136, 113.9108),
    City("Malang", "WIB", "35", -7.9666, 112.6326),
    City("Surakarta", "WIB", "33", -7.5755, 110.8243),
    City("Bogor", "WIB", "32", -6.5971, 106.8060),
    City("Cirebon", "WIB", "32", -6.7320, 108.5523),
    City("Purwokerto", "WIB", "33", -7.4245, 109.2302),
    City("Kediri", "WIB", "35", -7.8480, 112.0178),
    City("Jember", "WIB", "35", -8.1845, 113.6681),
    City("Tasikmalaya", "WIB", "32", -7.3274, 108.2207),
    City("Pematangsiantar", "WIB", "12", 2.9595, 99.0687),
    City("Lhokseumawe", "WIB", "11", 5.1801, 97.1507),
    City("Bukittinggi", "WIB", "13", -0.3055, 100.3692),
    City("Batam", "WIB", "21", 1.0456, 104.0305),
    City("Lubuklinggau", "WIB", "16", -3.2967, 102.8617),
    City("Singkawang", "WIB", "61", 0.9060, 108.9872),
    City("Sampit", "WIB", "62", -2.5312, 112.9490),
    City("Tegal", "WIB", "33", -6.8694, 109.1402),
    City("Madiun", "WIB", "35", -7.6298, 111.5239),
    City("Denpasar", "WITA", "51", -8.6705, 115.2126),
    City("Mataram", "WITA", "52", -8.5833, 116.1167),
    City("Kupang", "WITA", "53", -10.1772, 123.6070),
    City("Banjarmasin", "WITA", "63", -3.3194, 114.5908),
    City("Samarinda", "WITA", "64", -0.5022, 117.1536),
    City("Balikpapan", "WITA", "64", -1.2379, 116.8529),
    City("Tanjung Selor", "WITA", "65", 2.8375, 117.3653),
    City("Tarakan", "WITA", "65", 3.3000, 117.6333),
    City("Manado", "WITA", "71", 1.4748, 124.8421),
    City("Palu", "WITA", "72", -0.8917, 119.8707),
    City("Makassar", "WITA", "73", -5.1477, 119.4327),
    City("Kendari", "WITA", "74", -3.9985, 122.5130),
    City("Gorontalo", "WITA", "75", 0.5435, 123.0568),
    City("Mamuju", "WITA", "76", -2.6748, 118.8885),
    City("Bima", "WITA", "52", -8.4606, 118.7270),
    City("Ende", "WITA", "53", -8.8432, 121.6623),
    City("Parepare", "WITA", "73", -4.0135, 119.6255),
    City("Palopo", "WITA", "73", -2.9925, 120.1969),
    City("Bitung", "WITA", "71", 1.4404, 125.1217),
    City("Singaraja", "WITA", "51", -8.1120, 115.0882),
    City("Banjarbaru", "WITA", "63", -3.4425, 114.8306),
    City("Labuan Bajo", "WITA", "53", -8.4964, 119.8877),
    City("Ambon", "WIT", "81", -3.6954, 128.1814),
    City("Sofifi", "WIT", "82", 0.7333, 127.5667),
    City("Ternate", "WIT", "82", 0.7907, 127.3842),
    City("Jayapura", "WIT", "91", -2.5337, 140.7181),
    City("Manokwari", "WIT", "92", -0.8615, 134.0620),
    City("Sorong", "WIT", "92", -0.8762, 131.2558),
    City("Merauke", "WIT", "91", -8.4932, 140.4018),
    City("Timika", "WIT", "91", -4.5460, 136.8883),
    City("Nabire", "WIT", "91", -3.3667, 135.4833),
    City("Wamena", "WIT", "91", -4.0956, 138.9483),
    City("Tual", "WIT", "81", -5.6333, 132.7333),
    City("Biak", "WIT", "91", -1.1800, 136.0800),
)

HQ_DIVISIONS = (
    "Sekretariat",
    "Bidang Perencanaan dan Evaluasi",
    "Bidang Pengembangan Kompetensi",
    "Bidang Data dan Sistem Informasi",
    "Bidang Pengawasan dan Pengendalian",
    "Bidang Layanan Aparatur",
)
SECRETARIAT_SECTIONS = (
    "Subbagian Umum",
    "Subbagian Keuangan",
    "Subbagian Kepegawaian",
    "Subbagian Perencanaan dan Pelaporan",
)
HQ_SECTIONS = (
    "Subbidang Perencanaan",
    "Subbidang Pelaksanaan",
    "Subbidang Evaluasi",
    "Subbidang Kerja Sama",
)
REGIONAL_OFFICE = "Kantor Regional"
REGIONAL_SECTIONS = (
    "Subbagian Tata Usaha",
    "Seksi Pelayanan",
    "Seksi Data dan Informasi",
    "Seksi Pengawasan dan Evaluasi",
)
NEW_SECTION = "Seksi Transformasi Digital"  # the unit the mid-range reorganisation creates

# Functional position families: the ahli track needs D4/S1 or more, the terampil track D3.
FUNGSIONAL_AHLI = (
    "Analis Kebijakan",
    "Analis Sumber Daya Manusia Aparatur",
    "Perencana",
    "Pranata Komputer",
    "Auditor",
    "Arsiparis",
    "Statistisi",
    "Analis Keuangan Pusat dan Daerah",
    "Pranata Hubungan Masyarakat",
    "Analis Hukum",
    "Pengelola Pengadaan Barang/Jasa",
    "Asesor Sumber Daya Manusia Aparatur",
)
FUNGSIONAL_TERAMPIL = (
    "Pranata Komputer",
    "Arsiparis",
    "Statistisi",
    "Pranata Keuangan APBN",
    "Pranata Sumber Daya Manusia Aparatur",
    "Pranata Hubungan Masyarakat",
)
# Executor positions after the 2022 simplification, by education band.
PELAKSANA_BY_BAND = {
    "basic": ("Pengelola Umum Operasional", "Operator Layanan Operasional"),
    "secondary": ("Operator Layanan Operasional", "Pengadministrasi Perkantoran"),
    "diploma": ("Pengolah Data dan Informasi", "Pengelola Layanan Operasional"),
    "graduate": ("Penata Layanan Operasional", "Penelaah Teknis Kebijakan"),
}

DEGREES_S1 = (
    "S.E.",
    "S.Kom.",
    "S.H.",
    "S.Sos.",
    "S.T.",
    "S.Pd.",
    "S.Si.",
    "S.AP.",
    "S.Psi.",
    "S.Ak.",
)
DEGREES_S2 = ("M.Si.", "M.M.", "M.T.", "M.Kom.", "M.AP.", "M.H.", "M.Ak.")
DEGREE_D3 = "A.Md."
PERSONAL_MAIL_DOMAINS = ("gmail.com", "yahoo.co.id", "gmail.com", "outlook.com")
MOBILE_PREFIXES = (
    "0811", "0812", "0813", "0821", "0822", "0852", "0853", "0815", "0816",
    "0856", "0857", "0858", "0817", "0818", "0819", "0859", "0877", "0878",
    "0895", "0896", "0897", "0881", "0882", "0887",
)  # fmt: skip

PELATIHAN_KLASIKAL = (
    "Pelatihan Kepemimpinan Pengawas",
    "Bimbingan Teknis Penyusunan SKP",
    "Pelatihan Teknis Pengadaan Barang/Jasa",
    "Pelatihan Analisis Kebijakan Publik",
    "Bimbingan Teknis Pengelolaan Arsip Dinamis",
    "Pelatihan Pelayanan Prima",
    "Pelatihan Manajemen Risiko",
    "Workshop Penyusunan Laporan Kinerja",
    "Pelatihan Penyusunan Anggaran Berbasis Kinerja",
)
PELATIHAN_NONKLASIKAL = (
    "E-Learning Orientasi BerAKHLAK",
    "Webinar Transformasi Digital Pemerintahan",
    "Coaching dan Mentoring",
    "E-Learning Literasi Data",
    "Webinar Manajemen ASN",
    "Magang di Instansi Lain",
    "E-Learning Keamanan Informasi",
    "Seminar Reformasi Birokrasi",
    "Kursus Daring Bahasa Inggris",
    "Benchmarking Pelayanan Publik",
)
PELATIHAN_DASAR_CPNS = "Pelatihan Dasar CPNS"

# PP 94/2021 ladder for days absent without valid reason within a calendar year:
# (minimum days, tingkat, jenis_hukuman, masa_bulan or None).
ABSENCE_SANCTIONS: tuple[tuple[int, str, str, int | None], ...] = (
    (3, "RINGAN", "Teguran lisan", None),
    (4, "RINGAN", "Teguran tertulis", None),
    (7, "RINGAN", "Pernyataan tidak puas secara tertulis", None),
    (11, "SEDANG", "Pemotongan tunjangan kinerja sebesar 25% selama 6 bulan", 6),
    (14, "SEDANG", "Pemotongan tunjangan kinerja sebesar 25% selama 9 bulan", 9),
    (17, "SEDANG", "Pemotongan tunjangan kinerja sebesar 25% selama 12 bulan", 12),
    (21, "BERAT", "Penurunan jabatan setingkat lebih rendah selama 12 bulan", 12),
    (25, "BERAT", "Pembebasan dari jabatannya menjadi jabatan pelaksana selama 12 bulan", 12),
)
OTHER_VIOLATIONS = (
    "Tidak menaati ketentuan jam kerja",
    "Tidak menjaga netralitas ASN",
    "Tidak melaksanakan tugas kedinasan yang dipercayakan",
    "Menyalahgunakan fasilitas kantor",
)
