"""Section 6: who receives the data: the warehouse roles, the grants rule, row-level access,
and what leaves the warehouse."""

from __future__ import annotations

import inspect
import re

import kinerja.warehouse.access
from kinerja.docs.markdown import bullets, code, codes, table
from kinerja.project import DBT_PROJECT_DIR
from kinerja.publish.outbox import OUTBOX_COLUMNS
from kinerja.settings import Settings
from kinerja.transform.catalog import Relation
from kinerja.warehouse.roles import (
    GROUP_ROLES,
    ROLE_DUTIES,
    SCHEMA_OWNERS,
    SCHEMA_READERS,
)
from ml.model_card import (
    DataProtectionFacts,
)

GRANTS_MACROS = DBT_PROJECT_DIR / "macros" / "grants.sql"
# The comment above this macro in grants.sql states who reads a mart.
_READERS_RULE_MACRO = "is_restricted"


def section(settings: Settings, found: list[Relation], protection: DataProtectionFacts) -> str:
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
        if not settings.embedded
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
