"""The synthetic source: deterministic, realistic identifiers, consistent references, contract
columns and codes, and a learnable but imperfect performance signal."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kinerja.calendar import is_working_day
from kinerja.contract.extracts import EXTRACTS, RATING_WORDS, UTC_OFFSET_HOURS, Kind
from kinerja_dev.synth import GenerationSummary, generate

START, END = date(2025, 1, 1), date(2025, 4, 30)
EMPLOYEES = 150
PREDIKAT = {
    (1, 1): 1,
    (1, 2): 2,
    (1, 3): 4,
    (2, 1): 2,
    (2, 2): 2,
    (2, 3): 4,
    (3, 1): 3,
    (3, 2): 3,
    (3, 3): 5,
}


def _generate(root: Path, seed: int, progress=None) -> GenerationSummary:
    return generate(
        root, employees=EMPLOYEES, start=START, end=END, seed=seed, progress=progress, shift_units=1
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, GenerationSummary, list[tuple[int, int]]]:
    root = tmp_path_factory.mktemp("landing")
    calls: list[tuple[int, int]] = []
    summary = _generate(root, seed=7, progress=lambda done, total: calls.append((done, total)))
    return root, summary, calls


@pytest.fixture(scope="module")
def landing(run) -> Path:
    return run[0]


def _checksums(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _read(landing: Path, extract: str) -> pd.DataFrame:
    frames = []
    for path in sorted((landing / extract).glob("*/*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frames.append(frame.assign(_folder=date.fromisoformat(path.parent.name)))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def data(landing) -> dict[str, pd.DataFrame]:
    return {name: _read(landing, name) for name in EXTRACTS}


def _latest(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    ordered = frame.sort_values(["diperbarui_pada", "_folder"], kind="stable")
    return ordered.drop_duplicates(key, keep="last")


# -- the run itself -------------------------------------------------------------------------------


def test_summary_and_progress(run):
    landing, summary, calls = run
    total = (END - START).days + 1
    assert calls[-1] == (total, total)
    assert [c[0] for c in calls] == list(range(1, total + 1))
    assert summary.start == START and summary.end == END and summary.employees == EMPLOYEES
    assert set(summary.rows_per_extract) == set(EXTRACTS)
    assert all(summary.rows_per_extract[name] > 0 for name in EXTRACTS)
    folders = {p.parent.name for p in landing.glob("*/*/*.csv") if not p.parts[-3].startswith("_")}
    assert summary.dates_written == len(folders)


def test_same_seed_same_bytes_other_seed_differs(landing, tmp_path):
    again = tmp_path / "again"
    _generate(again, seed=7)
    assert _checksums(again) == _checksums(landing)
    other = tmp_path / "other"
    _generate(other, seed=8)
    assert _checksums(other) != _checksums(landing)


def test_ground_truth_is_outside_extract_folders(landing):
    assert (landing / "_ground_truth" / "pegawai.csv").exists()
    header = (landing / "pegawai").glob("*/*.csv").__next__().read_text().splitlines()[0]
    assert "diligence" not in header


# -- layout and contract --------------------------------------------------------------------------


def test_files_have_exactly_the_contract_columns(landing):
    for name, extract in EXTRACTS.items():
        paths = sorted((landing / name).glob("*/*.csv"))
        assert paths, name
        for path in paths:
            header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
            assert sorted(header) == sorted(extract.column_names), path


def test_manifests_match_files(landing):
    manifests = sorted(landing.glob("*/*/_manifest.json"))
    assert manifests
    for manifest in manifests:
        listed = json.loads(manifest.read_text())["files"]
        for name, meta in listed.items():
            path = manifest.parent / name
            assert hashlib.sha256(path.read_bytes()).hexdigest() == meta["sha256"]
            assert len(pd.read_csv(path, dtype=str)) == meta["rows"]


def test_codes_required_values_and_formats(data):
    rating_words = {w.upper() for w in RATING_WORDS}
    for name, extract in EXTRACTS.items():
        frame = data[name]
        for column in extract.columns:
            values = frame[column.name]
            if column.required:
                assert (values != "").all(), f"{name}.{column.name} has empty required values"
            present = values[values != ""]
            if column.kind == Kind.CODE:
                allowed = {c.upper() for c in column.codes}
                if column.name.startswith("rating_"):
                    allowed |= rating_words
                bad = set(present.str.upper()) - allowed
                assert not bad, f"{name}.{column.name}: {sorted(bad)[:5]}"
            elif column.kind == Kind.NIP:
                assert present.str.fullmatch(r"\d{18}").all(), f"{name}.{column.name}"
            elif column.kind == Kind.NIK:
                assert present.str.fullmatch(r"\d{16}").all()
            elif column.kind == Kind.DATE:
                assert present.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), f"{name}.{column.name}"
                present.map(date.fromisoformat)
            elif column.kind == Kind.TIMESTAMP:
                # Every timestamp carries its offset.
                assert present.str.fullmatch(
                    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})"
                ).all()
            elif column.kind in (Kind.INTEGER, Kind.DECIMAL):
                numbers = pd.to_numeric(present)  # raises on anything that is not a number
                if column.kind == Kind.INTEGER:
                    assert (numbers == numbers.round()).all()
    assert (pd.to_numeric(data["pelatihan"]["jp"]) > 0).all()


def test_ratings_mostly_codes_some_words(data):
    ratings = pd.concat([data["skp"]["rating_hasil_kerja"], data["skp"]["rating_perilaku_kerja"]])
    words = ~ratings.isin(["1", "2", "3"])
    assert 0 < words.mean() < 0.2


# -- identifiers ----------------------------------------------------------------------------------


def test_nip_encodes_birth_date_sex_and_tmt_for_pns(data):
    pegawai = data["pegawai"].drop_duplicates("nip", keep="last")
    pns = pegawai[pegawai["status_kepegawaian"].isin(["PNS", "CPNS"])]
    assert len(pns) > 50
    assert pns["nip"].str.fullmatch(r"\d{18}").all()
    assert (pns["nip"].str[:8] == pns["tanggal_lahir"].str.replace("-", "")).all()
    assert (pns["nip"].str[8:14] == pns["tmt_cpns"].str[:7].str.replace("-", "")).all()
    assert (pns["nip"].str[14] == pns["jenis_kelamin"].map({"L": "1", "P": "2"})).all()
    pppk = pegawai[pegawai["status_kepegawaian"] == "PPPK"]
    assert len(pppk) > 10 and pppk["nip"].str.fullmatch(r"\d{18}").all()
    assert pegawai["nip"].is_unique


def test_nik_is_16_digits_unique_and_plausible(data):
    pegawai = data["pegawai"].drop_duplicates("nip", keep="last")
    assert pegawai["nik"].str.fullmatch(r"\d{16}").all()
    assert pegawai["nik"].is_unique
    assert data["pegawai"].groupby("nip")["nik"].nunique().max() == 1
    day = pegawai["nik"].str[6:8].astype(int) - np.where(pegawai["jenis_kelamin"] == "P", 40, 0)
    assert (day == pegawai["tanggal_lahir"].str[8:10].astype(int)).all()
    assert (
        pegawai["nik"].str[8:12]
        == pegawai["tanggal_lahir"].str[5:7] + pegawai["tanggal_lahir"].str[2:4]
    ).all()


def test_workforce_mix_is_plausible(data):
    first = data["pegawai"][data["pegawai"]["_folder"] == START]
    assert len(first) == EMPLOYEES
    assert 0.15 < (first["status_kepegawaian"] == "PPPK").mean() < 0.32
    assert 0.42 < (first["jenis_kelamin"] == "P").mean() < 0.64
    assert (first["jenis_jabatan"] == "JPT").sum() == 1
    assert (first["nip_atasan"] == "").sum() == 1  # only the head of the agency
    units = data["unit_kerja"]
    assert set(units["zona_waktu"]) == set(UTC_OFFSET_HOURS)


# -- references -----------------------------------------------------------------------------------


def test_snapshots_reference_their_own_units_and_people(data):
    units, pegawai = data["unit_kerja"], data["pegawai"]
    assert set(units["_folder"]) == set(pegawai["_folder"])
    for day, snap in pegawai.groupby("_folder"):
        tree = units[units["_folder"] == day]
        codes = set(tree["kode_unit"])
        assert set(snap["kode_unit"]) <= codes
        parents = tree.loc[tree["kode_unit_induk"] != "", "kode_unit_induk"]
        assert set(parents) <= codes
        assert (tree["kode_unit_induk"] == "").sum() == 1
        bosses = snap.loc[snap["nip_atasan"] != "", "nip_atasan"]
        assert set(bosses) <= set(snap["nip"])
        assert snap["nip"].is_unique


def test_every_delivered_nip_is_in_an_earlier_or_same_day_snapshot(data):
    pegawai = data["pegawai"]
    first_seen = pegawai.groupby("nip")["_folder"].min()
    for name in ("presensi", "izin", "skp", "pelatihan", "hukuman_disiplin"):
        frame = data[name]
        seen = frame["nip"].map(first_seen)
        assert seen.notna().all(), f"{name} has unknown nip"
        assert (seen <= frame["_folder"]).all(), f"{name} uses a nip before its first snapshot"
    penilai = data["skp"]["nip_penilai"]
    assert set(penilai[penilai != ""]) <= set(first_seen.index)


# -- attendance -----------------------------------------------------------------------------------


def _local_dates(presensi: pd.DataFrame, pegawai: pd.DataFrame, units: pd.DataFrame) -> pd.Series:
    unit_of = (
        pegawai.sort_values("_folder")
        .drop_duplicates("nip", keep="last")
        .set_index("nip")["kode_unit"]
    )
    zone_of = units.drop_duplicates("kode_unit", keep="last").set_index("kode_unit")["zona_waktu"]
    hours = presensi["nip"].map(unit_of).map(zone_of).map(UTC_OFFSET_HOURS)
    instant = pd.to_datetime(presensi["waktu"], format="ISO8601", utc=True)
    return (instant.dt.tz_localize(None) + pd.to_timedelta(hours, unit="h")).dt.date


def test_punches_only_on_working_days_in_local_time(data):
    presensi = data["presensi"]
    # on a day off only the staff of the roster unit punch (test_roster_staff_punch_their_roster)
    day_off = ~presensi["_folder"].map(is_working_day)
    assert day_off.any()
    assert set(presensi.loc[day_off, "nip"]) <= set(data["jadwal_shift"]["nip"])
    local = _local_dates(presensi, data["pegawai"], data["unit_kerja"])
    # Nobody changed zone in this short range: the local date is the delivery date.
    assert (local == presensi["_folder"]).mean() > 0.99
    offsets = presensi["waktu"].str.extract(r"(Z|[+-]\d{2}:\d{2})$")[0]
    assert offsets.isin(["Z", "+07:00", "+08:00", "+09:00"]).all()
    assert offsets.nunique() == 4  # local offsets, and some server WIB or UTC


def test_no_punches_on_approved_leave(data):
    izin = _latest(data["izin"], "id_izin")
    approved = izin[izin["status"] == "DISETUJUI"]
    leave_days = set()
    for row in approved.itertuples():
        day, last = date.fromisoformat(row.tanggal_mulai), date.fromisoformat(row.tanggal_selesai)
        while day <= last:
            leave_days.add((row.nip, day))
            day += timedelta(days=1)
    assert len(leave_days) > 100
    punched = set(zip(data["presensi"]["nip"], data["presensi"]["_folder"]))
    assert not (punched - _night_ends(data["jadwal_shift"])) & leave_days


def test_no_punches_from_people_not_active(data):
    pegawai = data["pegawai"]
    days = sorted(set(pegawai["_folder"]))
    status = dict(zip(zip(pegawai["nip"], pegawai["_folder"]), pegawai["status_aktif"]))
    for (nip, day), _ in data["presensi"].groupby(["nip", "_folder"]):
        before = max(d for d in days if d <= day)
        after = min((d for d in days if d >= day), default=before)
        # Snapshots are weekly: the status may change between them.
        assert "AKTIF" in (status.get((nip, before)), status.get((nip, after))), (nip, day)


def test_punch_realism(data):
    presensi = data["presensi"]
    mobile = presensi["sumber"] == "MOBILE"
    assert (presensi.loc[mobile, "lat"] != "").all() and (presensi.loc[~mobile, "lat"] == "").all()
    assert presensi["sumber"].isin(["FINGERPRINT", "FACE"]).mean() > 0.8
    assert presensi.duplicated(["nip", "waktu"]).any()
    per_day = presensi.drop_duplicates(["nip", "waktu"]).groupby(["nip", "_folder"]).size()
    assert (per_day == 1).any() and (per_day >= 3).any() and per_day.median() == 2
    lat = pd.to_numeric(presensi.loc[mobile, "lat"])
    lon = pd.to_numeric(presensi.loc[mobile, "lon"])
    assert lat.between(-11.5, 6.5).all() and lon.between(94.5, 141.5).all()


def test_izin_is_delivered_when_requested_and_when_decided(data):
    izin = data["izin"]
    versions = izin.groupby("id_izin")["_folder"].nunique()
    assert (versions == 2).mean() > 0.3
    twice = izin[izin["id_izin"].isin(versions[versions == 2].index)].sort_values(
        ["id_izin", "_folder"]
    )
    first, second = twice.groupby("id_izin").nth(0), twice.groupby("id_izin").nth(1)
    assert (first["status"] == "DIAJUKAN").all()
    assert (second["status"] != "DIAJUKAN").all()
    assert (second["diperbarui_pada"].to_numpy() > first["diperbarui_pada"].to_numpy()).all()
    assert {"DISETUJUI", "DITOLAK"} <= set(izin["status"])
    jenis = set(izin["jenis"])
    assert {"CUTI_TAHUNAN", "CUTI_SAKIT", "DINAS_LUAR", "IZIN"} <= jenis


# -- performance ----------------------------------------------------------------------------------


def _codes(values: pd.Series) -> pd.Series:
    return values.str.upper().map(lambda v: RATING_WORDS.get(v, v)).astype(int)


def test_delivered_predikat_mostly_follows_the_matrix_but_not_always(data):
    skp = data["skp"]
    expected = [
        PREDIKAT[k]
        for k in zip(_codes(skp["rating_hasil_kerja"]), _codes(skp["rating_perilaku_kerja"]))
    ]
    agree = skp["predikat"].astype(int).to_numpy() == np.array(expected)
    assert 0.95 <= agree.mean() < 1.0


def test_predikat_labels_vary_and_some_need_improvement(data):
    skp = _latest(data["skp"], "id_penilaian")
    quarterly = skp[skp["periode"] != "TAHUNAN"]
    assert {"TW4", "TW1"} <= set(quarterly["periode"])
    assert "TAHUNAN" in set(skp["periode"])
    predikat = quarterly["predikat"].astype(int)
    assert predikat.nunique() >= 3
    assert 0.04 < (predikat >= 3).mean() < 0.3
    assert (predikat == 2).mean() > 0.5


def test_skp_is_delivered_5_to_30_days_after_the_period_and_corrected_sometimes(data):
    skp = data["skp"]
    period_end = {"TW4": (12, 31), "TW1": (3, 31), "TAHUNAN": (12, 31)}
    ends = [date(int(t), *period_end[p]) for t, p in zip(skp["tahun"], skp["periode"])]
    lag = np.array(
        [(date.fromisoformat(a) - e).days for a, e in zip(skp["tanggal_penilaian"], ends)]
    )
    assert lag.min() >= 5 and lag.max() <= 30
    assert skp["id_penilaian"].duplicated().any() or len(skp) < 300


def test_discipline_and_training_exist(data):
    assert set(data["hukuman_disiplin"]["tingkat"]) <= {"RINGAN", "SEDANG", "BERAT"}
    assert (data["hukuman_disiplin"]["tingkat"] == "RINGAN").any()
    jenis = set(data["pelatihan"]["jenis"])
    assert jenis == {"KLASIKAL", "NONKLASIKAL"}
    assert (
        pd.to_numeric(data["pelatihan"]["tanggal_selesai"].str.replace("-", ""))
        >= pd.to_numeric(data["pelatihan"]["tanggal_mulai"].str.replace("-", ""))
    ).all()


def test_default_range_ends_yesterday_in_jakarta():
    from zoneinfo import ZoneInfo

    from kinerja_dev.synth import default_range

    start, end = default_range()
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    assert end == today - timedelta(days=1)
    assert start == date(end.year - 1, 1, 1)
    assert default_range(date(2026, 1, 1)) == (date(2024, 1, 1), date(2025, 12, 31))


def test_the_roster_unit_delivers_rotating_shifts_ahead(landing, data):
    """One unit (shift_units=1) delivers a roster: its staff's days on duty on a rotation of
    morning (07:30), afternoon (13:30) and night (22:00) shifts, each as long as the office
    day (8.5 hours, 9 on Friday), in the unit's zone, published the week before, one row per
    employee-day. The night shift ends the next morning, and its departure punches are delivered
    with the next day's file, dated that day."""
    truth = pd.read_csv(landing / "_ground_truth" / "unit_kerja.csv", dtype=str)
    assert (truth["roster"] == "True").sum() == 1
    roster = data["jadwal_shift"]
    days = roster["tanggal"].map(date.fromisoformat)
    assert (roster["_folder"] <= days).all()  # published ahead (the range start at the latest)
    assert not roster.duplicated(["nip", "tanggal"]).any()
    starts = roster["waktu_mulai"].map(datetime.fromisoformat)
    ends = roster["waktu_selesai"].map(datetime.fromisoformat)
    clock = {"PAGI": "07:30", "SIANG": "13:30", "MALAM": "22:00"}
    assert set(roster["kode_shift"]) == set(clock)
    assert (starts.map(lambda t: t.strftime("%H:%M")) == roster["kode_shift"].map(clock)).all()
    assert (starts.map(lambda t: t.date()) == days).all()
    friday = days.map(lambda d: d.weekday() == 4)
    hours = (ends - starts).map(lambda t: t.total_seconds() / 3600)
    assert set(hours[friday]) == {9.0} and set(hours[~friday]) == {8.5}
    night = roster["kode_shift"] == "MALAM"
    end_days = ends.map(lambda t: t.date())
    assert (end_days[night] == days[night] + timedelta(days=1)).all()
    assert (end_days[~night] == days[~night]).all()
    # a rotation: one shift from rest to rest, and more than one over the range
    blocks = _duty_blocks(roster)
    assert (roster.groupby(["nip", blocks])["kode_shift"].nunique() == 1).all()
    assert (roster.groupby("nip")["kode_shift"].nunique() > 1).any()

    punches = data["presensi"]
    rostered = set(zip(roster["nip"], days, strict=True))
    assert {nip for nip, _ in rostered} <= set(data["pegawai"]["nip"])
    # punches written with an offset are instants; offset-less ones are left out here
    with_offset = punches[punches["waktu"].str.contains(r"(?:Z|[+-]\d\d:\d\d)$")]
    instants = with_offset.assign(
        instant=pd.to_datetime(with_offset["waktu"], format="ISO8601", utc=True)
    )
    nights = roster[night].assign(
        end=pd.to_datetime(roster.loc[night, "waktu_selesai"], format="ISO8601", utc=True),
        end_day=ends[night].map(lambda t: t.date()),
    )[["nip", "end", "end_day"]]
    mornings = instants.merge(nights, on="nip")
    # a night's departure: punched within two hours of its end the next morning, after midnight
    near = (mornings["instant"] - mornings["end"]).map(lambda t: abs(t.total_seconds()))
    closing = mornings[near < 2 * 3600]
    assert len(closing) > 0
    assert (closing["_folder"] == closing["end_day"]).all()  # delivered with the next day's file


def _duty_blocks(roster: pd.DataFrame) -> pd.Series:
    """Per roster row, the number of its employee's run of consecutive days on duty."""
    days = pd.to_datetime(roster["tanggal"])
    ordered = roster.assign(day=days).sort_values(["nip", "day"])
    starts = ordered.groupby("nip")["day"].diff() != pd.Timedelta(days=1)
    return starts.astype(int).groupby(ordered["nip"]).cumsum().reindex(roster.index)


def test_the_roster_unit_is_staffed_every_day_and_its_staff_rest(data):
    """A shift unit works weekends and holidays too; each employee has rest days: at most five
    shifts in any seven days, never more than five in a row."""
    roster = data["jadwal_shift"]
    days = pd.to_datetime(roster["tanggal"])
    assert {5, 6} <= set(days.dt.day_of_week)
    # 2025-01-27 (Isra Mikraj) and 2025-01-29 (Imlek) are national holidays on a Monday and
    # a Wednesday
    holidays = {date(2025, 1, 27), date(2025, 1, 29)}
    assert not any(is_working_day(d) for d in holidays)
    assert holidays <= set(days.dt.date)
    staffed = roster.groupby("tanggal")["nip"].nunique()
    assert len(staffed) == (END - START).days + 1  # nobody's rest leaves the unit empty
    for _, own in roster.assign(day=days).groupby("nip"):
        on_duty = pd.Series(1, index=pd.DatetimeIndex(own["day"])).asfreq("D", fill_value=0)
        assert on_duty.rolling(7).sum().max() <= 5
        if len(on_duty) >= 28:  # four weeks on the roll: shifts on about 5 days out of 7
            assert 0.6 <= on_duty.mean() <= 0.8
    assert _duty_blocks(roster).groupby(roster["nip"]).value_counts().max() <= 5


def test_roster_staff_punch_their_roster(data):
    """Staff of the roster unit punch on the days they are rostered, weekends too (a Sunday shift
    is worked), and not on their rest days; a punch the morning after a night shift closes it."""
    roster = data["jadwal_shift"]
    punches = data["presensi"]
    staff = punches[punches["nip"].isin(set(roster["nip"]))]
    rostered = set(zip(roster["nip"], roster["tanggal"].map(date.fromisoformat), strict=True))
    nights = roster[roster["kode_shift"] == "MALAM"]
    night_ends = {
        (nip, date.fromisoformat(day) + timedelta(days=1))
        for nip, day in zip(nights["nip"], nights["tanggal"], strict=True)
    }
    punched = set(zip(staff["nip"], staff["_folder"], strict=True))
    assert punched <= rostered | night_ends
    # a rostered day off is worked: most such shifts have their punches (not all: leave,
    # unexcused absence, a late roster row for someone who left)
    weekend = {(nip, day) for nip, day in rostered if not is_working_day(day)}
    assert len(weekend) > 30
    assert len(weekend & punched) >= 0.8 * len(weekend)
    working = {(nip, day) for nip, day in rostered if is_working_day(day)}
    assert len(working & punched) >= 0.8 * len(working)


# The distribution curve of SE MenPANRB 3/2023 per unit result, written out by hand: for each
# group of predikat codes, the least and the most share of the rated staff it may hold.
CURVE = {
    "ISTIMEWA": [({1}, 0.0, 0.7)],
    "BAIK": [({2}, 0.0, 0.7)],  # and at least one Butuh Perbaikan or Kurang (below)
    "BUTUH_PERBAIKAN": [({3}, 0.6, 1.0), ({1}, 0.0, 0.1)],
    "KURANG": [({4}, 0.6, 1.0), ({3}, 0.1, 1.0), ({1}, 0.0, 0.1)],
    "SANGAT_KURANG": [({5}, 0.6, 1.0), ({3, 4}, 0.1, 1.0), ({1}, 0.0, 0.0)],
}
WORST_FIRST = ["SANGAT_KURANG", "KURANG", "BUTUH_PERBAIKAN", "BAIK", "ISTIMEWA"]


def _follows_curve(capaian: str, predikat: pd.Series) -> bool:
    n = len(predikat)
    for group, least, most in CURVE[capaian]:
        count = predikat.isin(group).sum()
        if not least * n <= count <= most * n:
            return False
    return capaian != "BAIK" or predikat.isin({3, 4}).any()


def _placed(data) -> pd.DataFrame:
    """The latest version of each assessment with the staff's unit and position on the period's
    last day, the evaluation unit it is judged in (a division or office under the root, with its
    sections; the root on its own), whether the person heads that unit, and the predikat."""
    units = data["unit_kerja"].drop_duplicates("kode_unit", keep="last")
    parent = dict(zip(units["kode_unit"], units["kode_unit_induk"], strict=True))

    def judged_in(unit: str) -> str:
        chain = [unit]
        while parent.get(chain[-1]):
            chain.append(parent[chain[-1]])
        return chain[-2] if len(chain) >= 2 else unit  # the root's child on the way up

    pegawai = data["pegawai"]
    skp = _latest(data["skp"], "id_penilaian")
    period_end = {"TW1": (3, 31), "TW2": (6, 30), "TW3": (9, 30), "TW4": (12, 31)}
    ends = [
        date(int(t), *period_end.get(p, (12, 31))) for t, p in zip(skp["tahun"], skp["periode"])
    ]
    # the staff's unit and position on the period's last day: the snapshot of that day or before
    snapshots = sorted(set(pegawai["_folder"]))
    taken = [max([d for d in snapshots if d <= end], default=snapshots[0]) for end in ends]
    placed = skp.assign(_snapshot=taken).merge(
        pegawai[["nip", "_folder", "kode_unit", "jenis_jabatan"]].rename(
            columns={"_folder": "_snapshot"}
        ),
        on=["nip", "_snapshot"],
    )
    evaluation = placed["kode_unit"].map(judged_in)
    hasil = _codes(placed["rating_hasil_kerja"])
    return placed.assign(
        evaluation=evaluation,
        head=placed["jenis_jabatan"].isin({"JPT", "ADMINISTRATOR", "PENGAWAS"})
        & (placed["kode_unit"] == evaluation),
        hasil=hasil,
        predikat=[PREDIKAT[k] for k in zip(hasil, _codes(placed["rating_perilaku_kerja"]))],
    )


def _unit_periods(data) -> pd.DataFrame:
    """Per evaluation unit and SKP period with at least 10 rated staff (the head not counted)
    and a unit result: whether the staff's predikat follow the curve."""
    placed = _placed(data)
    rated = placed[~placed["head"]]
    rows = []
    for (kode, tahun, periode), group in rated.groupby(["evaluation", "tahun", "periode"]):
        known = [c for c in WORST_FIRST if c in set(group["capaian_organisasi"])]
        if len(group) >= 10 and known:
            rows.append((kode, tahun, periode, _follows_curve(known[0], group["predikat"])))
    return pd.DataFrame(rows, columns=["kode_unit", "tahun", "periode", "patuh"])


def test_most_evaluation_units_rate_on_the_curve(data):
    """Raters of most evaluation units fit their ratings to the curve their unit's result sets;
    a minority breach it (the warnings mart needs both). Independent ratings would breach it in
    almost every unit (a Baik unit would rate three quarters of its staff Baik)."""
    judged = _unit_periods(data)
    assert len(judged) >= 8
    assert 0.6 <= judged["patuh"].mean() <= 0.95
    assert (~judged["patuh"]).any()


# A unit head's hasil kerja is the unit's result (PermenPANRB 6/2022): Istimewa is above
# expectation, Baik as expected, Butuh Perbaikan, Kurang and Sangat Kurang below it.
HEAD_HASIL = {"ISTIMEWA": 1, "BAIK": 2, "BUTUH_PERBAIKAN": 3, "KURANG": 3, "SANGAT_KURANG": 3}


def test_unit_heads_mostly_get_their_units_result(data):
    """Most heads are rated as their unit's result says (a tenth are not, for the distribution
    mart's hasil_kerja_kepala_sesuai to find); drawn independently, about a third would be."""
    placed = _placed(data)
    heads = placed[placed["head"] & (placed["capaian_organisasi"] != "")]
    assert len(heads) >= 10
    matches = heads["hasil"] == heads["capaian_organisasi"].map(HEAD_HASIL)
    assert matches.mean() >= 0.75, (matches.mean(), len(heads))


@pytest.mark.parametrize(
    ("capaian", "drawn", "curved"),
    [
        # at most 70 % Baik, and some Butuh Perbaikan or Kurang: the lowest Baik step down
        ("BAIK", [0, 12, 0, 0, 0], [0, 8, 4, 0, 0]),
        ("BAIK", [2, 20, 2, 1, 0], [2, 17, 5, 1, 0]),
        # at most 70 % Sangat Baik
        ("ISTIMEWA", [8, 2, 0, 0, 0], [7, 3, 0, 0, 0]),
        # at least 60 % Kurang, at least 10 % Butuh Perbaikan, at most 10 % Sangat Baik
        ("KURANG", [2, 20, 2, 1, 0], [2, 5, 3, 15, 0]),
        # a result the curve does not know (none delivered) bends nothing
        ("", [2, 20, 2, 1, 0], [2, 20, 2, 1, 0]),
    ],
)
def test_curve_counts_move_the_fewest_staff(capaian, drawn, curved):
    from kinerja_dev.synth.distribution import curve_counts

    assert curve_counts(np.array(drawn), capaian).tolist() == curved


@pytest.fixture(scope="module")
def roster_agency(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """An agency where four units work shifts: a larger share of roster staff than `data`."""
    root = tmp_path_factory.mktemp("roster_agency")
    generate(root, employees=EMPLOYEES, start=START, end=END, seed=7, shift_units=4)
    return {name: _read(root, name) for name in ("izin", "presensi", "jadwal_shift")}


def test_roster_staff_take_leave_on_their_days_on_duty(roster_agency):
    """Leave of a roster unit's staff covers the days they are rostered, weekends included (an
    office's leave covers its working days only), and they do not punch on those days."""
    izin = _latest(roster_agency["izin"], "id_izin")
    roster = roster_agency["jadwal_shift"]
    rostered = {
        (nip, date.fromisoformat(day)) for nip, day in zip(roster["nip"], roster["tanggal"])
    }
    approved = izin[(izin["status"] == "DISETUJUI") & izin["nip"].isin(set(roster["nip"]))]
    weekend_on_leave = set()
    for row in approved.itertuples():
        day, last = date.fromisoformat(row.tanggal_mulai), date.fromisoformat(row.tanggal_selesai)
        while day <= last:
            if day.weekday() >= 5 and (row.nip, day) in rostered:
                weekend_on_leave.add((row.nip, day))
            day += timedelta(days=1)
    assert len(weekend_on_leave) >= 10
    punched = set(zip(roster_agency["presensi"]["nip"], roster_agency["presensi"]["_folder"]))
    assert not (punched - _night_ends(roster)) & weekend_on_leave


def _night_ends(roster: pd.DataFrame) -> set[tuple[str, date]]:
    """(nip, day) of the morning end of a night shift worked the evening before: not on leave
    when the leave starts that day."""
    nights = roster[roster["kode_shift"] == "MALAM"]
    return {
        (nip, date.fromisoformat(day) + timedelta(days=1))
        for nip, day in zip(nights["nip"], nights["tanggal"], strict=True)
    }
