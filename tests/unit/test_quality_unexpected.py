"""GX's two shapes of unexpected rows read the same way."""

from __future__ import annotations

from kinerja.quality.unexpected import unexpected_rows, values_withheld

SHOWN = {
    "partial_unexpected_list": ["HONORER", "X"],
    "partial_unexpected_index_list": [
        {"_source_file": "a.csv", "_row_number": 2, "status": "HONORER"},
        {"_source_file": "a.csv", "_row_number": 5, "status": "X"},
    ],
}
WITHHELD = {
    "partial_unexpected_index_list": [
        {"_source_file": ["a.csv", "a.csv", "b.csv"], "_row_number": [2, 5, 1]}
    ]
}


def test_rows_with_values_are_read_as_listed() -> None:
    assert unexpected_rows(SHOWN, 10) == SHOWN["partial_unexpected_index_list"]
    assert unexpected_rows(SHOWN, 1) == SHOWN["partial_unexpected_index_list"][:1]
    assert not values_withheld(SHOWN)


def test_rows_without_values_are_read_row_by_row_up_to_the_limit() -> None:
    assert unexpected_rows(WITHHELD, 2) == [
        {"_source_file": "a.csv", "_row_number": 2},
        {"_source_file": "a.csv", "_row_number": 5},
    ]
    assert len(unexpected_rows(WITHHELD, 10)) == 3
    assert values_withheld(WITHHELD)
    assert unexpected_rows({}, 10) == [] and not values_withheld({})
