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

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kinerja.docs.dpia import access, data, framing, model, processing, retention, risks
from kinerja.project import DOCS_DIR
from kinerja.settings import Settings
from kinerja.transform.catalog import relations
from kinerja.transform.manifest import write_manifest
from ml.model_card import DataProtectionFacts

DPIA_PATH = DOCS_DIR / "DPIA.md"


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
        framing.header(settings),
        processing.section(settings, manifest, found, protection),
        framing.why_required(protection),
        framing.legal_basis(protection),
        data.necessity(found),
        data.categories(found),
        access.section(settings, found, protection),
        retention.section(settings, protection),
        model.section(settings, protection),
        risks.section(settings, found),
        framing.rights(protection),
        framing.open_items(settings),
    ]
    return "\n\n".join(s.strip() for s in sections) + "\n"
