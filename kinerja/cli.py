"""`kinerja`: the user's handle on the pipeline (typer + rich)."""

from __future__ import annotations

import os
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperGroup

from kinerja.runtime import silence_telemetry
from kinerja.settings import Settings, get_settings

silence_telemetry()

# Exit codes besides 0 (done) and 1 (done, but something was rejected or failed).
EXIT_BAD_ARGUMENT = 2  # as click's own usage errors
EXIT_BUSY = 75  # EX_TEMPFAIL: another process holds the warehouse; try again later

console = Console()
error_console = Console(stderr=True)


class BadArgument(ValueError):
    """A command-line value the command cannot use; the message says which and why."""


class _PlainErrors(TyperGroup):
    """Bad arguments and a busy warehouse end in one plain line and an exit code, not a
    traceback: they are the user's to fix, not the program's."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BadArgument as exc:
            _fail(f"kinerja: {exc}", EXIT_BAD_ARGUMENT)
        except Exception as exc:
            # Imported here: the warehouse engines are slow to import and most commands
            # (--help, generate) never open them.
            from kinerja.warehouse import WarehouseBusy

            if isinstance(exc, WarehouseBusy):
                _fail(f"kinerja: {exc}", EXIT_BUSY)
            raise


def _fail(message: str, code: int) -> None:
    # Not markup, and never wrapped: one line however long.
    error_console.print(message, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


app = typer.Typer(
    cls=_PlainErrors,
    help="Kinerja: nightly ASN performance warehouse and fair, explainable scores.",
    no_args_is_help=True,
    add_completion=False,
)

LandingOpt = Annotated[
    str | None, typer.Option("--landing", help="Landing area: folder or fsspec URL.")
]
TargetOpt = Annotated[
    str | None, typer.Option("--target", help="Warehouse: duckdb (default) or postgres.")
]


def _settings(landing: str | None = None, target: str | None = None) -> Settings:
    """Apply command-line overrides through the environment, so Airflow and dbt see them too."""
    if landing:
        os.environ["KINERJA_LANDING"] = landing
    if target:
        if target not in ("duckdb", "postgres"):
            raise BadArgument(f"--target {target!r}: use duckdb or postgres")
        os.environ["KINERJA_TARGET"] = target
    return get_settings()


def _date(option: str, value: str) -> date:
    """An ISO date from the command line (YYYY-MM-DD), or a BadArgument naming the option."""
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BadArgument(f"{option} {value!r} is not a date YYYY-MM-DD ({exc})") from None


def _date_range(first: str | None, last: str | None) -> tuple[date | None, date | None]:
    start = _date("--start", first) if first else None
    end = _date("--end", last) if last else None
    if start and end and start > end:
        raise BadArgument(f"--start {start} is after --end {end}")
    return start, end


def _yesterday() -> date:
    return datetime.now(ZoneInfo("Asia/Jakarta")).date() - timedelta(days=1)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


@app.command()
def generate(
    landing: LandingOpt = None,
    employees: Annotated[int, typer.Option(help="Number of employees.")] = 2000,
    start: Annotated[
        str | None, typer.Option(help="First date (default: Jan 1 of last year).")
    ] = None,
    end: Annotated[str | None, typer.Option(help="Last date (default: yesterday, WIB).")] = None,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same files.")] = 42,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the landing area has data.")
    ] = False,
    defects: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=0.5,
            help="Share of rows given a contract defect (e.g. 0.01), plus one file of each "
            "file-level defect; ground truth in <landing>/_ground_truth/defects.jsonl.",
        ),
    ] = 0.0,
    fraud: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=0.2,
            help="Share of employees per attendance-fraud / ghost-employee pattern (0 plants "
            "none); ground truth in <landing>/_ground_truth/fraud.jsonl. The NIP_TIDAK_COCOK "
            "records are quarantined: keep the rate under KINERJA_DQ_QUARANTINE_SHARE_MAX "
            "(0.05) or the nightly quality gate stops on pegawai.",
        ),
    ] = 0.02,
) -> None:
    """Write a synthetic agency's nightly extracts into the landing area."""
    from kinerja.landing.discovery import open_landing
    from kinerja.synth import generate as generate_extracts

    settings = _settings(landing)
    first, last = _date_range(start, end)
    fs, root = open_landing(settings.landing_url)
    if if_empty and fs.exists(root) and fs.ls(root):
        console.print(
            f"[dim]Landing area {escape(settings.landing_url)} already has deliveries; "
            "not generating.[/]"
        )
        return
    with _progress() as progress:
        task = progress.add_task("Generating deliveries", total=None)
        summary = generate_extracts(
            settings.landing_url,
            employees=employees,
            start=first,
            end=last,
            seed=seed,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
            defects=defects,
            fraud=fraud,
        )
    table = Table(
        title=f"Generated {summary.start} .. {summary.end} into {escape(str(summary.landing))}"
    )
    table.add_column("extract")
    table.add_column("rows", justify="right")
    for extract, rows in summary.rows_per_extract.items():
        table.add_row(extract, f"{rows:,}")
    console.print(table)
    console.print(
        f"{summary.employees:,} employees, {summary.dates_written} date folders, {summary.seconds:.1f} s"
    )
    if summary.defects:
        _print_defects(summary)
    if summary.fraud:
        planted = ", ".join(f"{pola} {n}" for pola, n in summary.fraud.items())
        console.print(f"Planted fraud cases: {planted}")


def _print_defects(summary) -> None:
    from kinerja.synth.defects import expected_outcome
    from kinerja.synth.generator import DEFECTS_GROUND_TRUTH

    table = Table(title="Injected defects")
    for column in ("defect", "count", "expected"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for defect, count in sorted(summary.defects.items()):
        outcome, rule = expected_outcome(defect)
        table.add_row(defect, f"{count:,}", f"{outcome} {rule or ''}".strip())
    console.print(table)
    console.print(f"Ground truth: {escape(str(summary.landing / DEFECTS_GROUND_TRUTH))}")
    if summary.defects_not_placed:
        console.print(
            "[yellow]Range too short to place:[/] " + ", ".join(summary.defects_not_placed)
        )


@app.command()
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

    day = _date("--date", date_)
    settings = _settings(landing, target)
    night = load_night(settings, day, catch_up=catch_up)
    table = Table(title=f"Load {day} into {settings.target}")
    for column in ("file", "extract", "date", "status", "delivered", "loaded", "quarantined"):
        table.add_column(
            column, justify="right" if column in ("delivered", "loaded", "quarantined") else "left"
        )
    table.add_column("quarantine rules")
    table.add_column("reason")
    for o in night.outcomes:
        for f in o.file_outcomes:
            style = {
                "REJECTED": "red",
                "REFUSED": "red",
                "WAITING": "yellow",
                "UNCHANGED": "dim",
            }.get(f.status, "")
            # Names and messages come from the delivery (file and column names): never markup.
            table.add_row(
                escape(Path(f.path).name),
                o.extract,
                o.extraction_date.isoformat(),
                f"[{style}]{f.status}[/]" if style else f.status,
                f"{f.rows_delivered:,}",
                f"{f.rows_loaded:,}",
                f"{f.rows_quarantined:,}",
                escape(
                    ", ".join(f"{rule} {n:,}" for rule, n in sorted(f.quarantine_rules.items()))
                ),
                escape(f.message),
            )
    console.print(table)
    for finding in night.findings:
        console.print(f"[red]{finding.rule}[/] {escape(finding.path)}: {escape(finding.reason)}")
    if night.rejected or night.findings:
        raise typer.Exit(1)


@app.command()
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

    day = _date("DATE", date_)
    settings = _settings(target=target)
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
    from kinerja.night_events import failed_nodes, read_events

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
    from kinerja.run_report import read_report

    report = read_report(settings, run.as_of)
    table = Table(
        title=f"kinerja_nightly {run.as_of} on {settings.target}: "
        + ("[green]success[/]" if run.succeeded else "[red]FAILED[/]")
    )
    table.add_column("step")
    table.add_column("result")
    rows = report.get("load", {}).get("rows_loaded", {})
    table.add_row("load", ", ".join(f"{k} {v:,}" for k, v in rows.items()) or "-")
    validate = report.get("validate", {})
    breaches = validate.get("delivery_stops", []) + validate.get("delivery_warnings", [])
    table.add_row(
        "validate",
        f"{validate.get('passed', 0)}/{validate.get('validations', 0)} suites passed; "
        f"{validate.get('delivery_checks', 0)} delivery checks, {len(breaches)} breach(es)"
        + "".join(f"\n  {escape(str(b))}" for b in breaches[:5])
        + f"\nData Docs {escape(str(settings.data_docs_dir / 'index.html'))}",
    )
    table.add_row("dbt (cosmos)", _dbt_summary(settings, run))
    train = report.get("train", {})
    if train.get("skipped"):
        table.add_row("train", f"skipped: {escape(str(train.get('reason')))}")
    elif train:
        metrics = train.get("metrics", {})
        nan = float("nan")
        table.add_row(
            "train",
            f"{settings.model_name} v{train.get('model_version')} "
            f"ROC-AUC {metrics.get('val_roc_auc', nan):.3f} "
            f"PR-AUC {metrics.get('val_pr_auc', nan):.3f} (baselines: last predikat "
            f"{metrics.get('baseline_last_predikat_pr_auc', nan):.3f}, logistic "
            f"{metrics.get('baseline_logreg_pr_auc', nan):.3f}), Brier "
            f"{metrics.get('val_brier', nan):.3f}; {escape(str(train.get('reason')))}",
        )
    publish = report.get("publish", {})
    if publish.get("skipped"):
        table.add_row("publish", f"skipped: {escape(str(publish.get('reason')))}")
    elif publish:
        table.add_row(
            "publish",
            f"{publish.get('rows_published', 0):,} scores by "
            f"{publish.get('model_name')} v{publish.get('model_version')}; "
            f"outbox {escape(str(publish.get('outbox')))}",
        )
        if publish.get("drifted_features"):
            table.add_row(
                "[yellow]feature drift[/]",
                "PSI past KINERJA_DRIFT_PSI_THRESHOLD: "
                + escape(", ".join(publish["drifted_features"])),
            )
    table.add_row("wall time", f"{seconds:.1f} s")
    if run.failed_tasks:
        table.add_row("[red]failed tasks[/]", escape(", ".join(run.failed_tasks)))
        table.add_row("log", escape(str(run.log_file)))
    return table


@app.command()
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
    from kinerja.airflow_runner import prepare_airflow, run_night, task_counts
    from kinerja.night_progress import NightProgress, ProgressPrinter, follow
    from kinerja.run_report import clear_report

    if (start is None) != (end is None):
        raise BadArgument("--start and --end go together")
    if date_ and start:
        raise BadArgument("give either --date or --start and --end")
    first, last = _date_range(start, end)
    chosen = _date("--date", date_) if date_ else None
    settings = _settings(landing, target)
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
    from kinerja.warehouse import connect

    if settings.target == "duckdb":
        with connect(settings):
            pass


@app.command()
def info() -> None:
    """Where each store is and which warehouse target is active."""
    settings = get_settings()
    table = Table(title="Kinerja installation", show_header=False)
    table.add_column("what")
    table.add_column("where")
    warehouse = (
        str(settings.duckdb_path)
        if settings.target == "duckdb"
        else f"postgresql://{settings.pg_user}@{settings.pg_host}:{settings.pg_port}/{settings.pg_database}"
    )
    for what, where in (
        ("KINERJA_HOME", settings.home_dir),
        ("warehouse target", settings.target),
        ("warehouse", warehouse),
        ("landing area", settings.landing_url),
        ("outbox", settings.outbox_url),
        ("Airflow home (SQLite)", settings.airflow_home),
        ("MLflow tracking", settings.mlflow_uri),
        ("MLflow artifacts", settings.mlflow_artifact_root),
        ("GX Data Docs", settings.data_docs_dir / "index.html"),
        ("night reports", settings.home_dir / "runs"),
    ):
        table.add_row(what, escape(str(where)))
    console.print(table)


@app.command()
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
    night = _date("--as-of", as_of) if as_of else _yesterday()
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


@app.command()
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


if __name__ == "__main__":
    app()


from kinerja.bench.cli import bench_app

app.add_typer(bench_app, name="bench")
