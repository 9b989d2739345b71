"""Where the project's files are: the dbt project, the DAGs, the Airflow plugins, the GX
configuration, the docs the code writes and the deployment files.

They sit beside the package in a checkout (and in the Docker image, which installs the checkout).
A package installed elsewhere (a wheel in site-packages) has none of them beside it: there,
KINERJA_PROJECT_DIR names the folder that holds them. Read once, at import, like the constants
below that every process (the CLI, Airflow's DAG processor, dbt's plugin) derives from it;
`kinerja.runtime.tool_environment` passes it on to the processes Kinerja starts.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_VARIABLE = "KINERJA_PROJECT_DIR"
CHECKOUT = Path(__file__).resolve().parent.parent


def project_dir() -> Path:
    configured = os.environ.get(PROJECT_VARIABLE)
    return Path(configured).expanduser().resolve() if configured else CHECKOUT


PROJECT_DIR = project_dir()
DBT_PROJECT_DIR = PROJECT_DIR / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
DAGS_FOLDER = PROJECT_DIR / "dags"
PLUGINS_FOLDER = PROJECT_DIR / "plugins"
GX_CONFIG_FILE = PROJECT_DIR / "expectations" / "gx" / "great_expectations.yml"
# The Data Docs pages' templates and the npm packages of their scripts and styles.
DATA_DOCS_ASSETS_DIR = PROJECT_DIR / "expectations" / "gx" / "data_docs"
DOCS_DIR = PROJECT_DIR / "docs"
DEPLOY_DIR = PROJECT_DIR / "deploy"  # the production stack without Docker (supervisord)
