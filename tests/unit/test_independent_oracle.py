"""The rules' tests are an independent oracle: expected values are written by hand from the
regulation text, never computed from the seeds or macros the warehouse itself reads. Otherwise an
error in a seed (a wrong cell of the predikat matrix, a wrong PP 94 band) would move the
expectation with it and no test could catch it. The generator may use the seeds to make data.

Two test modules touch seeds for other reasons, named here with why; any new one fails.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

SEED_READERS = re.compile(
    r"kinerja\.rules|kinerja\.transform\.seeds import|SEEDS?_DIR|dbt_project/seeds|read_seed"
)
ALLOWED = {
    # checks that committed generated seeds equal what the code writes (a build check, no rule)
    "integration/test_dbt_models.py",
    # counts the matrix's rows to prove an installed package finds the project; asserts a literal 9
    "unit/test_project_dir.py",
}


def test_no_test_derives_an_expectation_from_the_seeds():
    readers = {
        str(path.relative_to(TESTS))
        for path in TESTS.rglob("*.py")
        if path.name != Path(__file__).name
        and SEED_READERS.search(path.read_text(encoding="utf-8"))
    }
    assert readers <= ALLOWED, f"tests reading seeds: {sorted(readers - ALLOWED)}"


def test_dbt_unit_tests_expect_literal_rows():
    """A dbt unit test may feed a real seed in (`input: ref('seed')` without rows) but its
    `expect` must list the rows by hand, not read them from a seed or a SQL fixture."""
    project = TESTS.parent / "dbt_project" / "models"
    offenders = []
    for path in project.rglob("*.yml"):
        text = path.read_text(encoding="utf-8")
        for block in re.split(r"\n  - name: ", text.split("unit_tests:", 1)[-1])[1:]:
            expect = block.split("\n    expect:", 1)
            if len(expect) == 2 and re.search(r"format: sql|fixture:", expect[1]):
                offenders.append(f"{path.name}: {block.splitlines()[0]}")
    assert not offenders, offenders
