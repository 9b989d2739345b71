"""Attendance fraud and ghost employees, planted with their ground truth.

`plan_fraud` picks, per pattern, about `rate * employees` cases among people who are on the roll
and AKTIF over the whole range (never newly hired), each person in one pattern only. Punch
patterns edit a day's delivered punches as they are written (`FraudPlan.punches`); ghost records
are appended to every pegawai snapshot (`FraudPlan.pegawai`). A case is recorded when it is
actually planted, so the truth file holds exactly what the files show:

- BUDDY_PUNCHING (pair): on 7-10 working days B stays away, and A punches B in on A's own terminal
  seconds after A's arrival and departure punches. B has no other punch on those days.
- LUAR_GEOFENCE (nip + day): the day's first punch comes from the phone, kilometres beyond the
  unit's geofence.
- PERJALANAN_MUSTAHIL (nip + day): minutes after a terminal punch at the office, a phone punch
  from another city. That phone punch is also outside the geofence, so the day is recorded as
  LUAR_GEOFENCE too: the truth says what is true of the data, not which rule should fire.
- PRESENSI_SAAT_CUTI (nip + day): terminal punches on a day the person works (a roster unit's
  staff: a day on duty, weekends included) covered by an approved CUTI_* or DINAS_LUAR request
  (one whose DISETUJUI version is delivered).
- NIK_GANDA (pair): a second AKTIF record under another NIP (a valid one: same birth date and sex
  digits, next sequence) with the NIK of a real employee. The copy has nobody behind it, so it
  is recorded as PEGAWAI_TANPA_AKTIVITAS too.
- PEGAWAI_TANPA_AKTIVITAS (nip): an AKTIF record with a fresh identity and a valid NIP, present
  from the first snapshot, that never punches, is never rated and never trains.
- NIP_TIDAK_COCOK (nip): a PNS record like the one above whose NIP birth-date or sex digits
  contradict tanggal_lahir / jenis_kelamin (a finding: its rows load and the warehouse flags
  them, contract rule NIP_PROFILE_MISMATCH). Nobody is behind it, so it is recorded as
  PEGAWAI_TANPA_AKTIVITAS too.

Ghost records take their position (unit, grade, supervisor) from a real colleague's row in the
same snapshot, so they follow reorganisations and stay consistent with the tree.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from faker import Faker

from kinerja.rules import pola, pola_peringatan
from kinerja_dev.synth import positions as pos
from kinerja_dev.synth import reference as ref
from kinerja_dev.synth.attendance import BOTH_PUNCHES, AttendancePlan
from kinerja_dev.synth.careers import Workforce
from kinerja_dev.synth.identity import person_name
from kinerja_dev.synth.leave import LeavePlan
from kinerja_dev.synth.presensi import METRES_PER_DEGREE, PunchFactory
from kinerja_dev.synth.timeline import Timeline

FRAUD_GROUND_TRUTH = "_ground_truth/fraud.jsonl"
# The patterns are the seed's (kinerja.rules); the generator plants each one it names here.
POLA = pola_peringatan()
BUDDY_PUNCHING = pola("BUDDY_PUNCHING")
LUAR_GEOFENCE = pola("LUAR_GEOFENCE")
PERJALANAN_MUSTAHIL = pola("PERJALANAN_MUSTAHIL")
PRESENSI_SAAT_CUTI = pola("PRESENSI_SAAT_CUTI")
NIK_GANDA = pola("NIK_GANDA")
PEGAWAI_TANPA_AKTIVITAS = pola("PEGAWAI_TANPA_AKTIVITAS")
NIP_TIDAK_COCOK = pola("NIP_TIDAK_COCOK")
PAIR_POLA = (BUDDY_PUNCHING, NIK_GANDA)

BUDDY_DAYS = (7, 11)  # planned days per pair (high excluded); the signal needs >= 5
BUDDY_LAG_S = (4, 50)  # B's punch this long after A's, on A's terminal
DAYS_PER_CASE = (1, 4)  # days per person for the per-day patterns (high excluded)
GEOFENCE_BEYOND_M = (2_500, 25_000)  # beyond the radius
TRAVEL_MIN_KM = 250.0
TRAVEL_GAP_S = (120, 1200)
LEAVE_JENIS_PREFIX = ("CUTI_", "DINAS_LUAR")
TERMINALS = ("FINGERPRINT", "FACE")
_SUFFIX = {0: "Z", 7: "+07:00", 8: "+08:00", 9: "+09:00"}


class _Pool:
    """Whole-range staff in a random order, each taken for one case at most. `take(subset)` gives
    the first one not yet taken of a subset defined on the pool (None: the whole pool), in pool
    order; each subset keeps its own place, so planting costs the pool's size, not cases x size."""

    def __init__(self, order: list[int]):
        self._subsets: dict[object, list[int]] = {None: order}
        self._next: dict[object, int] = {}
        self._taken: set[int] = set()

    def define(self, name: str, member: Callable[[int], bool]) -> None:
        self._subsets[name] = [p for p in self._subsets[None] if member(p)]

    def define_groups(self, name: str, key: Callable[[int], object]) -> None:
        """A subset `(name, k)` per value k of `key`."""
        for p in self._subsets[None]:
            self._subsets.setdefault((name, key(p)), []).append(p)

    def take(self, subset: object = None) -> int | None:
        members = self._subsets.get(subset, [])
        i = self._next.get(subset, 0)
        while i < len(members) and members[i] in self._taken:
            i += 1
        if i == len(members):
            self._next[subset] = i
            return None
        self._next[subset] = i + 1
        self._taken.add(members[i])
        return members[i]

    def give_back(self, p: int) -> None:
        self._taken.discard(p)
        self._next.clear()


@dataclass
class _Ghost:
    """A fake pegawai record shaped after a real colleague's row in each snapshot."""

    template: str  # nip of the colleague whose position it takes
    fields: dict  # identity columns that differ from the template's row


def _rows_by_nip(nips: pd.Series, wanted: set[str]) -> dict[str, np.ndarray]:
    """Row positions (ascending) of the wanted nips in a day's punches, found in one vectorised
    pass: a day's edits grow with the staff, so a scan of the frame per edit grew with its square."""
    hits = np.flatnonzero(nips.isin(wanted).to_numpy())
    groups: dict[str, list[int]] = {}
    for position, nip in zip(hits.tolist(), nips.iloc[hits].tolist(), strict=True):
        groups.setdefault(nip, []).append(position)
    return {nip: np.array(rows, dtype=np.intp) for nip, rows in groups.items()}


@dataclass
class _DayEdits:
    buddies: list[tuple[str, str, int, int]] = field(default_factory=list)  # a, b, lag in, out
    far: list[tuple[str, int, int]] = field(default_factory=list)  # nip, person, unit
    travel: list[tuple[str, int, int]] = field(default_factory=list)
    on_leave: list[tuple[str, int, int]] = field(default_factory=list)


class FraudPlan:
    def __init__(self, rng, timeline: Timeline, punches: PunchFactory):
        self.rng = rng
        self.timeline = timeline
        self.devices = punches.devices
        self.phone = punches.phone
        self.unit_offset = punches.unit_offset
        self.unit_lat = punches.unit_lat
        self.unit_lon = punches.unit_lon
        self.unit_radius = punches.unit_radius
        self.edits: dict[int, _DayEdits] = {}
        self.ghosts: list[_Ghost] = []
        self.cases: list[dict] = []
        self.buddy_days: dict[tuple[str, str], int] = {}

    def day(self, day_index: int) -> _DayEdits:
        return self.edits.setdefault(day_index, _DayEdits())

    def record(self, pola: str, nip: str, nip_terkait: str | None = None, tanggal=None) -> None:
        self.cases.append(
            {
                "pola": pola,
                "nip": nip,
                "nip_terkait": nip_terkait,
                "tanggal": tanggal.isoformat() if tanggal else None,
            }
        )

    # -- pegawai snapshots ---------------------------------------------------------------

    def pegawai(self, snapshot: pd.DataFrame) -> pd.DataFrame:
        """The snapshot with a row for each ghost whose template colleague is in it."""
        if not self.ghosts:
            return snapshot
        by_nip = {nip: i for i, nip in enumerate(snapshot["nip"])}
        placed = [(by_nip[g.template], g) for g in self.ghosts if g.template in by_nip]
        if not placed:
            return snapshot
        # One take of the template rows, then the ghosts' own fields column by column: row by
        # row (iloc per ghost) cost a snapshot's worth of work per ghost.
        rows = {
            column: list(values) for column, values in snapshot.iloc[[i for i, _ in placed]].items()
        }
        for k, (_, ghost) in enumerate(placed):
            for column, value in ghost.fields.items():
                rows[column][k] = value
        return pd.concat(
            [snapshot, pd.DataFrame(rows, columns=snapshot.columns)], ignore_index=True
        )

    # -- punches -------------------------------------------------------------------------

    def punches(self, day_index: int, frame: pd.DataFrame | None) -> pd.DataFrame | None:
        edits = self.edits.get(day_index)
        if edits is None or frame is None:
            return frame
        day = self.timeline.days[day_index]
        frame = frame.reset_index(drop=True)
        added: list[dict] = []
        dropped = np.zeros(len(frame), dtype=bool)
        wanted = {nip for a, b, _, _ in edits.buddies for nip in (a, b)}
        wanted.update(nip for nip, _, _ in (*edits.far, *edits.travel))
        found = _rows_by_nip(frame["nip"], wanted)
        none = np.empty(0, dtype=np.intp)

        def rows_of(nip: str) -> np.ndarray:
            return found.get(nip, none)

        terminal = frame["sumber"].isin(TERMINALS).to_numpy()

        for a, b, lag_in, lag_out in edits.buddies:
            dropped[rows_of(b)] = True
            mine = rows_of(a)
            own = frame.iloc[mine[terminal[mine]]]
            if own.empty:
                continue
            ends = [(own.iloc[0], lag_in)]
            if len(own) > 1:
                ends.append((own.iloc[-1], lag_out))
            for row, lag in ends:
                added.append({**row.to_dict(), "nip": b, "waktu": _shift(row["waktu"], lag)})
            if len(ends) == 2:  # a buddy day shows at B's arrival and departure both
                self.buddy_days[(a, b)] = self.buddy_days.get((a, b), 0) + 1

        # Written in one assignment after the loop: one per case copied the day's columns each
        # time. Each person is in one pattern, so no case reads another's edit.
        moved = ["waktu", "sumber", "id_perangkat", "lat", "lon"]
        edited: list[tuple[np.ndarray, tuple]] = []
        for nip, person, unit in edits.far:
            mine = rows_of(nip)
            if len(mine) == 0:
                continue
            times = frame["waktu"].iloc[mine].to_numpy(dtype=object)
            first = times[0]
            same = mine[times == first]
            beyond = self.rng.uniform(*GEOFENCE_BEYOND_M)
            lat, lon = _offset_position(
                self.unit_lat[unit], self.unit_lon[unit], self.unit_radius[unit] + beyond, self.rng
            )
            instant = _instant(first, int(self.unit_offset[unit]))
            values = (_format(instant, 0), "MOBILE", self.phone[person], f"{lat:.6f}", f"{lon:.6f}")
            edited.append((same, values))
            self.record(LUAR_GEOFENCE, nip, tanggal=day)
        if edited:
            positions = np.concatenate([same for same, _ in edited])
            values = np.array([v for same, v in edited for _ in same], dtype=object)
            frame.loc[positions, moved] = values

        terminal = frame["sumber"].isin(TERMINALS).to_numpy()  # the geofence edits moved some
        for nip, person, unit in edits.travel:
            mine = rows_of(nip)
            terminal_rows = frame.iloc[mine[terminal[mine]]]
            if terminal_rows.empty:
                continue
            city = self._far_city(unit)
            lat, lon = _offset_position(city.lat, city.lon, self.rng.uniform(0, 5_000), self.rng)
            at = _instant(terminal_rows.iloc[0]["waktu"], int(self.unit_offset[unit]))
            at += timedelta(seconds=int(self.rng.integers(*TRAVEL_GAP_S)))
            added.append(
                {"nip": nip, "waktu": _format(at, 0), "sumber": "MOBILE",
                 "id_perangkat": self.phone[person], "lat": f"{lat:.6f}", "lon": f"{lon:.6f}"}
            )  # fmt: skip
            self.record(PERJALANAN_MUSTAHIL, nip, tanggal=day)
            self.record(LUAR_GEOFENCE, nip, tanggal=day)

        for nip, _person, unit in edits.on_leave:
            added.extend(self._leave_punches(nip, unit, day))
            self.record(PRESENSI_SAAT_CUTI, nip, tanggal=day)

        out = frame[~dropped]
        if added:
            out = pd.concat([out, pd.DataFrame(added, columns=frame.columns)], ignore_index=True)
        return out

    def _leave_punches(self, nip: str, unit: int, day: date) -> list[dict]:
        """Arrival and departure on the unit's first terminal, at ordinary office hours."""
        device = int(self.devices.fp_first[unit])
        local_offset = int(self.unit_offset[unit])
        written = int(self.devices.offset[device])
        zone = timezone(timedelta(hours=local_offset))
        start = datetime(day.year, day.month, day.day, tzinfo=zone)
        times = (
            7 * 3600 + 30 * 60 - int(self.rng.exponential(15 * 60)),
            16 * 3600 + int(self.rng.exponential(20 * 60)),
        )
        return [
            {"nip": nip, "waktu": _format(start + timedelta(seconds=s), written),
             "sumber": "FINGERPRINT", "id_perangkat": self.devices.ids[device], "lat": "", "lon": ""}
            for s in times
        ]  # fmt: skip

    def _far_city(self, unit: int) -> ref.City:
        lat, lon = self.unit_lat[unit], self.unit_lon[unit]
        far = [c for c in ref.CITIES if _km(lat, lon, c.lat, c.lon) > TRAVEL_MIN_KM]
        return far[int(self.rng.integers(len(far)))]

    # -- ground truth --------------------------------------------------------------------

    def truth(self) -> list[dict]:
        """Planted cases; a buddy pair counts once it has at least 5 days in the files."""
        out = [c for c in self.cases if c["pola"] != BUDDY_PUNCHING]
        for (a, b), days in sorted(self.buddy_days.items()):
            if days >= 5:
                out.append({"pola": BUDDY_PUNCHING, "nip": a, "nip_terkait": b, "tanggal": None})
        return out

    def counts(self) -> dict[str, int]:
        truth = self.truth()
        return {p: sum(1 for c in truth if c["pola"] == p) for p in POLA}

    def write_ground_truth(self, path: str | Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [json.dumps(c, sort_keys=True) for c in self.truth()]
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def plan_fraud(
    rng: np.random.Generator,
    fake: Faker,
    rate: float,
    timeline: Timeline,
    workforce: Workforce,
    leave: LeavePlan,
    attendance: AttendancePlan,
    punches: PunchFactory,
) -> FraudPlan:
    plan = FraudPlan(rng, timeline, punches)
    people = workforce.people
    n_cases = max(1, round(rate * workforce.n_people))
    nips = people["nip"].to_numpy(dtype=object)
    # Whole-range AKTIF staff present from the start: none of them can look newly hired.
    steady = workforce.active_by_day.all(axis=1) & people["hired_on"].isna().to_numpy()
    steady &= (workforce.unit_by_day == workforce.unit_by_day[:, :1]).all(axis=1)
    pool = _Pool([int(p) for p in rng.permutation(np.flatnonzero(steady))])
    present = attendance.present
    cols = attendance.columns
    mobile_user = people["mobile_user"].to_numpy()
    unit_of = workforce.unit_by_day[:, 0]
    pool.define("terminal", lambda p: not mobile_user[p])
    pool.define_groups("unit", lambda p: unit_of[p])

    # Buddy pairs: A punches for B; both in one unit, A a terminal user.
    for _ in range(n_cases):
        a = pool.take("terminal")
        if a is None:
            break
        b = pool.take(("unit", unit_of[a]))
        if b is None:
            pool.give_back(a)
            break
        both = np.flatnonzero(present[a] & present[b] & (attendance.pattern[a] == BOTH_PUNCHES))
        k = min(len(both), int(rng.integers(*BUDDY_DAYS)))
        for j in np.sort(rng.choice(both, size=k, replace=False)):
            lags = rng.integers(*BUDDY_LAG_S, size=2)
            plan.day(int(cols[j])).buddies.append((nips[a], nips[b], int(lags[0]), int(lags[1])))

    for kind in ("far", "travel"):
        for _ in range(n_cases):
            # Impossible travel starts at a terminal: pick someone who mostly uses one.
            p = pool.take(None if kind == "far" else "terminal")
            if p is None:
                break
            days = np.flatnonzero(present[p])
            k = min(len(days), int(rng.integers(*DAYS_PER_CASE)))
            for j in np.sort(rng.choice(days, size=k, replace=False)):
                getattr(plan.day(int(cols[j])), kind).append((nips[p], p, int(unit_of[p])))

    _plan_leave_punches(plan, rng, n_cases, leave, workforce, nips, pool, timeline)
    _plan_ghosts(plan, rng, fake, n_cases, people, nips, pool)
    return plan


def _plan_leave_punches(plan, rng, n_cases, leave, workforce, nips, pool, timeline) -> None:
    records = leave.records
    if records.empty:
        return
    approved = records[
        (records["status"] == "DISETUJUI") & records["jenis"].str.startswith(LEAVE_JENIS_PREFIX)
    ]
    index_of = {nip: i for i, nip in enumerate(nips)}
    days_of: dict[int, list[int]] = {}
    for row in approved.itertuples(index=False):
        p = index_of[row.nip]
        first = max(timeline.index(date.fromisoformat(row.tanggal_mulai)), 0)
        last = min(timeline.index(date.fromisoformat(row.tanggal_selesai)), timeline.n_days - 1)
        span = [d for d in range(first, last + 1) if leave.approved[p, d]]
        days_of.setdefault(p, []).extend(span)
    pool.define("on_leave", lambda q: bool(days_of.get(q)))
    for _ in range(n_cases):
        p = pool.take("on_leave")
        if p is None:
            break
        days = np.array(sorted(set(days_of[p])))
        k = min(len(days), int(rng.integers(*DAYS_PER_CASE)))
        for d in np.sort(rng.choice(days, size=k, replace=False)):
            unit = int(workforce.unit_by_day[p, d])
            plan.day(int(d)).on_leave.append((nips[p], p, unit))


def _plan_ghosts(plan, rng, fake, n_cases, people, nips, pool) -> None:
    taken_nips = set(nips)
    taken_niks = set(people["nik"])
    status = people["init_status"].to_numpy()
    jenis = people["init_jenis_jabatan"].to_numpy()

    def staff(p: int) -> bool:
        return status[p] == "PNS" and jenis[p] not in pos.STRUCTURAL

    pool.define("staff", staff)

    def nip_for(birth: date, tmt: date, female: bool) -> str:
        stem = f"{birth:%Y%m%d}{tmt:%Y%m}{2 if female else 1}"
        seq = 1
        while f"{stem}{seq:03d}" in taken_nips:
            seq += 1
        nip = f"{stem}{seq:03d}"
        taken_nips.add(nip)
        return nip

    for _ in range(n_cases):
        p = pool.take("staff")
        if p is None:
            break
        row = people.iloc[p]
        nip = nip_for(row["tanggal_lahir"], row["tmt_cpns"], row["jenis_kelamin"] == "P")
        local, _, domain = row["email"].partition("@")
        plan.ghosts.append(_Ghost(nips[p], {"nip": nip, "email": f"{local}.2@{domain}"}))
        plan.record(NIK_GANDA, nips[p], nip)
        plan.record(PEGAWAI_TANPA_AKTIVITAS, nip)

    def new_identity(template: int, female: bool) -> tuple[dict, date]:
        row = people.iloc[template]
        birth = row["tanggal_lahir"] - timedelta(days=int(rng.integers(0, 700)))
        nama, given, family = person_name(fake, rng, female, row["pendidikan"])
        stem = f"{row['nik'][:6]}{birth.day + (40 if female else 0):02d}{birth:%m%y}"
        seq = int(rng.integers(1, 1000))
        while f"{stem}{seq:04d}" in taken_niks:
            seq += 1
        taken_niks.add(f"{stem}{seq:04d}")
        local = ".".join(w for w in (given.lower(), family.lower()) if w.isalpha())
        fields = {
            "nik": f"{stem}{seq:04d}",
            "nama": nama,
            "jenis_kelamin": "P" if female else "L",
            "tanggal_lahir": birth.isoformat(),
            "email": f"{local or 'pegawai'}@{ref.EMAIL_DOMAIN}",
            "no_hp": "",
        }
        return fields, birth

    def new_people() -> Iterator[tuple[int, bool, dict, date]]:
        """Up to n_cases staff taken as templates, each with a new identity of either sex."""
        for _ in range(n_cases):
            p = pool.take("staff")
            if p is None:
                return
            female = bool(rng.random() < 0.5)
            yield p, female, *new_identity(p, female)

    for p, female, fields, birth in new_people():
        fields["nip"] = nip_for(birth, people.iloc[p]["tmt_cpns"], female)
        plan.ghosts.append(_Ghost(nips[p], fields))
        plan.record(PEGAWAI_TANPA_AKTIVITAS, fields["nip"])

    for p, female, fields, birth in new_people():
        tmt = people.iloc[p]["tmt_cpns"]
        if rng.random() < 0.5:  # sex digit flipped
            fields["nip"] = nip_for(birth, tmt, not female)
        else:  # birth date digits of someone else
            wrong = birth - timedelta(days=int(rng.integers(30, 3 * 365)))
            fields["nip"] = nip_for(wrong, tmt, female)
        plan.ghosts.append(_Ghost(nips[p], fields))
        plan.record(NIP_TIDAK_COCOK, fields["nip"])
        # the record loads (a finding, not a quarantine) and nobody is behind it
        plan.record(PEGAWAI_TANPA_AKTIVITAS, fields["nip"])


def load_fraud_truth(landing: str | Path) -> pd.DataFrame:
    """The planted cases of a landing: pola, nip, nip_terkait, tanggal (date or None)."""
    path = Path(landing) / FRAUD_GROUND_TRUTH
    columns = ["pola", "nip", "nip_terkait", "tanggal"]
    if not path.exists():
        return pd.DataFrame(columns=columns)
    lines = path.read_text(encoding="utf-8").splitlines()
    frame = pd.DataFrame([json.loads(line) for line in lines if line], columns=columns)
    frame["tanggal"] = [
        date.fromisoformat(t) if isinstance(t, str) else None for t in frame["tanggal"]
    ]
    frame["nip_terkait"] = [t if isinstance(t, str) else None for t in frame["nip_terkait"]]
    return frame


# -- timestamps and places -----------------------------------------------------------------


def _split(waktu: str) -> tuple[str, str]:
    if waktu.endswith("Z"):
        return waktu[:-1], "Z"
    return waktu[:19], waktu[19:]


def _shift(waktu: str, seconds: int) -> str:
    """The same timestamp text, moved by some seconds, in the same notation."""
    base, suffix = _split(waktu)
    moved = datetime.fromisoformat(base) + timedelta(seconds=seconds)
    return moved.isoformat(timespec="seconds") + suffix


def _instant(waktu: str, local_offset: int) -> datetime:
    """An aware instant; text without an offset is in the unit's local time (the contract)."""
    base, suffix = _split(waktu)
    naive = datetime.fromisoformat(base)
    if suffix == "Z":
        return naive.replace(tzinfo=UTC)
    if suffix:
        return datetime.fromisoformat(waktu)
    return naive.replace(tzinfo=timezone(timedelta(hours=local_offset)))


def _format(instant: datetime, offset_hours: int) -> str:
    local = instant.astimezone(timezone(timedelta(hours=offset_hours))).replace(tzinfo=None)
    return local.isoformat(timespec="seconds") + _SUFFIX[offset_hours]


def _offset_position(lat: float, lon: float, distance_m: float, rng) -> tuple[float, float]:
    bearing = rng.uniform(0, 2 * np.pi)
    return (
        lat + distance_m * np.cos(bearing) / METRES_PER_DEGREE,
        lon + distance_m * np.sin(bearing) / (METRES_PER_DEGREE * np.cos(np.radians(lat))),
    )


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return float(2 * 6371.0 * np.arcsin(np.sqrt(h)))
