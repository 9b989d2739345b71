"""Kinerja: shared code for the nightly ASN performance pipeline."""

import os

# OpenMP threads (XGBoost, scikit-learn) spin while they wait for each other by default. On a
# 2-core machine shared with Airflow, dbt or parallel tests, a spinning thread starves the one it
# waits for: a 5 s XGBoost fit took 51 s with one other busy process. Passive waiting costs
# little when the machine is idle. Set here because it is read once, when the OpenMP runtime
# loads, and every entry point (CLI, DAG, tests) imports this package first.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# Personal data everywhere under KINERJA_HOME: every file and folder this process (and the
# Airflow, dbt and MLflow processes it starts, which inherit the umask) creates is owner-only.
from kinerja.private_files import restrict_new_files

restrict_new_files()
