"""Personal identifiers as Indonesian systems issue them: names, NIP, NI PPPK, NIK, e-mail, phone.

NIP (PNS/CPNS) = birth YYYYMMDD + TMT CPNS YYYYMM + sex digit (1 male, 2 female) + a 3-digit
sequence that only breaks collisions of the first 15 digits. PPPK numbers are 18 digits too but
mean something else: birth date, appointment year, the marker "21" where a month would be, sex and
a sequence. NIK = province, regency, district codes + DDMMYY of birth (day + 40 for women) + a
4-digit sequence.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
from faker import Faker

from kinerja_dev.synth import reference as ref


class IdentityRegistry:
    """Issues unique numbers and addresses; remembers what it issued (lookups only, never
    iterated, so the order of a dict or set cannot leak into the output)."""

    def __init__(self) -> None:
        self._sequence: dict[str, int] = {}
        self._niks: set[str] = set()
        self._emails: set[str] = set()

    def _next(self, prefix: str) -> str:
        seq = self._sequence.get(prefix, 0) + 1
        if seq > 999:
            raise ValueError(f"more than 999 numbers share the prefix {prefix}")
        self._sequence[prefix] = seq
        return f"{prefix}{seq:03d}"

    def nip_pns(self, birth: date, tmt_cpns: date, female: bool) -> str:
        return self._next(f"{birth:%Y%m%d}{tmt_cpns:%Y%m}{2 if female else 1}")

    def ni_pppk(self, birth: date, tmt: date, female: bool) -> str:
        return self._next(f"{birth:%Y%m%d}{tmt.year}21{2 if female else 1}")

    def nik(self, rng: np.random.Generator, province: str, birth: date, female: bool) -> str:
        regency = int(rng.integers(1, 20)) if rng.random() < 0.7 else int(rng.integers(71, 79))
        district = int(rng.integers(1, 25))
        day = birth.day + (40 if female else 0)
        stem = f"{province}{regency:02d}{district:02d}{day:02d}{birth:%m%y}"
        seq = int(rng.integers(1, 1000))
        while f"{stem}{seq:04d}" in self._niks:
            seq += 1
        nik = f"{stem}{seq:04d}"
        self._niks.add(nik)
        return nik

    def email(self, rng: np.random.Generator, given: str, family: str) -> str:
        local = ".".join(p for p in (_ascii(given), _ascii(family)) if p)
        if rng.random() < 0.7:
            domain = ref.EMAIL_DOMAIN
        else:
            domain = ref.PERSONAL_MAIL_DOMAINS[int(rng.integers(len(ref.PERSONAL_MAIL_DOMAINS)))]
            local += str(int(rng.integers(1, 99)))
        address = f"{local}@{domain}"
        n = 2
        while address in self._emails:
            address = f"{local}{n}@{domain}"
            n += 1
        self._emails.add(address)
        return address


def _ascii(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def person_name(
    fake: Faker, rng: np.random.Generator, female: bool, pendidikan: str
) -> tuple[str, str, str]:
    """(full name as recorded, given name, family name). SIMPEG records carry academic degrees,
    so some names hold commas: "Siti Rahayu, S.E., M.M."."""
    first = fake.first_name_female if female else fake.first_name_male
    last = fake.last_name_female if female else fake.last_name_male
    given = first()
    parts = [given]
    if rng.random() < 0.35:
        parts.append(first())
    family = last() if rng.random() < 0.8 else ""
    if family:
        parts.append(family)
    name = " ".join(parts)
    if rng.random() < 0.6:
        if pendidikan == "D3":
            name += f", {ref.DEGREE_D3}"
        elif pendidikan in ("D4", "S1", "S2", "S3"):
            name += f", {ref.DEGREES_S1[int(rng.integers(len(ref.DEGREES_S1)))]}"
            if pendidikan in ("S2", "S3"):
                name += f", {ref.DEGREES_S2[int(rng.integers(len(ref.DEGREES_S2)))]}"
            if pendidikan == "S3":
                name = "Dr. " + name
    return name, given, family or parts[-1]


def phone_number(rng: np.random.Generator) -> str:
    prefix = ref.MOBILE_PREFIXES[int(rng.integers(len(ref.MOBILE_PREFIXES)))]
    digits = int(rng.integers(7, 9))
    return prefix + "".join(str(int(x)) for x in rng.integers(0, 10, size=digits))


def mobile_device_id(rng: np.random.Generator) -> str:
    platform = "AND" if rng.random() < 0.85 else "IOS"
    return f"{platform}-{int(rng.integers(0, 2**32)):08x}"
