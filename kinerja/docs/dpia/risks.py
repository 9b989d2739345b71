"""Section 9: the risks to the data subjects and what the code does about each."""

from __future__ import annotations

import inspect

import kinerja.pseudonym
from kinerja.docs.dpia.framing import AGENCY_ITEM
from kinerja.docs.dpia.retention import retention_rows
from kinerja.docs.markdown import codes, first_sentence, table
from kinerja.settings import Settings
from kinerja.transform.catalog import Relation


def section(settings: Settings, found: list[Relation]) -> str:
    access = (
        "group roles per duty, dbt grants by the marts' access declaration, row-level security "
        "on the restricted marts (section 6)"
        if not settings.embedded
        else "the warehouse file is readable by the installation's user only; production uses "
        "PostgreSQL with roles and row-level security (section 6)"
    )
    key = (
        "the secret is set in the environment"
        if kinerja.pseudonym.configured_key(settings)
        else "the embedded demo generated its own secret"
        if settings.embedded
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
