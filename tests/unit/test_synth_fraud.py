"""Planted attendance fraud and ghost employees: each pattern's signature is in the delivered
files exactly where the ground truth says, and nowhere in normal data.

The signatures are read back from the CSV files as a reviewer would, independently of how the
generator planted them.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kinerja_dev.synth.fraud import FRAUD_GROUND_TRUTH, POLA, load_fraud_truth
from kinerja_dev.synth.generator import generate

START, END = date(2025, 1, 1), date(2025, 3, 31)
EMPLOYEES = 150
RATE = 0.05
OFFSET = {"WIB": 7, "WITA": 8, "WIT": 9}
CLEAN_MAX_SHADOW_DAYS = 2  # normal colleagues do not shadow each other all day, repeatedly


@pytest.fixture(scope="module")
def landings(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for name, rate in (("fraud", RATE), ("clean", 0.0)):
        root = tmp_path_factory.mktemp(name)
        generate(root, employees=EMPLOYEES, start=START, end=END, seed=5, fraud=rate)
        out[name] = root
    return out


class Delivered:
    """The extracts of a landing, with punches placed in local time and position."""

    def __init__(self, root: Path):
        self.root = root
        self.truth = load_fraud_truth(root)
        self.pegawai = self.read("pegawai")
        self.units = self.read("unit_kerja").drop_duplicates("kode_unit", keep="last")
        self.punches = self._punches()

    def read(self, extract: str) -> pd.DataFrame:
        frames = []
        for path in sorted((self.root / extract).glob("*/*.csv")):
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            frame["_folder"] = pd.Timestamp(path.parent.name)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def _punches(self) -> pd.DataFrame:
        p = self.read("presensi").drop_duplicates(["nip", "waktu"])
        # The employee's unit as of the latest snapshot on or before the punch's delivery.
        history = self.pegawai[["nip", "kode_unit", "_folder"]].sort_values("_folder")
        p = pd.merge_asof(p.sort_values("_folder"), history, on="_folder", by="nip")
        units = self.units.set_index("kode_unit")
        p["offset"] = p["kode_unit"].map(units["zona_waktu"]).map(OFFSET)
        for col, source in (
            ("lat_unit", "lat"),
            ("lon_unit", "lon"),
            ("radius", "radius_presensi_m"),
        ):
            p[col] = p["kode_unit"].map(units[source]).astype(float)
        utc = []
        for waktu, offset in zip(p["waktu"], p["offset"]):
            t = pd.Timestamp(waktu)
            utc.append(
                t.tz_convert("UTC")
                if t.tzinfo
                else (t - pd.Timedelta(hours=offset)).tz_localize("UTC")
            )
        p["utc"] = pd.DatetimeIndex(utc)
        p["seconds"] = (p["utc"] - pd.Timestamp(0, tz="UTC")).dt.total_seconds().astype("int64")
        local = p["utc"].dt.tz_localize(None) + pd.to_timedelta(p["offset"], unit="h")
        p["tanggal"] = local.dt.date
        p["lat_f"] = pd.to_numeric(p["lat"], errors="coerce")
        p["lon_f"] = pd.to_numeric(p["lon"], errors="coerce")
        return p.sort_values(["nip", "utc"]).reset_index(drop=True)

    def truth_of(self, pola: str) -> set:
        rows = self.truth[self.truth["pola"] == pola]
        if pola in ("BUDDY_PUNCHING", "NIK_GANDA"):
            return {frozenset(x) for x in zip(rows["nip"], rows["nip_terkait"])}
        if pola in ("LUAR_GEOFENCE", "PERJALANAN_MUSTAHIL", "PRESENSI_SAAT_CUTI"):
            return set(zip(rows["nip"], rows["tanggal"]))
        return set(rows["nip"])


def _metres(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * np.arcsin(np.sqrt(h))


def shadow_days(d: Delivered) -> dict[frozenset, int]:
    """Pair -> days on which every punch (at least two) of one of them lies within 60 s of a
    punch of the other on the same device: one person punching for another."""
    p = d.punches[d.punches["id_perangkat"] != ""]
    near = p.merge(p, on=["id_perangkat", "tanggal"], suffixes=("", "_o"))
    near = near[
        (near["nip"] != near["nip_o"]) & ((near["seconds"] - near["seconds_o"]).abs() <= 60)
    ]
    near = near.drop_duplicates(["nip", "waktu", "nip_o"])
    covered = near.groupby(["nip", "tanggal", "nip_o"]).size().rename("covered").reset_index()
    own = d.punches.groupby(["nip", "tanggal"]).size().rename("own").reset_index()
    days = covered.merge(own, on=["nip", "tanggal"])
    days = days[(days["own"] >= 2) & (days["covered"] == days["own"])]
    out: dict[frozenset, set] = {}
    for a, b, day in zip(days["nip"], days["nip_o"], days["tanggal"]):
        out.setdefault(frozenset((a, b)), set()).add(day)
    return {pair: len(v) for pair, v in out.items()}


def outside_geofence(d: Delivered) -> set:
    m = d.punches[d.punches["sumber"] == "MOBILE"]
    beyond = _metres(m["lat_unit"], m["lon_unit"], m["lat_f"], m["lon_f"]) - m["radius"]
    far = m[beyond > 1_000]
    return set(zip(far["nip"], far["tanggal"]))


def impossible_travel(d: Delivered) -> set:
    p = d.punches[d.punches["sumber"] != "MANUAL"].copy()
    mobile = p["sumber"] == "MOBILE"
    p["plat"] = np.where(mobile, p["lat_f"], p["lat_unit"])
    p["plon"] = np.where(mobile, p["lon_f"], p["lon_unit"])
    prev = p.groupby(["nip", "tanggal"])[["plat", "plon", "seconds"]].shift()
    metres = _metres(prev["plat"], prev["plon"], p["plat"], p["plon"])
    hours = np.maximum(p["seconds"] - prev["seconds"], 1) / 3600
    fast = p[(metres > 50_000) & (metres / 1000 / hours > 300)]
    return set(zip(fast["nip"], fast["tanggal"]))


def punches_on_leave(d: Delivered) -> set:
    izin = d.read("izin").drop_duplicates("id_izin", keep="last")
    izin = izin[(izin["status"] == "DISETUJUI") & izin["jenis"].str.match("CUTI_|DINAS_LUAR")]
    days = {
        (row.nip, day.date())
        for row in izin.itertuples()
        for day in pd.date_range(row.tanggal_mulai, row.tanggal_selesai)
    }
    return {key for key in zip(d.punches["nip"], d.punches["tanggal"]) if key in days}


def shared_niks(d: Delivered) -> set:
    latest = d.pegawai[d.pegawai["_folder"] == d.pegawai["_folder"].max()]
    return {frozenset(g["nip"]) for _, g in latest.groupby("nik") if len(g) > 1}


def without_activity(d: Delivered) -> set:
    """AKTIF in the first and last snapshot, yet no punch, rating or training. Records whose NIP
    contradicts the profile load (a finding, not a quarantine), so they count here too."""
    first = d.pegawai[d.pegawai["_folder"] == d.pegawai["_folder"].min()]
    last = d.pegawai[d.pegawai["_folder"] == d.pegawai["_folder"].max()]
    steady = set(first.loc[first["status_aktif"] == "AKTIF", "nip"]) & set(
        last.loc[last["status_aktif"] == "AKTIF", "nip"]
    )
    active = set(d.punches["nip"]) | set(d.read("skp")["nip"]) | set(d.read("pelatihan")["nip"])
    return steady - active


def nip_contradicts_profile(d: Delivered) -> set:
    g = d.pegawai[d.pegawai["status_kepegawaian"].isin(["PNS", "CPNS"])]
    birth = g["tanggal_lahir"].str.replace("-", "")
    sex = g["jenis_kelamin"].map({"L": "1", "P": "2"})
    tmt = g["tmt_cpns"].str.replace("-", "").str[:6]
    bad = g[
        (g["nip"].str[:8] != birth)
        | (g["nip"].str[8:14] != tmt)
        | (g["nip"].str[14] != sex)
        | (g["nip"].str[15:] == "000")
    ]
    return set(bad["nip"])


@pytest.fixture(scope="module", params=["fraud", "clean"])
def delivered(request, landings) -> Delivered:
    return Delivered(landings[request.param])


def test_every_pattern_is_planted_and_clean_data_has_no_truth(landings):
    truth = load_fraud_truth(landings["fraud"])
    counts = truth["pola"].value_counts()
    assert set(counts.index) == set(POLA)
    assert (counts >= 3).all(), counts.to_dict()
    assert not (landings["clean"] / FRAUD_GROUND_TRUTH).exists()
    assert load_fraud_truth(landings["clean"]).empty


def test_buddy_pairs_shadow_each_other_on_five_days_or_more(delivered):
    days = shadow_days(delivered)
    planted = delivered.truth_of("BUDDY_PUNCHING")
    assert all(days.get(pair, 0) >= 5 for pair in planted)
    normal = [n for pair, n in days.items() if pair not in planted]
    assert max(normal, default=0) <= CLEAN_MAX_SHADOW_DAYS


def test_geofence_breaches_are_exactly_the_planted_ones(delivered):
    assert outside_geofence(delivered) == delivered.truth_of("LUAR_GEOFENCE")


def test_impossible_travel_is_exactly_the_planted_one(delivered):
    assert impossible_travel(delivered) == delivered.truth_of("PERJALANAN_MUSTAHIL")


def test_punches_on_approved_leave_are_exactly_the_planted_ones(delivered):
    assert punches_on_leave(delivered) == delivered.truth_of("PRESENSI_SAAT_CUTI")


def test_shared_niks_are_exactly_the_planted_pairs(delivered):
    assert shared_niks(delivered) == delivered.truth_of("NIK_GANDA")


def test_records_without_activity_are_exactly_the_ghosts(delivered):
    assert without_activity(delivered) == delivered.truth_of("PEGAWAI_TANPA_AKTIVITAS")


def test_nips_contradicting_the_profile_are_exactly_the_planted_ones(delivered):
    assert nip_contradicts_profile(delivered) == delivered.truth_of("NIP_TIDAK_COCOK")


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_byte_identical_files(landings, tmp_path):
    generate(tmp_path, employees=EMPLOYEES, start=START, end=END, seed=5, fraud=RATE)
    assert _digest(tmp_path) == _digest(landings["fraud"])


def test_fraud_leaves_the_other_extracts_alone(landings):
    """Planting only edits punches and adds pegawai rows: leave, SKP and training are the same."""
    for extract in ("izin", "skp", "pelatihan", "unit_kerja"):
        fraud = _digest(landings["fraud"] / extract)
        clean = _digest(landings["clean"] / extract)
        assert fraud == clean, extract
