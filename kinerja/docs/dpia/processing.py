"""Section 1: what is processed, why, in which steps of the night, and where it lives."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import kinerja.pseudonym
from kinerja.docs.markdown import bullets, code, codes, first_sentence, table
from kinerja.docs.night_steps import night_steps
from kinerja.private_files import OWNER_ONLY_UMASK
from kinerja.project import PROJECT_DIR
from kinerja.runtime import NO_TELEMETRY
from kinerja.settings import Settings
from kinerja.transform.catalog import DBT_LAYERS, Relation
from ml.model_card import (
    INTENDED_USE,
    DataProtectionFacts,
)


def section(
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
    built = ", ".join(f"{counts[layer]} {layer}" for layer in DBT_LAYERS if layer in counts)
    return (
        f"dbt builds the warehouse from the raw layer ({built} relations, {seeds} seeds holding "
        "the rules), with its data tests, in one `dbt build`"
    )


def shown(path: Path | str) -> str:
    """A path inside the checkout relative to it (the same in every checkout), others as they are."""
    text = str(path)
    try:
        return str(Path(text).relative_to(PROJECT_DIR))
    except ValueError:
        return text


def _locations(settings: Settings) -> str:
    warehouse = (
        shown(settings.duckdb_path)
        if settings.embedded
        else f"{settings.postgres_url} (schemas raw, staging, intermediate, snapshots, seeds, marts)"
    )
    key = (
        f"the environment variable {kinerja.pseudonym.KEY_VARIABLE}"
        if kinerja.pseudonym.configured_key(settings)
        else (
            f"{shown(kinerja.pseudonym.key_file(settings))} (generated per installation)"
            if settings.embedded
            else f"none: {kinerja.pseudonym.KEY_VARIABLE} must be set, the night refuses to start"
        )
    )
    rows = [
        ("deliveries as received (landing area)", shown(settings.landing_url)),
        ("warehouse: raw, staging, intermediate, marts", warehouse),
        ("Airflow metadata and task logs", shown(settings.airflow_home)),
        ("MLflow runs, model versions and model cards", settings.mlflow_uri.replace(
            str(PROJECT_DIR) + "/", "")),
        ("Great Expectations Data Docs", shown(settings.data_docs_dir)),
        ("dbt target and logs", shown(settings.dbt_target_dir.parent)),
        ("per-night run reports", shown(settings.home_dir / "runs")),
        ("outbox of scores for source systems", shown(settings.outbox_url)),
        ("the pseudonym secret", key),
    ]  # fmt: skip
    files = 0o666 & ~OWNER_ONLY_UMASK
    folders = 0o777 & ~OWNER_ONLY_UMASK
    return (
        table(["what", "where (this installation)"], rows)
        + f"\n\nEverything Kinerja writes under {shown(settings.home_dir)} is created "
        f"owner-only (files {files:04o}, folders {folders:04o}: `kinerja/private_files.py` sets "
        f"the process umask {OWNER_ONLY_UMASK:04o} in every entry point), and the folder itself "
        "is closed to other users. Usage telemetry of the tools is switched off "
        f"({codes(sorted(NO_TELEMETRY))}, `kinerja/runtime.py`): no data leaves the "
        "installation except the outbox, which the agency's source systems fetch."
    )
