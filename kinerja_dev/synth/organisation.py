"""The unit tree: a headquarters root, divisions and regional offices, and their sections.

Each unit has one head (JPT at the root, ADMINISTRATOR for divisions and offices, PENGAWAS for
sections), so the tree is sized from the headcount to keep structural posts near the national
11 %. Regional offices spread the units over WIB, WITA and WIT. Once in the range the tree
changes: a new section is created (a reorganisation), and that date gets a fresh snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from kinerja.contract.extracts import UNIT_KERJA, UTC_OFFSET_HOURS
from kinerja_dev.synth import reference as ref
from kinerja_dev.synth.timeline import Timeline

STRUCTURAL_SHARE = 0.11
HEAD_TYPE_BY_LEVEL = {0: "JPT", 1: "ADMINISTRATOR", 2: "PENGAWAS"}


@dataclass
class Organisation:
    """units: one row per unit ever existing, index = unit id. Contract columns as delivered text
    plus: level (0 root, 1 division/office, 2 section), parent (-1 at root), created_on (None for
    units existing before the range), offset_hours, lat_f/lon_f/radius_m (numbers), province_code,
    head_type, head_title."""

    units: pd.DataFrame
    change_dates: list[date]

    @property
    def n_units(self) -> int:
        return len(self.units)

    def exists_on(self, day: date) -> np.ndarray:
        created = self.units["created_on"]
        return np.array([c is None or c <= day for c in created], dtype=bool)

    def snapshot(self, day: date) -> pd.DataFrame:
        return self.units.loc[self.exists_on(day), UNIT_KERJA.column_names]

    def children(self, unit: int) -> np.ndarray:
        return np.flatnonzero(self.units["parent"].to_numpy() == unit)


def _head_title(level: int, name: str) -> str:
    if level == 0:
        return "Kepala Badan"
    if name == "Sekretariat":
        return "Sekretaris"
    return f"Kepala {name}"


def _regional_cities(rng: np.random.Generator, count: int) -> list[tuple[ref.City, str]]:
    """Offices in distinct cities, weighted to where people live, with WITA and WIT always present
    (small trees too). Beyond the list, cities get a second office ("Makassar II")."""
    pool = list(ref.CITIES)
    weight = {"WIB": 3.0, "WITA": 1.5, "WIT": 1.0}
    forced = []
    for zone in ("WITA", "WIT"):
        candidates = [i for i, c in enumerate(pool) if c.zona_waktu == zone]
        forced.append(candidates[int(rng.integers(len(candidates)))])
    rest = [i for i in range(len(pool)) if i not in forced]
    p = np.array([weight[pool[i].zona_waktu] for i in rest])
    order = forced + list(rng.choice(rest, size=len(rest), replace=False, p=p / p.sum()))
    out = []
    for k in range(count):
        city = pool[order[k % len(order)]]
        suffix = (
            "" if k < len(order) else " " + ("II", "III", "IV", "V")[min(k // len(order) - 1, 3)]
        )
        out.append((city, suffix))
    return out


def build_organisation(
    rng: np.random.Generator, employees: int, timeline: Timeline
) -> Organisation:
    n_offices = max(3, round(employees * STRUCTURAL_SHARE / 4))
    n_hq = min(len(ref.HQ_DIVISIONS), max(1, n_offices // 2))
    width = max(2, len(str(n_offices)))
    root_code = "01" + "0" * (width + 4)

    rows: list[dict] = []

    def add(code, name, parent, level, city, lat, lon, radius, created_on=None):
        rows.append(
            {
                "kode_unit": code,
                "nama_unit": name,
                "kode_unit_induk": rows[parent]["kode_unit"] if parent >= 0 else "",
                "instansi": ref.INSTANSI,
                "zona_waktu": city.zona_waktu,
                "lat_f": lat,
                "lon_f": lon,
                "radius_m": radius,
                "level": level,
                "parent": parent,
                "created_on": created_on,
                "province_code": city.province_code,
            }
        )
        return len(rows) - 1

    hq = ref.HEADQUARTERS
    hq_lat, hq_lon = hq.lat + rng.uniform(-0.01, 0.01), hq.lon + rng.uniform(-0.01, 0.01)
    root = add(root_code, ref.INSTANSI, -1, 0, hq, hq_lat, hq_lon, int(rng.integers(100, 301)))

    offices: list[tuple[str, ref.City, tuple[str, ...], float, float]] = []
    for name in ref.HQ_DIVISIONS[:n_hq]:
        sections = ref.SECRETARIAT_SECTIONS if name == "Sekretariat" else ref.HQ_SECTIONS
        offices.append((name, hq, sections, hq_lat, hq_lon))
    for city, suffix in _regional_cities(rng, n_offices - n_hq):
        lat = city.lat + rng.uniform(-0.02, 0.02)
        lon = city.lon + rng.uniform(-0.02, 0.02)
        offices.append(
            (f"{ref.REGIONAL_OFFICE} {city.name}{suffix}", city, ref.REGIONAL_SECTIONS, lat, lon)
        )

    for i, (name, city, sections, lat, lon) in enumerate(offices, start=1):
        radius = int(rng.integers(100, 301))
        office = add(f"01{i:0{width}d}0000", name, root, 1, city, lat, lon, radius)
        n_sections = int(rng.integers(2, 5))
        for j, section in enumerate(sections[:n_sections], start=1):
            # Sections sit in their office's building: same place and geofence.
            add(
                f"01{i:0{width}d}{j:02d}00",
                _section_name(section, name),
                office,
                2,
                city,
                lat,
                lon,
                radius,
            )

    change_dates: list[date] = []
    month_firsts = timeline.month_firsts()
    if month_firsts and timeline.n_days >= 45:
        # A reorganisation a little after the middle of the range creates one new section.
        target = timeline.days[int(timeline.n_days * 0.55)]
        change = next((d for d in month_firsts if d >= target), month_firsts[-1])
        office_ids = [k for k, r in enumerate(rows) if r["level"] == 1]
        office = office_ids[int(rng.integers(len(office_ids)))]
        siblings = [r for r in rows if r["parent"] == office]
        j = len(siblings) + 1
        code = rows[office]["kode_unit"][: 2 + width] + f"{j:02d}00"
        o = rows[office]
        place = ref.City(
            o["nama_unit"], o["zona_waktu"], o["province_code"], o["lat_f"], o["lon_f"]
        )
        name = _section_name(ref.NEW_SECTION, o["nama_unit"])
        add(code, name, office, 2, place, o["lat_f"], o["lon_f"], o["radius_m"], change)
        change_dates.append(change)

    units = pd.DataFrame(rows)
    units["offset_hours"] = units["zona_waktu"].map(UTC_OFFSET_HOURS).astype(int)
    units["lat"] = units["lat_f"].map(lambda v: f"{v:.6f}")
    units["lon"] = units["lon_f"].map(lambda v: f"{v:.6f}")
    units["radius_presensi_m"] = units["radius_m"].astype(str)
    units["head_type"] = units["level"].map(HEAD_TYPE_BY_LEVEL)
    units["head_title"] = [
        _head_title(lv, nm) for lv, nm in zip(units["level"], units["nama_unit"])
    ]
    assert root == 0
    return Organisation(units=units, change_dates=change_dates)


def _section_name(section: str, office: str) -> str:
    if office == "Sekretariat":
        return section
    if office.startswith("Bidang "):
        return f"{section} {office.removeprefix('Bidang ')}"
    return f"{section} {office}"
