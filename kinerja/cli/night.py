"""`kinerja load`, `retract`, `run` and `ui`: the night, by hand or through Airflow."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kinerja.cli.common import (
    BadArgument,
    LandingOpt,
    TargetOpt,
    console,
    date_range,
    parse_date,
    progress_bar,
    settings_for,
)
from kinerja.settings import Settings


def load(
    date_: Annotated[str, typer.Option("--date", help="Extraction date YYYY-MM-DD.")],
    landing: LandingOpt = None,
    target: TargetOpt = None,
    catch_up: Annotated[
        bool, typer.Option(help="Also load earlier dates never loaded before.")
    ] = False,
) -> None:
    """Load one night's deliveries into the raw layer and show what happened to each batch."""
    from kinerja.load import load_night

    day = parse_date("--date", date_)
    settings = settings_for(landing, target)
    with progress_bar() as bar:

        def loading(extract: str, done: int, total: int) -> None:
            # Shown once loading starts: a warehouse held by another process is one line alone.
            if not bar.task_ids:
                bar.add_task("loading", total=None)
            what = f"loading {extract}"
            bar.update(bar.task_ids[0], description=what, completed=done, total=total)

        night = load_night(settings, day, catch_up=catch_up, progress=loading)
    _print_load(night, f"Load {day} into {settings.target}")
    for finding in night.findings:
        console.print(f"[red]{finding.rule}[/] {escape(finding.path)}: {escape(finding.reason)}")
    if night.rejected or night.findings:
        raise typer.Exit(1)


_WRAPPED_COLUMN_WIDTH = 24  # the least the rules and the reason each get in the table
_STATUS_STYLE = {"REJECTED": "red", "REFUSED": "red", "WAITING": "yellow", "UNCHANGED": "dim"}


def _print_load(night, title: str) -> None:
    """One row per file; where that table is wider than the console (80 columns, a log), each
    file on its own lines: its name, its status and counts, its rules and reason, wrapped, never
    cut."""

    def status(f) -> str:
        style = _STATUS_STYLE.get(f.status, "")
        return f"[{style}]{f.status}[/]" if style else f.status

    def rules(f) -> str:
        # Names and messages come from the delivery (file and column names): never markup.
        return escape(", ".join(f"{rule} {n:,}" for rule, n in sorted(f.quarantine_rules.items())))

    rows = [
        (
            escape(Path(f.path).name),
            o.extract,
            o.extraction_date.isoformat(),
            status(f),
            f"{f.rows_delivered:,}",
            f"{f.rows_loaded:,}",
            f"{f.rows_quarantined:,}",
            rules(f),
            escape(f.message),
        )
        for o in night.outcomes
        for f in o.file_outcomes
    ]

    def table_of(wrapped: bool) -> Table:
        """The counts stay whole; the rules and reasons wrap (a long path folded, never cut)."""
        table = Table(title=title)
        for column in ("file", "extract", "date", "status", "delivered", "loaded", "quarantined"):
            right = column in ("delivered", "loaded", "quarantined")
            table.add_column(column, justify="right" if right else "left", no_wrap=True)
        if wrapped:
            table.add_column("quarantine rules", overflow="fold")
            table.add_column("reason", overflow="fold")
        for row in rows:
            table.add_row(*(row if wrapped else row[:7]))
        return table

    unbounded = console.options.update_width(1 << 16)
    fixed = console.measure(table_of(wrapped=False), options=unbounded).maximum
    if fixed + 2 * _WRAPPED_COLUMN_WIDTH <= console.width:
        console.print(table_of(wrapped=True))
        return
    console.print(f"[b]{title}[/]")
    for name, extract, day, state, delivered, loaded, quarantined, rule_counts, reason in rows:
        console.print(f"{extract} {day} {name}")
        console.print(
            f"  {state}: {delivered} delivered, {loaded} loaded, {quarantined} quarantined"
        )
        if rule_counts:
            console.print(f"  quarantine rules: {rule_counts}")
        if reason:
            console.print(f"  {reason}")


def retract(
    extract: Annotated[str, typer.Argument(help="Extract, e.g. presensi.")],
    date_: Annotated[str, typer.Argument(metavar="DATE", help="Extraction date YYYY-MM-DD.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the date is removed.")],
    by: Annotated[str | None, typer.Option("--by", help="Who removes it (default: you).")] = None,
    target: TargetOpt = None,
) -> None:
    """Remove a loaded date's raw and quarantined rows on purpose, recording who and why."""
    from kinerja.load.retract import RetractRefused
    from kinerja.load.retract import retract as retract_date

    day = parse_date("DATE", date_)
    settings = settings_for(target=target)
    try:
        done = retract_date(settings, extract, day, reason, by)
    except RetractRefused as exc:
        console.print(f"[red]Not retracted:[/] {escape(str(exc))}")
        raise typer.Exit(1) from None
    console.print(
        f"Retracted {done.extract} {done.extraction_date} by {escape(done.by)}: "
        f"{done.rows_removed:,} raw and {done.rows_quarantined_removed:,} quarantined rows removed"
    )


def _latest_delivery(settings: Settings) -> date | None:
    from kinerja.contract import EXTRACTS
    from kinerja.landing.discovery import delivery_dates, open_landing

    fs, root = open_landing(settings.landing_url)
    dates = [d for name in EXTRACTS for d in delivery_dates(fs, root, name)]
    return max(dates) if dates else None


def _dbt_node_counts(settings: Settings) -> dict[str, int]:
    """How many nodes dbt builds (models, seeds, snapshots) and how many data tests the manifest
    holds (each ran with the node it tests; unit tests run in CI, not at night)."""
    import json

    from kinerja.transform.manifest import manifest_path

    path = manifest_path(settings)
    if not path.exists():
        return {"built": 0, "test": 0}
    manifest = json.loads(path.read_text())
    types = [n["resource_type"] for n in manifest["nodes"].values()]
    return {
        "built": sum(t in ("model", "seed", "snapshot") for t in types),
        "test": types.count("test"),
    }


def _dbt_summary(settings: Settings, run) -> str:
    """Per-node states from the watcher's sensors (`<node>.run|_seed|_snapshot` and `<node>.test`),
    and the dbt nodes that failed, from the night's events."""
    from kinerja.night.events import failed_nodes, read_events

    sensors = {
        t: s
        for t, s in run.task_states.items()
        if t.startswith("transform.") and not t.split(".")[-1].startswith("dbt_producer")
    }
    built = {t: s for t, s in sensors.items() if not t.endswith(".test")}
    tested = {t: s for t, s in sensors.items() if t.endswith(".test")}
    counts = _dbt_node_counts(settings)
    text = (
        f"{sum(s == 'success' for s in built.values())}/{len(built)} models, seeds and snapshots "
        f"built; tests of {sum(s == 'success' for s in tested.values())}/{len(tested)} passed "
        f"({counts['test']} data tests)"
    )
    failed = failed_nodes(read_events(run.events_file)) if run.events_file else []
    return text + "".join(f"\n  [red]failed[/] {escape(node)}" for node in failed[:10])


def _night_summary(settings: Settings, run, seconds: float) -> Table:
    from kinerja.night.report import read_report

    report = read_report(settings, run.as_of)
    table = Table(
        title=f"kinerja_nightly {run.as_of} on {settings.target}: "
        + ("[green]success[/]" if run.succeeded else "[red]FAILED[/]")
    )
    table.add_column("step")
    table.add_column("result")
    rows = report.load.rows_loaded if report.load else {}
    table.add_row("load", ", ".join(f"{k} {v:,}" for k, v in rows.items()) or "-")
    validate = report.validate
    breaches = validate.delivery_stops + validate.delivery_warnings if validate else []
    table.add_row(
        "validate",
        f"{validate.passed if validate else 0}/{validate.validations if validate else 0} "
        f"suites passed; {validate.delivery_checks if validate else 0} delivery checks, "
        f"{len(breaches)} breach(es)"
        + "".join(f"\n  {escape(str(b))}" for b in breaches[:5])
        + f"\nData Docs {escape(str(settings.data_docs_dir / 'index.html'))}",
    )
    table.add_row("dbt (cosmos)", _dbt_summary(settings, run))
    train = report.train
    if train and train.skipped:
        table.add_row("train", f"skipped: {escape(str(train.reason))}")
    elif train:
        metrics = train.metrics
        nan = float("nan")
        table.add_row(
            "train",
            f"{settings.model_name} v{train.model_version} "
            f"ROC-AUC {metrics.get('val_roc_auc', nan):.3f} "
            f"PR-AUC {metrics.get('val_pr_auc', nan):.3f} (baselines: last predikat "
            f"{metrics.get('baseline_last_predikat_pr_auc', nan):.3f}, logistic "
            f"{metrics.get('baseline_logreg_pr_auc', nan):.3f}), Brier "
            f"{metrics.get('val_brier', nan):.3f}; {escape(str(train.reason))}",
        )
    publish = report.publish
    if publish and publish.skipped:
        table.add_row("publish", f"skipped: {escape(str(publish.reason))}")
    elif publish:
        table.add_row(
            "publish",
            f"{publish.rows_published:,} scores by "
            f"{publish.model_name} v{publish.model_version}; "
            f"outbox {escape(str(publish.outbox))}",
        )
        if publish.drifted_features:
            table.add_row(
                "[yellow]feature drift[/]",
                "PSI past KINERJA_DRIFT_PSI_THRESHOLD: "
                + escape(", ".join(publish.drifted_features)),
            )
    snapshot = report.bi_snapshot
    if snapshot and snapshot.skipped:
        table.add_row("BI snapshot", f"not written: {escape(snapshot.reason)}")
    elif snapshot:
        table.add_row(
            "BI snapshot",
            f"{len(snapshot.rows)} marts, {sum(snapshot.rows.values()):,} rows, "
            f"{snapshot.bytes / 1e6:,.1f} MB: {escape(str(snapshot.path))}",
        )
    if report.retention:
        purged = [p.describe() for p in report.retention.purged if p.anything]
        table.add_row("retention", escape("\n".join(purged)) or "nothing past its period")
    table.add_row("wall time", f"{seconds:.1f} s")
    if run.failed_tasks:
        table.add_row("[red]failed tasks[/]", escape(", ".join(run.failed_tasks)))
        table.add_row("log", escape(str(run.log_file)))
    return table


def run(
    landing: LandingOpt = None,
    target: TargetOpt = None,
    date_: Annotated[
        str | None, typer.Option("--date", help="One night (default: latest delivery).")
    ] = None,
    start: Annotated[str | None, typer.Option(help="Backfill: first night.")] = None,
    end: Annotated[str | None, typer.Option(help="Backfill: last night.")] = None,
) -> None:
    """Run the nightly DAG in-process (`airflow dags test`) for one date or each date of a range."""
    from kinerja.night.progress import NightProgress, ProgressPrinter, follow
    from kinerja.night.report import clear_report
    from kinerja.night.runner import prepare_airflow, run_night, task_counts

    if (start is None) != (end is None):
        raise BadArgument("--start and --end go together")
    if date_ and start:
        raise BadArgument("give either --date or --start and --end")
    first, last = date_range(start, end)
    chosen = parse_date("--date", date_) if date_ else None
    settings = settings_for(landing, target)
    if first and last:
        nights = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    else:
        night = chosen or _latest_delivery(settings)
        if night is None:
            console.print(
                f"[red]No deliveries in {escape(settings.landing_url)}.[/] "
                "Run `kinerja generate` first."
            )
            raise typer.Exit(2)
        nights = [night]
    _check_warehouse_free(settings)
    console.print(
        f"Warehouse target [bold]{settings.target}[/], landing {escape(settings.landing_url)}"
    )
    with console.status("Preparing Airflow metadata DB"):
        prepare_airflow(settings)
    failed = 0
    for night in nights:
        clear_report(settings, night)
        started = time.monotonic()
        console.print(f"kinerja_nightly for {night}: load, validate, dbt, train, publish")
        progress = NightProgress(nodes_total=_dbt_node_counts(settings)["built"])
        with ProgressPrinter(console, progress) as printer:
            on_poll = follow(progress, printer, lambda night=night: task_counts(settings, night))
            result = run_night(settings, night, on_poll=on_poll)
        console.print(_night_summary(settings, result, time.monotonic() - started))
        failed += not result.succeeded
    if failed:
        raise typer.Exit(1)


def _check_warehouse_free(settings: Settings) -> None:
    """Raise WarehouseBusy before a night starts, rather than in its first writing task."""
    from kinerja.warehouse import connect, engine

    if engine(settings).single_writer:
        with connect(settings):
            pass


def ui(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8080,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Airflow's UI and REST API for the nights `kinerja run` ran.

    Runs, task states and each task's log; serves until stopped (Ctrl-C)."""
    import os
    import sys

    from kinerja.runtime import tool_environment

    settings = settings_for()
    env = {**os.environ, **tool_environment(settings)}
    airflow_home = Path(env["AIRFLOW_HOME"])
    if not (airflow_home / "airflow.db").exists() and "sqlite" in env.get(
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", ""
    ):
        raise BadArgument(f"no night has run under {settings.home_dir}: run `kinerja run` first")
    # One admin login; Airflow makes its password on the first start, into a file only the
    # installation's owner can read.
    passwords = airflow_home / "ui_passwords.json"
    env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] = "admin:admin"
    env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"] = str(passwords)
    console.print(
        f"Airflow UI at [bold]http://{host}:{port}[/] (REST API under /api/v2): "
        f"user admin, password in {escape(str(passwords))}"
    )
    airflow = str(Path(sys.executable).parent / "airflow")
    os.execve(airflow, [airflow, "api-server", "--host", host, "--port", str(port)], env)
