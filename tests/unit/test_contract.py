"""The contract is internally consistent and its user document is current."""

from __future__ import annotations

import re

from kinerja.contract import EXTRACTS, RAW_METADATA_COLUMNS, Kind
from kinerja.contract.docs import DOC_PATH, render


def test_user_document_is_rendered_from_the_contract():
    assert DOC_PATH.read_text(encoding="utf-8") == render(), "run: python -m kinerja.contract.docs"


def test_every_extract_names_its_columns_once_and_codes_are_canonical():
    for extract in EXTRACTS.values():
        names = extract.column_names
        assert len(names) == len(set(names)), extract.name
        assert not any(n.startswith("_") for n in names), "underscore names are loader metadata"
        for column in extract.columns:
            if column.kind is Kind.CODE:
                assert column.codes and len(set(column.codes)) == len(column.codes)
            if column.key:
                assert column.required, f"{extract.name}.{column.name}: keys are required"
    assert all(re.fullmatch(r"_[a-z_]+", c) for c in RAW_METADATA_COLUMNS)


def test_direct_identifiers_are_marked_personal():
    for extract in EXTRACTS.values():
        for column in extract.columns:
            if column.name in ("nik", "nama", "tanggal_lahir", "email", "no_hp"):
                assert column.personal, f"{extract.name}.{column.name}"


def test_every_rule_the_loader_applies_is_documented():
    from datetime import date

    from kinerja.contract.rules import DELIVERY_RULES, FILE_RULES, ROW_RULES, RULES
    from kinerja.load.checks import row_checks

    applied = {
        check.rule
        for extract in EXTRACTS.values()
        for check in row_checks(extract, extract.column_names, date(2026, 3, 2), 4000, True)
    }
    assert applied == {r.code for r in ROW_RULES}
    assert len(RULES) == len(ROW_RULES) + len(FILE_RULES) + len(DELIVERY_RULES)
    document = DOC_PATH.read_text(encoding="utf-8")
    assert all(f"`{code}`" in document for code in RULES)
