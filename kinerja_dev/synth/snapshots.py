"""The snapshot extracts as the source delivers them: unit_kerja and pegawai on a given day."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from kinerja.contract.extracts import PEGAWAI
from kinerja_dev.synth import positions as pos
from kinerja_dev.synth.careers import ON_ROLL, Workforce, supervisors
from kinerja_dev.synth.organisation import Organisation

RECENTLY_CHANGED = timedelta(days=365)


def unit_kerja_snapshot(org: Organisation, day: date) -> pd.DataFrame:
    return org.snapshot(day).reset_index(drop=True)


def pegawai_snapshot(workforce: Workforce, org: Organisation, day: date) -> pd.DataFrame:
    """Everyone on the roll (AKTIF, CLTN) plus whoever left or changed status in the last year."""
    state = workforce.state_on(day)
    people = workforce.people
    changed = np.array(
        [c is not None and day - c <= RECENTLY_CHANGED for c in state.status_changed_on], dtype=bool
    )
    include = state.hired & (np.isin(state.status_aktif, ON_ROLL) | changed)
    idx = np.flatnonzero(include)
    sup = supervisors(state, org)[idx]
    nips = people["nip"].to_numpy()
    units = org.units["kode_unit"].to_numpy()
    frame = pd.DataFrame(
        {
            "nip": nips[idx],
            "nik": people["nik"].to_numpy()[idx],
            "nama": people["nama"].to_numpy()[idx],
            "jenis_kelamin": people["jenis_kelamin"].to_numpy()[idx],
            "tanggal_lahir": [d.isoformat() for d in people["tanggal_lahir"].to_numpy()[idx]],
            "status_kepegawaian": state.status_kepegawaian[idx],
            "golongan": [
                pos.golongan_text(s, int(g))
                for s, g in zip(state.status_kepegawaian[idx], state.grade[idx])
            ],
            "jenis_jabatan": state.jenis_jabatan[idx],
            "nama_jabatan": state.nama_jabatan[idx],
            "kode_unit": units[state.unit[idx]],
            "nip_atasan": np.where(sup >= 0, nips[np.maximum(sup, 0)], ""),
            "pendidikan": people["pendidikan"].to_numpy()[idx],
            "tmt_cpns": [d.isoformat() for d in people["tmt_cpns"].to_numpy()[idx]],
            "tmt_jabatan": [d.isoformat() for d in state.tmt_jabatan[idx]],
            "status_aktif": state.status_aktif[idx],
            "email": people["email"].to_numpy()[idx],
            "no_hp": people["no_hp"].to_numpy()[idx],
        }
    )
    return frame[PEGAWAI.column_names]
