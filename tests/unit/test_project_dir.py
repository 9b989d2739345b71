"""The project's files (dbt project, DAGs, GX configuration) are found from a checkout and from
a package installed away from them, through KINERJA_PROJECT_DIR."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import kinerja
from kinerja.project import CHECKOUT, DAGS_FOLDER, DBT_PROJECT_DIR, GX_CONFIG_FILE, PROJECT_DIR

PROBE = """
import json, kinerja
from kinerja.project import DBT_PROJECT_DIR, GX_CONFIG_FILE
from kinerja.rules import predikat_matrix
from kinerja.runtime import tool_environment
from kinerja.settings import Settings
env = tool_environment(Settings())
print(json.dumps({
    "package": kinerja.__file__,
    "dbt": str(DBT_PROJECT_DIR),
    "gx": GX_CONFIG_FILE.exists(),
    "profiles": env["DBT_PROFILES_DIR"],
    "dags": env["AIRFLOW__CORE__DAGS_FOLDER"],
    "passed_on": env["KINERJA_PROJECT_DIR"],
    "predikat": len(predikat_matrix()) if DBT_PROJECT_DIR.exists() else None,
}))
"""


def _probe(tmp_path: Path, pythonpath: Path | None, project: Path | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("KINERJA_PROJECT_DIR", "PYTHONPATH")}
    env["KINERJA_HOME"] = str(tmp_path / "home")
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    if project:
        env["KINERJA_PROJECT_DIR"] = str(project)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        check=False,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_checkout_finds_its_files_beside_the_package():
    assert PROJECT_DIR == CHECKOUT == Path(kinerja.__file__).resolve().parent.parent
    assert (DBT_PROJECT_DIR / "dbt_project.yml").exists()
    assert (DAGS_FOLDER / "kinerja_nightly.py").exists()
    assert GX_CONFIG_FILE.exists()


def test_an_installed_package_finds_them_through_kinerja_project_dir(tmp_path):
    # The package alone, as a wheel puts it in site-packages: no dbt_project/ or dags/ beside it.
    site = tmp_path / "site-packages"
    shutil.copytree(
        CHECKOUT / "kinerja", site / "kinerja", ignore=shutil.ignore_patterns("__pycache__")
    )

    alone = _probe(tmp_path, site, project=None)
    assert alone["package"].startswith(str(site))
    assert not Path(alone["dbt"]).exists() and alone["predikat"] is None

    found = _probe(tmp_path, site, project=CHECKOUT)
    assert found["package"].startswith(str(site))
    assert found["dbt"] == found["profiles"] == str(CHECKOUT / "dbt_project")
    assert found["dags"] == str(CHECKOUT / "dags")
    assert found["gx"] and found["predikat"] == 9
    # Airflow, dbt and the tasks they start resolve the same folder.
    assert found["passed_on"] == str(CHECKOUT)
