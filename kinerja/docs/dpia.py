"""A draft data protection impact assessment (DPIA, UU 27/2022 Pasal 34) written from the code.

Every fact is read from where the code keeps it: the personal columns from the extract contract
and the dbt manifest (kinerja.transform.catalog), the roles from kinerja.warehouse.roles and the
grants rule from dbt_project/macros/grants.sql, the retention periods from this installation's
settings, the model's purpose and limits from ml/model_card.py, the night's steps from the DAG.
What only the agency can state is marked AGENCY_ITEM and gathered again at the end.

`kinerja docs dpia` writes it for the installation's settings; docs/DPIA.md is the one written
with the defaults, which a test keeps current.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

import kinerja.pseudonym
import kinerja.warehouse.access
from kinerja.contract import EXTRACTS, Extract
from kinerja.contract.extracts import (
    JENIS_IZIN,
    STATUS_AKTIF,
    STATUS_KEPEGAWAIAN,
    SUMBER_PRESENSI,
    Delivery,
)
from kinerja.contract.personal import DIRECT_IDENTIFIERS, is_direct_identifier
from kinerja.docs.markdown import bullets, code, codes, first_sentence, table
from kinerja.docs.night_steps import night_steps
from kinerja.load.raw_tables import quarantine_kept_columns
from kinerja.private_files import OWNER_ONLY_UMASK
from kinerja.project import DBT_PROJECT_DIR, DOCS_DIR, PROJECT_DIR
from kinerja.publish.outbox import OUTBOX_COLUMNS
from kinerja.retention import Cutoffs
from kinerja.runtime import NO_TELEMETRY
from kinerja.settings import Settings
from kinerja.transform.catalog import Relation, relations
from kinerja.transform.manifest import write_manifest
from kinerja.warehouse.roles import (
    GROUP_ROLES,
    ROLE_DUTIES,
    SCHEMA_OWNERS,
    SCHEMA_READERS,
)
from ml.bands import RISK_BANDS
from ml.features import AUDIT_COLUMNS, FEATURE_COLUMNS, FEATURE_TABLE
from ml.model_card import (
    INTENDED_USE,
    LABEL_DEFINITION,
    OUT_OF_SCOPE,
    SYNTHETIC_CAVEAT,
    DataProtectionFacts,
)

DPIA_PATH = DOCS_DIR / "DPIA.md"
AGENCY_ITEM = "**[AGENCY]**"
GRANTS_MACROS = DBT_PROJECT_DIR / "macros" / "grants.sql"
# The comment above this macro in grants.sql states who reads a mart.
_READERS_RULE_MACRO = "is_restricted"
# Codes of the contract that carry specific personal data (UU 27/2022 Pasal 4 ayat (2)).
_HEALTH_CODES = ("CUTI_SAKIT",)
_BIOMETRIC_SOURCES = ("FINGERPRINT", "FACE")
_DBT_LAYERS = ("staging", "intermediate", "snapshots", "marts")
# A mart's description opens with its access ("RESTRICTED (carries nip).", "BI mart."), which
# the table shows in a column of its own.
_ACCESS_SENTENCE = re.compile(r"^(RESTRICTED|BI mart)\b")


def write_dpia(settings: Settings, output: Path = DPIA_PATH) -> Path:
    """Write the DPIA for `settings` to `output`; the dbt manifest comes from its cache."""
    manifest = _read_manifest(write_manifest(settings))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_dpia(settings, manifest), encoding="utf-8")
    return output


def _read_manifest(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def render_dpia(settings: Settings, manifest: Mapping[str, Any]) -> str:
    """The DPIA as Markdown for one installation's settings and its dbt project's manifest."""
    found = relations(manifest)
    protection = DataProtectionFacts()
    sections = [
        _header(settings),
        _processing(settings, manifest, found, protection),
        _why_required(protection),
        _legal_basis(protection),
        _necessity(settings, found),
        _subjects_and_categories(found),
        _recipients(settings, found, protection),
        _retention(settings, protection),
        _model(settings, protection),
        _risks(settings, found),
        _rights(protection),
        _open_items(settings),
    ]
    return "\n\n".join(s.strip() for s in sections) + "\n"


# ------------------------------------------------------------------------------------------------
# Header and the processing


def _header(settings: Settings) -> str:
    return f"""# Data protection impact assessment (DPIA): Kinerja

*Penilaian dampak pelindungan data pribadi*, UU 27/2022 (Pelindungan Data Pribadi) Pasal 34.

This draft is generated from the code and this installation's settings by `kinerja docs dpia`
(warehouse target `{settings.target}`); regenerate it after every upgrade or change of settings,
and do not edit the generated parts by hand: change the code or the setting, then regenerate.
Items marked {AGENCY_ITEM} can only be stated by the agency (the controller, *Pengendali Data
Pribadi*); they are gathered again under [Open items for the agency](#11-open-items-for-the-agency).
The agency files the completed assessment, not this draft."""


def _processing(
    settings: Settings,
    manifest: Mapping[str, Any],
    found: list[Relation],
    protection: DataProtectionFacts,
) -> str:
    steps = []
    for step in night_steps():
        if step.step is None:
            steps.append((code(step.task), _dbt_build(manifest, found)))
        else:
            steps.append((code(step.task), step.does))
    dashboards = [
        (e["label"] or e["name"], first_sentence(" ".join(e["description"].split())),
         (e.get("owner") or {}).get("name") or "-")
        for e in sorted(manifest.get("exposures", {}).values(), key=lambda e: e["name"])
    ]  # fmt: skip
    return "\n\n".join(
        [
            "## 1. Description of the processing",
            "### 1.1 Purposes",
            (
                "Kinerja turns an agency's nightly HR, attendance and performance extracts into a "
                "performance warehouse and a risk score per civil servant. The purposes the model card "
                "(`ml/model_card.py`) states:"
            ),
            bullets([*protection.purposes, *INTENDED_USE]),
            "The uses declared in the dbt project (`dbt_project/models/marts/_exposures.yml`):",
            table(["use", "what it shows", "owner"], dashboards),
            "### 1.2 The nightly processing",
            (
                "One Airflow DAG (`dags/kinerja_nightly.py`) runs these steps every night, in this "
                "order; a failed step stops the ones after it:"
            ),
            table(["task", "what it does"], steps),
            "### 1.3 Where the data lives",
            _locations(settings),
        ]
    )


def _dbt_build(manifest: Mapping[str, Any], found: list[Relation]) -> str:
    counts = {}
    for relation in found:
        if not relation.written_by_python:
            counts[relation.layer] = counts.get(relation.layer, 0) + 1
    seeds = sum(1 for n in manifest["nodes"].values() if n["resource_type"] == "seed")
    built = ", ".join(f"{counts[layer]} {layer}" for layer in _DBT_LAYERS if layer in counts)
    return (
        f"dbt builds the warehouse from the raw layer ({built} relations, {seeds} seeds holding "
        "the rules), with its data tests, in one `dbt build`"
    )


def _shown(path: Path | str) -> str:
    """A path inside the checkout relative to it (the same in every checkout), others as they are."""
    text = str(path)
    try:
        return str(Path(text).relative_to(PROJECT_DIR))
    except ValueError:
        return text


def _locations(settings: Settings) -> str:
    warehouse = (
        _shown(settings.duckdb_path)
        if settings.target == "duckdb"
        else f"{settings.postgres_url} (schemas raw, staging, intermediate, snapshots, seeds, marts)"
    )
    key = (
        f"the environment variable {kinerja.pseudonym.KEY_VARIABLE}"
        if settings.pseudonym_key is not None
        else (
            f"{_shown(kinerja.pseudonym.key_file(settings))} (generated per installation)"
            if settings.target == "duckdb"
            else f"none: {kinerja.pseudonym.KEY_VARIABLE} must be set, the night refuses to start"
        )
    )
    rows = [
        ("deliveries as received (landing area)", _shown(settings.landing_url)),
        ("warehouse: raw, staging, intermediate, marts", warehouse),
        ("Airflow metadata and task logs", _shown(settings.airflow_home)),
        ("MLflow runs, model versions and model cards", settings.mlflow_uri.replace(
            str(PROJECT_DIR) + "/", "")),
        ("Great Expectations Data Docs", _shown(settings.data_docs_dir)),
        ("dbt target and logs", _shown(settings.dbt_target_dir.parent)),
        ("per-night run reports", _shown(settings.home_dir / "runs")),
        ("outbox of scores for source systems", _shown(settings.outbox_url)),
        ("the pseudonym secret", key),
    ]  # fmt: skip
    files = 0o666 & ~OWNER_ONLY_UMASK
    folders = 0o777 & ~OWNER_ONLY_UMASK
    return (
        table(["what", "where (this installation)"], rows)
        + f"\n\nEverything Kinerja writes under {_shown(settings.home_dir)} is created "
        f"owner-only (files {files:04o}, folders {folders:04o}: `kinerja/private_files.py` sets "
        f"the process umask {OWNER_ONLY_UMASK:04o} in every entry point), and the folder itself "
        "is closed to other users. Usage telemetry of the tools is switched off "
        f"({codes(sorted(NO_TELEMETRY))}, `kinerja/runtime.py`): no data leaves the "
        "installation except the outbox, which the agency's source systems fetch."
    )


# ------------------------------------------------------------------------------------------------
# Why, on what basis, and whether it is proportionate


def _why_required(protection: DataProtectionFacts) -> str:
    return "## 2. Why a DPIA is required\n\n" + bullets(protection.dpia_triggers)


def _legal_basis(protection: DataProtectionFacts) -> str:
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


def _necessity(settings: Settings, found: list[Relation]) -> str:
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


# ------------------------------------------------------------------------------------------------
# Whose data and which


def _subjects_and_categories(found: list[Relation]) -> str:
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
    for layer in _DBT_LAYERS[:-1]:
        inside = [r for r in found if r.layer == layer]
        identifying = [r for r in inside if r.direct_identifiers]
        names = sorted({c for r in identifying for c in r.direct_identifiers})
        rows.append((layer, len(inside), len(identifying), codes(names)))
    return rows


# ------------------------------------------------------------------------------------------------
# Who receives it


def _recipients(settings: Settings, found: list[Relation], protection: DataProtectionFacts) -> str:
    rows = []
    for role in GROUP_ROLES:
        schemas = [s for s, readers in SCHEMA_READERS.items() if role in readers]
        owns = [s for s, owner in SCHEMA_OWNERS.items() if owner == role]
        rows.append((code(role), ROLE_DUTIES.get(role, "-"), codes(schemas), codes(owns)))
    restricted = [r.name for r in found if r.layer == "marts" and r.restricted]
    open_marts = [r.name for r in found if r.layer == "marts" and not r.restricted]
    ml = [r.name for r in found if r.read_by_ml]
    alerts = [
        channel
        for channel, on in (
            (
                f"e-mail to {settings.alert_smtp_to}",
                settings.alert_smtp_host and settings.alert_smtp_to,
            ),
            ("a webhook (KINERJA_ALERT_WEBHOOK_URL)", settings.alert_webhook_url is not None),
        )
        if on
    ]
    target_note = (
        "On this installation (PostgreSQL) `kinerja warehouse roles` creates these group roles "
        "and dbt grants the marts on every build; the agency makes each login a member of one."
        if settings.target == "postgres"
        else "This installation uses the embedded DuckDB warehouse, which has no roles: whoever "
        "can read its file reads everything, so only the installation's user may (section 1.3). "
        "The roles below apply on PostgreSQL, the production target."
    )
    return "\n\n".join(
        [
            "## 6. Recipients and access",
            "### 6.1 Warehouse roles",
            target_note,
            table(["role", "duty", "may use schemas", "owns"], rows),
            "Who reads a mart (`dbt_project/macros/grants.sql`): " + _readers_rule(),
            bullets(
                [
                    f"restricted marts: {codes(restricted)}",
                    f"open marts: {codes(open_marts)}",
                    f"read by the model (exposure of type ml): {codes(ml)}",
                ]
            ),
            "Row-level access (`kinerja/warehouse/access.py`): " + _row_level_rule(),
            "### 6.2 Outside the warehouse",
            bullets(
                [
                    *protection.recipients,
                    (
                        f"the outbox hands each night's scores to source systems, per employee: "
                        f"{codes(OUTBOX_COLUMNS)}"
                    ),
                    "failure alerts of the night name the failing file, row and rule and may quote "
                    "a delivered value: "
                    + (", ".join(alerts) if alerts else "no alert channel is configured"),
                ]
            ),
        ]
    )


def _readers_rule() -> str:
    text = GRANTS_MACROS.read_text(encoding="utf-8")
    for comment in re.finditer(r"\{#-(.*?)-#\}", text, re.DOTALL):
        if text[comment.end() :].lstrip().startswith(f"{{% macro {_READERS_RULE_MACRO}("):
            return " ".join(comment.group(1).split())
    raise ValueError(f"{GRANTS_MACROS}: no comment above macro {_READERS_RULE_MACRO}")


def _row_level_rule() -> str:
    doc = inspect.getdoc(kinerja.warehouse.access) or ""
    paragraphs = doc.split("\n\n")[1:]
    return "\n\n".join(
        p if p.lstrip().startswith("- ") else " ".join(p.split()) for p in paragraphs
    )


# ------------------------------------------------------------------------------------------------
# How long


def retention_rows(settings: Settings) -> list[tuple[str, str, str, str, str]]:
    """(kind, this installation, default, setting, what and why) per kind the night purges."""
    rows = []
    for kind in (f.name for f in fields(Cutoffs)):
        name = next(n for n in Settings.model_fields if n.startswith(f"retention_{kind}_"))
        field = Settings.model_fields[name]
        rows.append(
            (
                kind,
                _period(name, getattr(settings, name)),
                _period(name, field.default),
                code(f"KINERJA_{name.upper()}"),
                field.description or "",
            )
        )
    return rows


def _period(name: str, value: int) -> str:
    if not value:
        return "kept forever"
    if name.endswith("_years"):
        return f"current year + {value}"
    return f"{value} days"


def _retention(settings: Settings, protection: DataProtectionFacts) -> str:
    snapshots = [e.name for e in EXTRACTS.values() if e.delivery == Delivery.SNAPSHOT]
    return "\n\n".join(
        [
            "## 7. Retention",
            (
                "The night's last task, `apply_retention`, removes what is older than its period, "
                "counted back from the night's date, and records every purge in `raw.retention_log` "
                "(`kinerja/retention.py`). Periods of this installation:"
            ),
            table(
                ["kind", "this installation", "default", "setting", "what and why"],
                retention_rows(settings),
            ),
            bullets(
                [
                    (
                        f"snapshot extracts ({codes(snapshots)}) keep their last delivery before the "
                        "cutoff: it is the state from then on"
                    ),
                    (
                        "not purged by the night: the marts (incremental marts keep the days they "
                        "built until a full refresh), `marts.skor_kinerja`, the MLflow store "
                        "(model versions, model cards, training data digests) and the landing area"
                    ),
                    f"{AGENCY_ITEM} {protection.retention}",
                ]
            ),
        ]
    )


# ------------------------------------------------------------------------------------------------
# The model


def _model(settings: Settings, protection: DataProtectionFacts) -> str:
    bands = ", ".join(f"{band} from {threshold}" for band, threshold in RISK_BANDS)
    return "\n\n".join(
        [
            "## 8. Profiling and automated decisions: the risk model",
            (
                "From the model card (`ml/model_card.py`), which is also logged with every model "
                "version in MLflow."
            ),
            "### Intended use",
            "\n\n".join(INTENDED_USE),
            "### Not for",
            bullets(OUT_OF_SCOPE),
            "### Limits and safeguards",
            bullets(
                [
                    f"Label: {LABEL_DEFINITION}",
                    (
                        f"Bands: {bands}; each score comes with its three largest reasons in "
                        "Indonesian, from the model's own SHAP values."
                    ),
                    (
                        f"Fairness gate (`ml/fairness.py`): a version whose demographic-parity "
                        f"difference passes {settings.fairness_max_dp_diff} or whose equalized-odds "
                        f"difference passes {settings.fairness_max_eo_diff} between the groups of "
                        f"any audit dimension ({codes(AUDIT_COLUMNS)}) is never promoted; groups "
                        f"below {settings.fairness_min_group_size} rows are reported, not gated."
                    ),
                    (
                        f"A new version replaces the champion only when fair and better by "
                        f"{settings.promotion_margin} PR-AUC on the same quarter; training runs when "
                        f"labels arrive or {settings.retrain_after_days} days after the last."
                    ),
                    f"**Synthetic data.** {SYNTHETIC_CAVEAT}",
                    *protection.safeguards,
                ]
            ),
        ]
    )


# ------------------------------------------------------------------------------------------------
# Risks, rights, open items


def _risks(settings: Settings, found: list[Relation]) -> str:
    access = (
        "group roles per duty, dbt grants by the marts' access declaration, row-level security "
        "on the restricted marts (section 6)"
        if settings.target == "postgres"
        else "the warehouse file is readable by the installation's user only; production uses "
        "PostgreSQL with roles and row-level security (section 6)"
    )
    key = (
        "the secret is set in the environment"
        if settings.pseudonym_key is not None
        else "the embedded demo generated its own secret"
        if settings.target == "duckdb"
        else "no secret is set: the night refuses to run"
    )
    retention = "; ".join(f"{kind} {period}" for kind, period, *_ in retention_rows(settings))
    rows = [
        (
            "unauthorised reading of identities, attendance, ratings or sanctions",
            access,
            (
                f"{AGENCY_ITEM} grant memberships sparingly and review them; protect database "
                "passwords and backups"
            ),
        ),
        (
            "re-identification of BI rows (a NIP encodes birth date and sex)",
            (f"{_pseudonym_rule()} The key is per installation; here {key}."),
            (
                f"{AGENCY_ITEM} keep the secret with the database password; rotate it when staff who "
                "knew it leave"
            ),
        ),
        (
            "an employee is treated worse because of a score (profiling)",
            (
                "the score only orders a review list, with reasons; fairness gate; audit dimensions "
                "are never features (section 8)"
            ),
            (
                f"{AGENCY_ITEM} a written procedure: who may act on a score, how an employee "
                "objects (Pasal 10)"
            ),
        ),
        (
            "scores or attendance-fraud warnings used for pay, sanctions or careers",
            "the model card forbids it; warnings are restricted and carry their evidence",
            f"{AGENCY_ITEM} forbid it in the agency's rules and check it",
        ),
        (
            "personal data kept longer than needed",
            f"nightly retention: {retention}",
            f"{AGENCY_ITEM} periods for the marts, scores and model versions (section 7)",
        ),
        (
            "personal values in error reports, Data Docs or quarantine",
            (
                "quarantine keeps the NIP, key and failing value only; Data Docs and reports have "
                "their own short periods; files are owner-only"
            ),
            "-",
        ),
        (
            "wrong data leading to a wrong score (accuracy, Pasal 6)",
            (
                "the extract contract rejects or quarantines bad rows; validation stops a bad night; "
                "the predikat is recomputed from the ratings"
            ),
            f"{AGENCY_ITEM} a way for employees to have their source records corrected",
        ),
        (
            "secrets or data leaving the installation",
            "no telemetry; the secret never reaches SQL, Airflow's fields or logs",
            "-",
        ),
        (
            "a breach goes unnoticed or unreported",
            "every load, retraction and purge leaves an audit row",
            (
                f"{AGENCY_ITEM} a breach procedure: notify the people affected and the authority "
                "within 3 x 24 hours (Pasal 46)"
            ),
        ),
    ]
    leaking = [
        r.name for r in found if r.layer == "marts" and not r.restricted and r.direct_identifiers
    ]
    if leaking:
        rows.insert(
            0,
            (
                "direct identifiers in marts open to BI",
                f"none: {codes(leaking)} hold them",
                "mark them restricted or remove the columns before filing",
            ),
        )
    return "## 9. Risks to the data subjects and measures\n\n" + table(
        ["risk", "what the code does", "what remains for the agency"], rows
    )


def _pseudonym_rule() -> str:
    """The first sentence of kinerja.pseudonym's description, under its title line."""
    paragraphs = (inspect.getdoc(kinerja.pseudonym) or "").split("\n\n")
    return first_sentence(" ".join(paragraphs[1].split())) if len(paragraphs) > 1 else ""


def _rights(protection: DataProtectionFacts) -> str:
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


def _open_items(settings: Settings) -> str:
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
    if settings.target == "duckdb":
        items.insert(
            0,
            "this draft was generated for the embedded DuckDB demo: regenerate it with the "
            "production settings (`KINERJA_TARGET=postgres` and the real retention periods)",
        )
    return "## 11. Open items for the agency\n\n" + bullets(f"{AGENCY_ITEM} {i}" for i in items)
