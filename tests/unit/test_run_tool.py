"""run_tool: the one way Kinerja runs Airflow, dbt and supervisord to their end."""

from __future__ import annotations

import sys

import pytest

from kinerja.runtime import run_tool

SCRIPT = "import os, sys; print(os.environ.get('ONLY', 'none')); print('x' * 5000 + 'END', file=sys.stderr); sys.exit(int(sys.argv[1]))"


def test_a_failure_names_the_tool_and_shows_the_end_of_both_streams():
    with pytest.raises(RuntimeError) as raised:
        run_tool([sys.executable, "-c", SCRIPT, "3"], {"ONLY": "given"}, "the tool failed")
    message = str(raised.value)
    assert message.startswith("the tool failed:\ngiven\n")  # the tool saw only the env it was given
    assert message.endswith("END\n") and len(message) < 3100 + len("the tool failed:\n")


def test_success_raises_nothing(tmp_path):
    run_tool([sys.executable, "-c", "open('made', 'w').close()"], {}, "unused", cwd=tmp_path)
    assert (tmp_path / "made").exists()
