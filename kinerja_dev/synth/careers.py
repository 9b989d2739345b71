"""Careers over the range, simulated day by day: joining, CPNS becoming PNS, promotions (1 April
and 1 October), transfers, leave outside state responsibility (CLTN), retirement at the
retirement age, resignations and deaths, the reorganisation, and a successor for every head who
leaves. The result is the roll's state after every day on which something changed."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from kinerja_dev.synth import positions as pos
from kinerja_dev.synth.organisation import Organisation
from kinerja_dev.synth.people import retirement_dates
from kinerja_dev.synth.timeline import Timeline, add_months

TRANSFER_RATE = 0.05  # per person-year
RESIGN_RATE = 0.004
DEATH_RATE = 0.002
CLTN_RATE = 0.002
ON_ROLL = ("AKTIF", "CLTN")


@dataclass
class State:
    """The roll on one day; arrays indexed by person."""

    hired: np.ndarray
    status_kepegawaian: np.ndarray
    grade: np.ndarray
    jenis_jabatan: np.ndarray
    family: np.ndarray
    nama_jabatan: np.ndarray
    unit: np.ndarray
    tmt_jabatan: np.ndarray
    status_aktif: np.ndarray
    status_changed_on: np.ndarray

    def copy(self) -> State:
        return replace(self, **{f.name: getattr(self, f.name).copy() for f in fields(self)})

    @property
    def active(self) -> np.ndarray:
        return self.hired & (self.status_aktif == "AKTIF")

    def heads(self, n_units: int) -> np.ndarray:
        """Person heading each unit, -1 when vacant."""
        head_of = np.full(n_units, -1, dtype=np.int64)
        idx = np.flatnonzero(self.active & np.isin(self.jenis_jabatan, pos.STRUCTURAL))
        head_of[self.unit[idx]] = idx
        return head_of


@dataclass
class Workforce:
    people: pd.DataFrame
    versions: list[tuple[date, State]]  # first at the range start, then after each change day
    unit_by_day: np.ndarray  # (people, days): unit, -1 before joining
    active_by_day: np.ndarray  # (people, days): on the roll and AKTIF
    cltn: list[tuple[int, date, date]]  # (person, first day, planned last day)

    @property
    def n_people(self) -> int:
        return len(self.people)

    def state_on(self, day: date) -> State:
        chosen = self.versions[0][1]
        for version_day, state in self.versions:
            if version_day > day:
                break
            chosen = state
        return chosen


def supervisors(state: State, org: Organisation) -> np.ndarray:
    """Direct supervisor of each person (-1 if none): the head of their unit, or of the parent
    unit for heads; vacant posts pass up the tree. People no longer working have none."""
    parent = org.units["parent"].to_numpy()
    head_of = state.heads(org.n_units)
    effective = head_of.copy()
    for u in range(org.n_units):  # parents come before their children in the unit table
        if effective[u] < 0 and parent[u] >= 0:
            effective[u] = effective[parent[u]]
    persons = np.arange(len(state.unit))
    is_head = head_of[state.unit] == persons
    target = np.where(is_head, parent[state.unit], state.unit)
    sup = np.where(target >= 0, effective[np.maximum(target, 0)], -1)
    sup[sup == persons] = -1
    sup[~(state.hired & np.isin(state.status_aktif, ON_ROLL))] = -1
    return sup


class _Simulation:
    def __init__(self, rng, people: pd.DataFrame, org: Organisation, timeline: Timeline):
        self.rng = rng
        self.people = people
        self.org = org
        self.timeline = timeline
        self.n = len(people)
        self.parent = org.units["parent"].to_numpy()
        self.level = org.units["level"].to_numpy()
        self.pendidikan = people["pendidikan"].to_numpy()
        self.diligence = people["diligence"].to_numpy()
        self.retire_on = retirement_dates(people)
        hired_on = people["hired_on"].tolist()
        self.state = State(
            hired=np.array([h is None or h <= timeline.start for h in hired_on]),
            status_kepegawaian=people["init_status"].to_numpy(dtype=object).copy(),
            grade=people["init_grade"].to_numpy(dtype=np.int64).copy(),
            jenis_jabatan=people["init_jenis_jabatan"].to_numpy(dtype=object).copy(),
            family=people["init_family"].to_numpy(dtype=object).copy(),
            nama_jabatan=people["init_nama_jabatan"].to_numpy(dtype=object).copy(),
            unit=people["init_unit"].to_numpy(dtype=np.int64).copy(),
            tmt_jabatan=people["init_tmt_jabatan"].to_numpy(dtype=object).copy(),
            status_aktif=np.full(self.n, "AKTIF", dtype=object),
            status_changed_on=np.full(self.n, None, dtype=object),
        )
        self.joins: dict[date, list[int]] = {}
        for p, h in enumerate(hired_on):
            if h is not None and h > timeline.start:
                self.joins.setdefault(h, []).append(p)
        self.next_promotion = people["next_promotion"].to_numpy(dtype=object).copy()
        self.cltn: list[tuple[int, date, date]] = []
        self.cltn_return: dict[date, list[int]] = {}
        self._schedule_random_events()

    def _random_days(self, rate: float) -> np.ndarray:
        """Day offset of a Poisson event per person (first one only), or -1."""
        wait = self.rng.exponential(365.25 / rate, self.n)
        return np.where(wait < self.timeline.n_days, wait.astype(np.int64), -1)

    def _schedule_random_events(self) -> None:
        self.exits: dict[int, list[tuple[int, str]]] = {}
        for kind, rate in (("BERHENTI", RESIGN_RATE), ("MENINGGAL", DEATH_RATE)):
            for p, d in enumerate(self._random_days(rate)):
                if d > 0:
                    self.exits.setdefault(int(d), []).append((p, kind))
        month_firsts = self.timeline.month_firsts()
        self.transfers: dict[date, list[int]] = {}
        self.cltn_starts: dict[date, list[int]] = {}
        if not month_firsts:
            return
        years = self.timeline.n_days / 365.25
        for p in range(self.n):
            for _ in range(int(self.rng.poisson(TRANSFER_RATE * years))):
                day = month_firsts[int(self.rng.integers(len(month_firsts)))]
                self.transfers.setdefault(day, []).append(p)
        for p, d in enumerate(self._random_days(CLTN_RATE)):
            if d > 0:
                day = month_firsts[
                    min(int(d * len(month_firsts) / self.timeline.n_days), len(month_firsts) - 1)
                ]
                self.cltn_starts.setdefault(day, []).append(p)

    # -- changes -----------------------------------------------------------------------------

    def _set_status(self, p: int, status: str, day: date) -> None:
        self.state.status_aktif[p] = status
        self.state.status_changed_on[p] = day

    def _is_head(self, p: int) -> bool:
        return self.state.jenis_jabatan[p] in pos.STRUCTURAL

    def _retitle(self, p: int, day: date) -> None:
        s = self.state
        if s.jenis_jabatan[p] != "FUNGSIONAL":
            return
        title = pos.fungsional_title(
            s.family[p], self.pendidikan[p], s.status_kepegawaian[p], int(s.grade[p])
        )
        if title != s.nama_jabatan[p]:
            s.nama_jabatan[p] = title
            s.tmt_jabatan[p] = day

    def _retire(self, day: date) -> bool:
        s = self.state
        on_roll = np.flatnonzero(s.hired & np.isin(s.status_aktif, ON_ROLL))
        changed = False
        for p in on_roll:
            age = pos.retirement_age(s.jenis_jabatan[p], s.status_kepegawaian[p], int(s.grade[p]))
            if self.retire_on[age][p] <= day.toordinal():
                # PPPK have no pension: their agreement ends at the retirement age.
                self._set_status(
                    p, "BERHENTI" if s.status_kepegawaian[p] == "PPPK" else "PENSIUN", day
                )
                changed = True
        return changed

    def _promote(self, day: date) -> bool:
        s = self.state
        changed = False
        for p in np.flatnonzero(s.active & (s.status_kepegawaian == "PNS")):
            due = self.next_promotion[p]
            if due is None or due > day:
                continue
            ceiling = pos.grade_ceiling("PNS", self.pendidikan[p], s.jenis_jabatan[p])
            if s.grade[p] >= ceiling:
                self.next_promotion[p] = None
                continue
            # Diligent people are proposed on time; others slip a period or more.
            if self.rng.random() < 1 / (1 + np.exp(-(1.5 + 0.8 * self.diligence[p]))):
                s.grade[p] += 1
                self.next_promotion[p] = add_months(day, 12 * pos.PROMOTION_YEARS)
                self._retitle(p, day)
                changed = True
            else:
                self.next_promotion[p] = add_months(day, 6)
        return changed

    def _target_units(self, day: date) -> np.ndarray:
        return np.flatnonzero(self.org.exists_on(day) & (self.level > 0))

    def _transfer(self, p: int, day: date) -> bool:
        s = self.state
        if not s.active[p] or self._is_head(p):
            return False
        units = self._target_units(day)
        units = units[units != s.unit[p]]
        s.unit[p] = int(units[int(self.rng.integers(len(units)))])
        s.tmt_jabatan[p] = day
        return True

    def _subtree(self, unit: int) -> np.ndarray:
        if self.level[unit] == 0:
            return np.arange(self.org.n_units)
        if self.level[unit] == 1:
            return np.flatnonzero((self.parent == unit) | (np.arange(self.org.n_units) == unit))
        return np.array([unit])

    def _successor(self, unit: int, day: date) -> int:
        """Best candidate for a vacant head post: highest grade, then diligence (with noise)."""
        s = self.state
        head_type = self.org.units.at[unit, "head_type"]
        min_grade = pos.HEAD_MIN_GRADE[head_type]
        eligible = s.active & (s.status_kepegawaian == "PNS") & (s.grade >= min_grade)
        if head_type == "JPT":
            pools = [eligible & (s.jenis_jabatan == "ADMINISTRATOR")]
        elif head_type == "ADMINISTRATOR":
            in_tree = np.isin(s.unit, self._subtree(unit))
            pools = [eligible & in_tree & (s.jenis_jabatan == "PENGAWAS"),
                     eligible & in_tree & ~np.isin(s.jenis_jabatan, pos.STRUCTURAL)]  # fmt: skip
        else:
            not_head = eligible & ~np.isin(s.jenis_jabatan, pos.STRUCTURAL)
            pools = [not_head & (s.unit == unit),
                     not_head & np.isin(s.unit, self._subtree(int(self.parent[unit]))),
                     not_head]  # fmt: skip
        for pool in pools:
            candidates = np.flatnonzero(pool)
            if len(candidates):
                score = s.grade[candidates] + 0.5 * self.diligence[candidates]
                score = score + self.rng.normal(0, 0.5, len(candidates))
                return int(candidates[np.argmax(score)])
        return -1

    def _fill_vacancies(self, day: date) -> bool:
        s = self.state
        changed = False
        exists = self.org.exists_on(day)
        for _ in range(self.org.n_units):  # cascades: a promoted head leaves a post behind
            head_of = s.heads(self.org.n_units)
            vacant = np.flatnonzero(exists & (head_of < 0))
            if not len(vacant):
                break
            unit = int(vacant[0])
            p = self._successor(unit, day)
            if p < 0:
                break
            s.unit[p] = unit
            s.jenis_jabatan[p] = self.org.units.at[unit, "head_type"]
            s.family[p] = ""
            s.nama_jabatan[p] = self.org.units.at[unit, "head_title"]
            s.tmt_jabatan[p] = day
            changed = True
        return changed

    def _reorganise(self, day: date) -> None:
        """A unit created today gets a head (via vacancies) and a few staff from its office."""
        s = self.state
        for unit in np.flatnonzero(self.org.units["created_on"].to_numpy() == day):
            office = int(self.parent[unit])
            self._fill_vacancies(day)
            pool = np.flatnonzero(
                s.active
                & np.isin(s.unit, self._subtree(office))
                & ~np.isin(s.jenis_jabatan, pos.STRUCTURAL)
            )
            k = min(len(pool), int(self.rng.integers(3, 7)))
            for p in self.rng.choice(pool, size=k, replace=False):
                s.unit[p] = int(unit)
                s.tmt_jabatan[p] = day

    def _step(self, i: int, day: date) -> bool:
        s = self.state
        changed = False
        joining = self.joins.get(day)
        if joining:
            s.hired[joining] = True
            changed = True
        if day.day == 1:
            for p in np.flatnonzero(s.hired & (s.status_kepegawaian == "CPNS")):
                if self.people.at[p, "cpns_until"] <= day:
                    s.status_kepegawaian[p] = "PNS"
                    changed = True
            changed |= self._retire(day)
            if day.month in (4, 10):
                changed |= self._promote(day)
            for p in self.cltn_return.pop(day, []):
                if s.status_aktif[p] == "CLTN":
                    self._set_status(p, "AKTIF", day)
                    changed = True
            for p in self.cltn_starts.get(day, []):
                if s.active[p] and not self._is_head(p):
                    months = int(self.rng.integers(6, 25))
                    back = add_months(day, months)
                    self._set_status(p, "CLTN", day)
                    self.cltn.append((int(p), day, back - timedelta(days=1)))
                    self.cltn_return.setdefault(back, []).append(int(p))
                    changed = True
            for p in self.transfers.get(day, []):
                changed |= self._transfer(p, day)
        for p, kind in self.exits.get(i, []):
            if s.hired[p] and s.status_aktif[p] in ON_ROLL:
                self._set_status(p, kind, day)
                changed = True
        if day in self.org.change_dates:
            self._reorganise(day)
            changed = True
        if changed:
            self._fill_vacancies(day)
        return changed

    def run(self) -> Workforce:
        self._fill_vacancies(self.timeline.start)
        versions = [(self.timeline.start, self.state.copy())]
        for i, day in enumerate(self.timeline.days):
            if i == 0:
                continue
            if self._step(i, day):
                versions.append((day, self.state.copy()))
        unit_by_day, active_by_day = _daily_matrices(versions, self.timeline, self.n)
        return Workforce(self.people, versions, unit_by_day, active_by_day, self.cltn)


def _daily_matrices(versions, timeline: Timeline, n: int) -> tuple[np.ndarray, np.ndarray]:
    unit_by_day = np.full((n, timeline.n_days), -1, dtype=np.int32)
    active_by_day = np.zeros((n, timeline.n_days), dtype=bool)
    bounds = [timeline.index(d) for d, _ in versions] + [timeline.n_days]
    for (_, state), lo, hi in zip(versions, bounds[:-1], bounds[1:]):
        unit_by_day[:, lo:hi] = np.where(state.hired, state.unit, -1)[:, None]
        active_by_day[:, lo:hi] = state.active[:, None]
    return unit_by_day, active_by_day


def simulate_careers(rng, people: pd.DataFrame, org: Organisation, timeline: Timeline) -> Workforce:
    return _Simulation(rng, people, org, timeline).run()
