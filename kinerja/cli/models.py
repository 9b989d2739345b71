"""`kinerja info`, `train` and `models`: the installation and the risk model's versions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kinerja.cli.common import console, parse_date, yesterday
from kinerja.settings import Settings, get_settings


def info() -> None:
    """Where each store is and which warehouse target is active."""
    settings = get_settings()
    table = Table(title="Kinerja installation", show_header=False)
    table.add_column("what")
    table.add_column("where")
    warehouse = str(settings.duckdb_path) if settings.embedded else settings.postgres_url
    # In production BI reads the warehouse as kinerja_bi; the embedded one reads the snapshot.
    bi = (
        f"{settings.bi_snapshot_path} (read-only)"
        if settings.embedded
        else "the warehouse, as kinerja_bi"
    )
    for what, where in (
        ("KINERJA_HOME", settings.home_dir),
        ("warehouse target", settings.target),
        ("warehouse", warehouse),
        ("BI tools read", bi),
        ("landing area", settings.landing_url),
        ("outbox", settings.outbox_url),
        ("Airflow home (SQLite)", settings.airflow_home),
        ("MLflow tracking", settings.mlflow_uri),
        ("MLflow artifacts", settings.mlflow_artifact_root or "served by the tracking server"),
        ("GX Data Docs", settings.data_docs_dir / "index.html"),
        ("night reports", settings.home_dir / "runs"),
    ):
        table.add_row(what, escape(str(where)))
    console.print(table)


def train(
    as_of: Annotated[
        str | None, typer.Option(help="Data date YYYY-MM-DD (default: yesterday in Jakarta).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Train now even if the cadence says it is not due.")
    ] = False,
) -> None:
    """Train, backtest and register the risk model outside the nightly cadence."""
    from ml.train import train_and_register

    settings = get_settings()
    night = parse_date("--as-of", as_of) if as_of else yesterday()
    with console.status(f"training {settings.model_name} on what was known by {night}"):
        result = train_and_register(settings, night, force=force)
    if result.skipped:
        console.print(f"[yellow]not trained[/]: {escape(result.reason)}")
        return
    metrics = result.metrics
    console.print(
        f"{settings.model_name} v{result.model_version} (run {result.run_id}): validation "
        f"{result.validation_period} PR-AUC {metrics['val_pr_auc']:.3f}, ROC-AUC "
        f"{metrics['val_roc_auc']:.3f}, Brier {metrics['val_brier']:.3f}; worst fold's PR-AUC gain "
        f"over the best baseline {metrics['backtest_min_pr_auc_gain']:+.3f}"
    )
    console.print(escape(result.reason))


def models(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print every field of each version as JSON.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, help="How many of the newest versions.")] = 20,
) -> None:
    """The registered versions of the risk model side by side, newest first."""
    import json

    settings = get_settings()
    rows = _model_versions(settings, limit)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        console.print(
            f"No version of {settings.model_name!r} is registered in {settings.mlflow_uri} yet; "
            "the nightly run registers one once enough labelled quarters exist."
        )
        return
    console.print(_models_table(settings.model_name, rows))
    newest = rows[0]
    for label, key in (("promotion", "promotion_reason"), ("fairness gate", "fairness_reason")):
        if newest.get(key):
            console.print(f"v{newest['version']} {label}: {escape(str(newest[key]))}")


def _model_versions(settings: Settings, limit: int) -> list[dict]:
    # Looking must not create an empty MLflow store (its migrations take seconds).
    if settings.mlflow_tracking_uri is None and not (settings.mlflow_dir / "mlflow.db").exists():
        return []
    from ml.registry import open_store
    from ml.versions import model_versions_table

    return model_versions_table(open_store(settings), settings.model_name, limit=limit)


_ALIAS_STYLE = {"champion": "bold green", "challenger": "yellow"}


def _models_table(name: str, rows: list[dict]) -> Table:
    def number(value: float | None, signed: bool = False) -> str:
        if value is None:
            return "-"
        return f"{value:+.3f}" if signed else f"{value:.3f}"

    table = Table(title=f"{name}: registered versions, newest first")
    for column in ("version", "aliases", "created (UTC)", "as_of"):
        table.add_column(column)
    for column in (
        "PR-AUC",
        "ROC-AUC",
        "Brier",
        "ECE",
        "vs baselines",
        "worst fold",
        "max DP diff",
        "max EO diff",
    ):
        table.add_column(column, justify="right")
    table.add_column("fairness gate")
    table.add_column("promoted")
    for row in rows:
        aliases = " ".join(
            f"[{_ALIAS_STYLE[a]}]{a}[/]" if a in _ALIAS_STYLE else escape(a) for a in row["aliases"]
        )
        gate = row.get("fairness_gate") or "-"
        table.add_row(
            row["version"],
            aliases or "-",
            (row["created"] or "-").replace("T", " ").removesuffix("+00:00"),
            row["as_of"] or "-",
            number(row["val_pr_auc"]),
            number(row["val_roc_auc"]),
            number(row["val_brier"]),
            number(row["val_ece"]),
            number(row["pr_auc_gain_vs_baselines"], signed=True),
            number(row["backtest_min_pr_auc_gain"], signed=True),
            number(row["max_dp_diff"]),
            number(row["max_eo_diff"]),
            f"[red]{gate}[/]" if gate == "failed" else gate,
            row.get("promoted") or "-",
        )
    return table
