"""The DPIA's frame: its header, why it is required, the controller and legal basis, the
data subjects' rights and what the agency must still do."""

from __future__ import annotations

from kinerja.docs.markdown import bullets, table
from kinerja.settings import Settings
from ml.model_card import (
    DataProtectionFacts,
)

AGENCY_ITEM = "**[AGENCY]**"


def header(settings: Settings) -> str:
    return f"""# Data protection impact assessment (DPIA): Kinerja

*Penilaian dampak pelindungan data pribadi*, UU 27/2022 (Pelindungan Data Pribadi) Pasal 34.

This draft is generated from the code and this installation's settings by `kinerja docs dpia`
(warehouse target `{settings.target}`); regenerate it after every upgrade or change of settings,
and do not edit the generated parts by hand: change the code or the setting, then regenerate.
Items marked {AGENCY_ITEM} can only be stated by the agency (the controller, *Pengendali Data
Pribadi*); they are gathered again under [Open items for the agency](#11-open-items-for-the-agency).
The agency files the completed assessment, not this draft."""


def why_required(protection: DataProtectionFacts) -> str:
    return "## 2. Why a DPIA is required\n\n" + bullets(protection.dpia_triggers)


def legal_basis(protection: DataProtectionFacts) -> str:
    return "\n\n".join(
        [
            "## 3. Controller and legal basis",
            table(
                ["", "to be stated by the agency"],
                [
                    ("controller", f"{AGENCY_ITEM} {protection.controller}"),
                    (
                        "data protection officer",
                        f"{AGENCY_ITEM} {protection.data_protection_officer}",
                    ),
                    ("legal basis", f"{AGENCY_ITEM} proposed: {protection.legal_basis}"),
                ],
            ),
            (
                f"{AGENCY_ITEM} If the agency relies on another basis (e.g. consent, which an employee "
                "cannot give freely to their employer), the whole assessment must be revisited."
            ),
        ]
    )


def rights(protection: DataProtectionFacts) -> str:
    return "## 10. Rights of the data subjects\n\n" + bullets(
        [
            *protection.data_subject_rights,
            (
                "every employee can see their own data: `kinerja_pegawai` logins and the employee "
                "card (`kinerja_kartu`) read the restricted marts and `marts.skor_kinerja` only for "
                "the employee's own rows (README: Row-level access); an administrator grants it with "
                "`kinerja warehouse scope grant <login> --nip <NIP>`"
            ),
        ]
    )


def open_items(settings: Settings) -> str:
    items = [
        "name the controller and the data protection officer (section 3)",
        "confirm the legal basis with the legal unit (section 3)",
        (
            "confirm necessity per data category, in particular sick leave and locations (sections 4 "
            "and 5.3)"
        ),
        (
            "set retention for the marts, `marts.skor_kinerja`, the MLflow store and the landing area "
            "from the records retention schedule (section 7)"
        ),
        (
            "write the procedures for acting on scores and warnings, objections and corrections, and "
            "breaches (sections 9 and 10)"
        ),
        "re-train and re-audit the model on the agency's own data before any use (section 8)",
        "consult the employees or their representatives, as the agency's practice requires",
        "sign off: prepared by, reviewed by the DPO, approved by, date",
    ]
    if settings.embedded:
        items.insert(
            0,
            "this draft was generated for the embedded DuckDB demo: regenerate it with the "
            "production settings (`KINERJA_TARGET=postgres` and the real retention periods)",
        )
    return "## 11. Open items for the agency\n\n" + bullets(f"{AGENCY_ITEM} {i}" for i in items)
