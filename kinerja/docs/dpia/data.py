"""Sections 4 and 5: necessity, the data subjects and the personal data of every layer."""

from __future__ import annotations

import re

from kinerja.contract import EXTRACTS, Extract
from kinerja.contract.extracts import (
    JENIS_IZIN,
    STATUS_AKTIF,
    STATUS_KEPEGAWAIAN,
    SUMBER_PRESENSI,
)
from kinerja.contract.personal import DIRECT_IDENTIFIERS, is_direct_identifier
from kinerja.docs.dpia.framing import AGENCY_ITEM
from kinerja.docs.markdown import bullets, code, codes, table
from kinerja.load.raw_tables import quarantine_kept_columns
from kinerja.transform.catalog import DBT_LAYERS, Relation
from ml.features import AUDIT_COLUMNS, FEATURE_COLUMNS, FEATURE_TABLE

# Codes of the contract that carry specific personal data (UU 27/2022 Pasal 4 ayat (2)).
_HEALTH_CODES = ("CUTI_SAKIT",)
_BIOMETRIC_SOURCES = ("FINGERPRINT", "FACE")
# A mart's description opens with its access ("RESTRICTED (carries nip).", "BI mart."), which
# the table shows in a column of its own.
_ACCESS_SENTENCE = re.compile(r"^(RESTRICTED|BI mart)\b")


def necessity(found: list[Relation]) -> str:
    bi_marts = [r for r in found if r.layer == "marts" and not r.restricted]
    leaking = [r for r in bi_marts if r.direct_identifiers]
    identifiers = sorted(DIRECT_IDENTIFIERS)
    items = [
        f"Direct identifiers ({codes(identifiers)}) stay in the raw, staging, intermediate and "
        "snapshot layers, which only the loader and the transformer read, and in the marts "
        "declared restricted (`meta: {akses: terbatas}`). "
        + (
            f"None of the {len(bi_marts)} marts open to BI holds one: they carry pseudonymous "
            "keys or aggregates."
            if not leaking
            else "**Breach: marts open to BI hold direct identifiers: "
            + "; ".join(f"{r.name} ({', '.join(r.direct_identifiers)})" for r in leaking)
            + ". Mark them restricted or remove the columns before filing.**"
        ),
        (
            f"The model reads {len(FEATURE_COLUMNS)} features from {code(FEATURE_TABLE)}; "
            f"sex, age band, grade group and time zone ({codes(AUDIT_COLUMNS)}) are read only to "
            "measure fairness, never as model input."
        ),
        "A quarantined row keeps only what fixing the delivery needs: the failing column and "
        + "; ".join(f"{e.name}: {codes(quarantine_kept_columns(e))}" for e in EXTRACTS.values())
        + ", never the rest of the row.",
        "Every kind of data has a retention period (section 7), applied each night.",
        "Scores order a review list; no decision is taken by the system (section 8).",
        (
            f"{AGENCY_ITEM} Confirm for each category in section 5 that the purposes need it, and "
            "that a less intrusive means (e.g. aggregates per unit only) would not serve them."
        ),
    ]
    return "## 4. Necessity and proportionality\n\n" + bullets(items)


def categories(found: list[Relation]) -> str:
    return "\n\n".join(
        [
            "## 5. Data subjects and categories of personal data",
            "### 5.1 Data subjects",
            bullets(
                [
                    (
                        f"the agency's civil servants ({', '.join(STATUS_KEPEGAWAIAN)}) in every "
                        f"employment status the source delivers ({', '.join(STATUS_AKTIF)}), i.e. "
                        "former staff too while their rows are retained"
                    ),
                    (
                        "their direct supervisors (`nip_atasan`) and the raters of their SKP "
                        "(`nip_penilai`), whose rating habits become data about them "
                        "(`mart_kelonggaran_penilai`)"
                    ),
                ]
            ),
            "### 5.2 The raw layer: what the source systems deliver",
            (
                "From the extract contract (`kinerja/contract/extracts.py`, also "
                "[extract_contract.md](extract_contract.md)); every value is kept as delivered:"
            ),
            table(
                ["extract", "what", "direct identifiers", "other data about the person"],
                [_extract_row(e) for e in EXTRACTS.values()],
            ),
            "### 5.3 Specific personal data",
            bullets(_specific_data()),
            "### 5.4 The warehouse layers built by dbt",
            (
                "From the dbt manifest: which relations hold or read direct identifiers "
                "(staging and intermediate document few columns, so what their SQL names counts) "
                "and which carry a pseudonymous key."
            ),
            table(
                ["layer", "relations", "holding or reading direct identifiers", "identifiers"],
                _layer_rows(found),
            ),
            "The marts, which people and tools read (every column documented in the mart's yml):",
            table(
                ["mart", "access", "direct identifiers", "pseudonymous keys", "columns", "what"],
                [
                    (
                        r.name,
                        "restricted" if r.restricted else "open (BI)",
                        codes(r.direct_identifiers),
                        codes(r.pseudonymous_keys),
                        len(r.columns),
                        _what(r.description),
                    )
                    for r in found
                    if r.layer == "marts"
                ],
            ),
        ]
    )


def _what(description: str) -> str:
    sentences = re.split(r"(?<=\.)\s+", description)
    while len(sentences) > 1 and _ACCESS_SENTENCE.match(sentences[0]):
        sentences.pop(0)
    return sentences[0]


def _extract_row(extract: Extract) -> tuple[str, str, str, str]:
    identifiers = [c for c in extract.columns if is_direct_identifier(c)]
    others = [c for c in extract.columns if not is_direct_identifier(c)]
    return (
        f"{code(extract.name)} ({extract.delivery})",
        extract.description,
        "; ".join(f"{code(c.name)} {c.description.lower()}" for c in identifiers) or "-",
        ", ".join(c.name for c in others),
    )


def _specific_data() -> list[str]:
    items = []
    health = [c for c in _HEALTH_CODES if c in JENIS_IZIN]
    if health:
        items.append(
            f"health: leave of kind {codes(health)} (extract `izin`) says an employee was ill; "
            "the model counts its days (`hari_cuti_sakit`)"
            if "hari_cuti_sakit" in FEATURE_COLUMNS
            else f"health: leave of kind {codes(health)} (extract `izin`) says an employee was ill"
        )
    biometric = [s for s in _BIOMETRIC_SOURCES if s in SUMBER_PRESENSI]
    if biometric:
        items.append(
            f"biometrics: punches come from {codes(biometric)} terminals, but Kinerja receives "
            "only the punch time, source and device (extract `presensi`): no template or image"
        )
    located = [e.name for e in EXTRACTS.values() if "lat" in e.column_names]
    items.append(
        f"location: mobile punches carry latitude and longitude (extract `presensi`); "
        f"office locations come with {codes(n for n in located if n != 'presensi')}; the "
        "attendance-fraud warnings compare them (`mart_peringatan_presensi`)"
    )
    items.append(
        "disciplinary sanctions (extract `hukuman_disiplin`, with the decree's reason as text): "
        "not criminal records, but sensitive; the model counts them over 24 months"
    )
    return items


def _layer_rows(found: list[Relation]) -> list[tuple[str, int, int, str]]:
    rows = []
    for layer in DBT_LAYERS[:-1]:
        inside = [r for r in found if r.layer == layer]
        identifying = [r for r in inside if r.direct_identifiers]
        names = sorted({c for r in identifying for c in r.direct_identifiers})
        rows.append((layer, len(inside), len(identifying), codes(names)))
    return rows
