"""Everyone who is on the roll at the start or joins during the range, with their starting position.

Mixes follow the national ASN profile (DOMAIN.md): ~77 % PNS (a few recent CPNS) and ~23 % PPPK,
~53 % women, ~68 % graduates / 15 % diploma / 17 % secondary or less, ~51 % functional / 38 %
executors / 11 % unit heads, grades I ~1 %, II ~16 %. New CPNS join each 1 June and new PPPK
each 1 March inside the range.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from faker import Faker

from kinerja_dev.synth import positions as pos
from kinerja_dev.synth import reference as ref
from kinerja_dev.synth.identity import IdentityRegistry, mobile_device_id, person_name, phone_number
from kinerja_dev.synth.organisation import Organisation
from kinerja_dev.synth.timeline import Timeline, add_months
from kinerja_dev.synth.traits import person_traits

EDUCATION = ("SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3")
STAFF_EDUCATION_P = (0.012, 0.02, 0.165, 0.004, 0.004, 0.125, 0.04, 0.51, 0.11, 0.01)
HEAD_EDUCATION_P = (0, 0, 0, 0, 0, 0, 0, 0.42, 0.52, 0.06)
NEW_CPNS_EDUCATION_P = (0, 0, 0.08, 0, 0, 0.15, 0.05, 0.62, 0.10, 0)
# Staff ages at the start: about a quarter are over 50 (1.3 M of 4.76 M ASN were 51-60 in 2023).
AGE_BANDS = ((20, 25), (26, 30), (31, 35), (36, 40), (41, 45), (46, 50), (51, 55), (56, 59))
AGE_BAND_P = (0.04, 0.09, 0.12, 0.14, 0.15, 0.16, 0.18, 0.12)
PPPK_SHARE = 0.23
RECENT_CPNS_SHARE = 0.03  # of PNS staff at the start: appointed within the last year
HIRE_RATE = 0.025  # of the starting headcount, per CPNS batch and per PPPK batch
FUNGSIONAL_P = {"PNS": 0.66, "CPNS": 0.66, "PPPK": 0.82}  # when education allows it
ENTRY_AGE = {
    "basic": (19, 30), "secondary": (19, 30), "diploma": (21, 32), "graduate": (23, 35),
}  # fmt: skip


def _years_before(day: date, years: float) -> date:
    return day - timedelta(days=round(years * 365.25))


def _month_first_on_or_after(day: date) -> date:
    return day if day.day == 1 else add_months(day, 1)


def _next_promotion_window(day: date) -> date:
    """Regular promotions take effect on 1 April or 1 October."""
    for candidate in (date(day.year, 4, 1), date(day.year, 10, 1), date(day.year + 1, 4, 1)):
        if candidate >= day:
            return candidate
    raise AssertionError("unreachable")


def _retirement_date(birth: date, age: int) -> date:
    """Pension starts on the first of the month after the birthday at retirement age."""
    try:
        birthday = birth.replace(year=birth.year + age)
    except ValueError:  # 29 February
        birthday = date(birth.year + age, 3, 1)
    return add_months(birthday, 1)


class _Builder:
    def __init__(
        self, rng: np.random.Generator, fake: Faker, org: Organisation, timeline: Timeline
    ):
        self.rng = rng
        self.fake = fake
        self.org = org
        self.timeline = timeline
        self.registry = IdentityRegistry()
        self.rows: list[dict] = []

    def _pick(self, options, p=None):
        return options[int(self.rng.choice(len(options), p=p))]

    def _birth_for_age(self, on: date, age: float) -> date:
        return _years_before(on, age) - timedelta(days=int(self.rng.integers(0, 365)))

    def _province(self, unit: int) -> str:
        if self.rng.random() < 0.7:
            return self.org.units.at[unit, "province_code"]
        return self._pick(ref.CITIES).province_code

    def person(
        self,
        *,
        unit: int,
        female: bool,
        birth: date,
        pendidikan: str,
        status: str,
        tmt_cpns: date,
        grade: int,
        jenis_jabatan: str,
        family: str,
        nama_jabatan: str,
        tmt_jabatan: date,
        hired_on: date | None,
        next_promotion: date | None,
        cpns_until: date | None,
    ) -> None:
        nama, given, family_name = person_name(self.fake, self.rng, female, pendidikan)
        if status == "PPPK":
            nip = self.registry.ni_pppk(birth, tmt_cpns, female)
        else:
            nip = self.registry.nip_pns(birth, tmt_cpns, female)
        self.rows.append(
            {
                "nip": nip,
                "nik": self.registry.nik(self.rng, self._province(unit), birth, female),
                "nama": nama,
                "jenis_kelamin": "P" if female else "L",
                "tanggal_lahir": birth,
                "pendidikan": pendidikan,
                "tmt_cpns": tmt_cpns,
                "email": self.registry.email(self.rng, given, family_name),
                "no_hp": phone_number(self.rng),
                "hired_on": hired_on,
                "init_status": status,
                "init_grade": grade,
                "init_jenis_jabatan": jenis_jabatan,
                "init_family": family,
                "init_nama_jabatan": nama_jabatan,
                "init_unit": unit,
                "init_tmt_jabatan": tmt_jabatan,
                "next_promotion": next_promotion,
                "cpns_until": cpns_until,
                "mobile_device": mobile_device_id(self.rng),
            }
        )

    def staff_position(self, status: str, pendidikan: str) -> tuple[str, str]:
        """(jenis_jabatan, family) for a non-head; for executors the family is the title."""
        if pos.may_be_fungsional(pendidikan) and self.rng.random() < FUNGSIONAL_P[status]:
            return "FUNGSIONAL", self._pick(pos.fungsional_families(pendidikan))
        return "PELAKSANA", self._pick(ref.PELAKSANA_BY_BAND[pos.EDUCATION_BAND[pendidikan]])

    def pns_grade(self, pendidikan: str, tmt_cpns: date, on: date, status: str, jenis: str) -> int:
        """Grade after the years served: a step per 4 years at best, often slower."""
        entry = pos.PNS_ENTRY[pendidikan]
        if status == "CPNS":
            return entry
        years = (on - tmt_cpns).days / 365.25
        steps = int(years / pos.PROMOTION_YEARS * self.rng.uniform(0.55, 1.0))
        return min(entry + steps, pos.grade_ceiling(status, pendidikan, jenis))

    def entry_age(self, pendidikan: str) -> float:
        low, high = ENTRY_AGE[pos.EDUCATION_BAND[pendidikan]]
        return float(self.rng.uniform(low, high))


def _unit_weights(rng: np.random.Generator, org: Organisation, on: date) -> np.ndarray:
    """Staff spread: sections hold most, offices and the root some; sizes vary."""
    level_weight = np.array([0.5, 0.35, 1.0])[org.units["level"].to_numpy()]
    w = level_weight * rng.gamma(4.0, 0.25, org.n_units) * org.exists_on(on)
    return w / w.sum()


def build_people(
    rng: np.random.Generator, fake: Faker, org: Organisation, timeline: Timeline, employees: int
) -> pd.DataFrame:
    """One row per person: identity, static attributes, latent traits and the starting position
    (`init_*`). hired_on is None for people already on the roll at the start."""
    b = _Builder(rng, fake, org, timeline)
    start = timeline.start
    initial_units = np.flatnonzero(org.exists_on(start))
    n_heads = len(initial_units)
    if employees < n_heads + 10:
        raise ValueError(f"employees must be at least {n_heads + 10} for this unit tree")

    for unit in initial_units:
        _add_head(b, int(unit), start)

    n_staff = employees - n_heads
    female_p = (0.53 * employees - 0.35 * n_heads) / n_staff
    pppk_p = PPPK_SHARE * employees / n_staff
    weights = _unit_weights(rng, org, start)
    staff_units = rng.choice(org.n_units, size=n_staff, p=weights)
    for unit in staff_units:
        status = "PPPK" if rng.random() < pppk_p else "PNS"
        if status == "PNS" and rng.random() < RECENT_CPNS_SHARE:
            status = "CPNS"
        _add_staff(b, int(unit), status, rng.random() < female_p, start, hired_on=None)

    for batch_day, status in _hire_batches(timeline):
        weights = _unit_weights(rng, org, batch_day)
        for unit in rng.choice(org.n_units, size=max(1, round(HIRE_RATE * employees)), p=weights):
            _add_staff(b, int(unit), status, rng.random() < 0.55, batch_day, hired_on=batch_day)

    people = pd.DataFrame(b.rows)
    people["diligence"], people["commute"] = person_traits(rng, len(people))
    is_head = people["init_jenis_jabatan"].isin(pos.STRUCTURAL).to_numpy()
    # Heads were selected for it: a little more diligent on average.
    people.loc[is_head, "diligence"] += 0.3
    people["mobile_user"] = rng.random(len(people)) < 0.12
    people["prefers_face"] = rng.random(len(people)) < 0.6
    return people


def _hire_batches(timeline: Timeline) -> list[tuple[date, str]]:
    out = []
    for year in range(timeline.start.year, timeline.end.year + 1):
        for day, status in ((date(year, 3, 1), "PPPK"), (date(year, 6, 1), "CPNS")):
            if timeline.start < day <= timeline.end:
                out.append((day, status))
    return sorted(out)


def _add_head(b: _Builder, unit: int, start: date) -> None:
    rng = b.rng
    level = int(b.org.units.at[unit, "level"])
    head_type = b.org.units.at[unit, "head_type"]
    pendidikan = b._pick(EDUCATION, HEAD_EDUCATION_P)
    retire_age = pos.retirement_age(head_type, "PNS", 14)
    low, high = {0: (50, 57), 1: (44, 56), 2: (38, 56)}[level]
    age = float(rng.uniform(low, min(high, retire_age - 0.2)))
    birth = b._birth_for_age(start, age)
    tmt_cpns = _month_first_on_or_after(birth + timedelta(days=int(rng.uniform(23, 29) * 365.25)))
    lo, hi = pos.HEAD_GRADE_RANGE[head_type]
    grade = int(np.clip(b.pns_grade(pendidikan, tmt_cpns, start, "PNS", head_type), lo, hi))
    tmt_jabatan = _month_first_on_or_after(_years_before(start, float(rng.uniform(0.5, 6))))
    b.person(
        unit=unit, female=rng.random() < 0.35, birth=birth, pendidikan=pendidikan, status="PNS",
        tmt_cpns=tmt_cpns, grade=grade, jenis_jabatan=head_type, family="",
        nama_jabatan=b.org.units.at[unit, "head_title"], tmt_jabatan=tmt_jabatan, hired_on=None,
        next_promotion=_next_promotion_window(start + timedelta(days=int(rng.integers(0, 4 * 365)))),
        cpns_until=None,
    )  # fmt: skip


def _add_staff(
    b: _Builder, unit: int, status: str, female: bool, on: date, hired_on: date | None
) -> None:
    rng = b.rng
    joining = hired_on is not None
    if joining and status == "CPNS":
        pendidikan = b._pick(EDUCATION, NEW_CPNS_EDUCATION_P)
    else:
        pendidikan = b._pick(EDUCATION, STAFF_EDUCATION_P)

    jenis, family = b.staff_position(status, pendidikan)
    if status == "PPPK":
        age = float(rng.uniform(24, 50) if joining else rng.uniform(25, 57))
        birth = b._birth_for_age(on, age)
        if joining:
            tmt = on
        else:
            # PPPK exist since 2019; most were appointed in the large 2021-2024 intakes.
            years = np.arange(max(2019, on.year - 6), on.year)
            w = np.linspace(1, 3, len(years))
            year = int(rng.choice(years, p=w / w.sum()))
            tmt = date(year, int(rng.choice([1, 3, 10])), 1)
            if tmt >= on:
                tmt = add_months(on, -int(rng.integers(2, 12)))
        grade = pos.PPPK_GRADE[pendidikan]
        if pendidikan in ("S1", "D4") and rng.random() < 0.2:
            grade += int(rng.integers(1, 3))  # experienced hires appointed higher
        cpns_until = None
        next_promotion = None
    elif status == "CPNS":
        tmt = on if joining else add_months(on, -int(rng.integers(1, 12)))
        birth = b._birth_for_age(tmt, min(b.entry_age(pendidikan), 34.5))
        grade = pos.PNS_ENTRY[pendidikan]
        cpns_until = add_months(tmt, int(rng.integers(12, 19)))
        next_promotion = _next_promotion_window(add_months(tmt, 48))
    else:
        age = float(b._pick(AGE_BANDS, AGE_BAND_P)[0] + rng.uniform(0, 5))
        age = min(age, 57.8)
        birth = b._birth_for_age(on, age)
        entry_age = min(b.entry_age(pendidikan), age - 1.2)
        tmt = _month_first_on_or_after(birth + timedelta(days=int(max(entry_age, 18.5) * 365.25)))
        tmt = min(tmt, add_months(on, -13))
        grade = b.pns_grade(pendidikan, tmt, on, status, jenis)
        cpns_until = None
        next_promotion = _next_promotion_window(on + timedelta(days=int(rng.integers(0, 4 * 365))))

    if jenis == "FUNGSIONAL":
        nama_jabatan = pos.fungsional_title(family, pendidikan, status, grade)
    else:
        nama_jabatan = family
    retire = _retirement_date(birth, pos.retirement_age(jenis, status, grade))
    if retire <= on:  # already past retirement age for this position: make them younger
        birth = birth + timedelta(days=(on - retire).days + int(rng.integers(40, 3 * 365)))
    if status in ("CPNS", "PPPK"):
        tmt_jabatan = tmt
    else:
        earliest = add_months(tmt, 12)
        # tmt <= on - 13 months, so this stays before the start of the range.
        tmt_jabatan = max(
            earliest, _month_first_on_or_after(_years_before(on, float(rng.uniform(0.1, 8))))
        )
    b.person(
        unit=unit, female=female, birth=birth, pendidikan=pendidikan, status=status, tmt_cpns=tmt,
        grade=grade, jenis_jabatan=jenis, family=family, nama_jabatan=nama_jabatan,
        tmt_jabatan=tmt_jabatan, hired_on=hired_on, next_promotion=next_promotion,
        cpns_until=cpns_until,
    )  # fmt: skip


def retirement_dates(people: pd.DataFrame) -> dict[int, np.ndarray]:
    """For each possible retirement age, every person's pension start date (as day ordinals)."""
    births = people["tanggal_lahir"].tolist()
    return {
        age: np.array([_retirement_date(b, age).toordinal() for b in births], dtype=np.int64)
        for age in (58, 60, 65)
    }
