"""The night: its steps (one function per DAG task, typed results), the report they write, what
the DAG file needs at parse time, and the embedded Airflow runner with its live progress.

The top layer with the CLI: the only code that imports both the `kinerja` layers and `ml`.
"""
