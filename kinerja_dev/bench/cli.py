"""`kinerja bench`: the benchmark sub-commands (one command per benchmarked stage)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from kinerja.cli.common import console, progress_bar
from kinerja.settings import get_settings

bench_app = typer.Typer(help="Benchmarks of the pipeline's stages.", no_args_is_help=True)


@bench_app.command("dbt")
def dbt_incremental(
    employees: Annotated[int, typer.Option(help="Employees in the synthetic raw layer.")] = 10_000,
    month_days: Annotated[int, typer.Option(help="Days of history for 'one month'.")] = 30,
    year_days: Annotated[int, typer.Option(help="Days of history for 'one year'.")] = 365,
    work_dir: Annotated[
        Path | None, typer.Option(help="Where the benchmark warehouses go (default: a temp dir).")
    ] = None,
) -> None:
    """Time the nightly incremental dbt build after one new day, with a month and a year of history."""
    from kinerja_dev.bench.dbt_incremental import run_benchmark

    with tempfile.TemporaryDirectory(prefix="kinerja-bench-dbt-") as scratch:
        results = run_benchmark(
            employees=employees,
            histories={"1 bulan": month_days, "1 tahun": year_days},
            work_dir=work_dir or Path(scratch),
            report=lambda message: console.print(f"[dim]{message}[/dim]"),
        )
    table = Table(title=f"Nightly incremental dbt build after one new day, {employees:,} employees")
    for column in (
        "history",
        "punch rows",
        "full build s",
        "new day: dbt run s",
        "new day: fct_presensi_harian s",
        "new day rows",
    ):
        table.add_column(column, justify="right")
    for result in results:
        table.add_row(
            f"{result.label} ({result.history_days} d)",
            f"{result.punch_rows:,}",
            f"{result.full_build_seconds:.1f}",
            f"{result.incremental_run_seconds:.1f}",
            f"{result.incremental_fact_seconds:.2f}",
            f"{result.new_day_rows:,}",
        )
    console.print(table)
    for result in results:
        console.print(
            f"{result.label}: one new day built in {result.incremental_run_seconds:.1f} s "
            f"(fct_presensi_harian {result.incremental_fact_seconds:.2f} s)"
        )


@bench_app.command("load")
def bench_load(
    rows: Annotated[int, typer.Option(min=1, help="Punch rows to generate.")] = 1_000_000,
    target: Annotated[
        str | None,
        typer.Option("--target", help="duckdb or postgres (default: both, postgres if reachable)."),
    ] = None,
    csv: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="Use this punch CSV instead.")
    ] = None,
    work_dir: Annotated[
        Path | None, typer.Option(help="Scratch folder (default: <KINERJA_HOME>/bench).")
    ] = None,
) -> None:
    """The loader's rows/s next to the engine's raw bulk load of the same punch file."""
    from kinerja_dev.bench.load import postgres_reachable, results_table, run_bench

    settings = get_settings()
    if target not in (None, "duckdb", "postgres"):
        raise typer.BadParameter("target must be duckdb or postgres")
    targets = [target] if target else ["duckdb", "postgres"]
    if target is None and not postgres_reachable(settings):
        console.print(
            f"[yellow]PostgreSQL at {settings.pg_host}:{settings.pg_port} not reachable[/]"
        )
        targets = ["duckdb"]
    steps = (0 if csv else 1) + 2 * len(targets)
    started: list[str] = []
    with progress_bar() as progress:
        task = progress.add_task("Benchmark", total=steps)

        def step(what: str) -> None:
            # Called as each step begins: the bar counts the steps already finished.
            progress.update(task, description=what, completed=len(started))
            started.append(what)

        measures = run_bench(
            rows, targets, work_dir or settings.home_dir / "bench", settings, csv=csv, step=step
        )
        progress.update(task, completed=steps, description="done")
    console.print(results_table(measures))


@bench_app.command("ml")
def bench_ml(
    employees: Annotated[
        int, typer.Option(min=100, help="Employees in the feature mart.")
    ] = 100_000,
    quarters: Annotated[int, typer.Option(min=2, help="Labelled quarters of history.")] = 8,
    folds: Annotated[int, typer.Option(min=1, help="Rolling-origin backtest folds.")] = 4,
    work_dir: Annotated[
        Path | None, typer.Option(help="Where the MLflow store goes (default: a temp dir).")
    ] = None,
) -> None:
    """Training and nightly scoring time of the risk model at agency scale.

    Targets: training under 5 minutes, scoring under 30 seconds for 100,000 employees on 2
    cores."""
    from kinerja_dev.bench.ml import results_frame, run_ml_bench

    with tempfile.TemporaryDirectory(prefix="kinerja-bench-ml-") as scratch:
        result = run_ml_bench(
            employees,
            quarters,
            folds,
            work_dir or Path(scratch),
            report=lambda message: console.print(f"[dim]{message}[/dim]"),
        )
    table = Table(
        title=f"Risk model, {employees:,} employees x {quarters} labelled quarters "
        f"({result.train_rows:,} labelled rows, {result.folds} folds)"
    )
    table.add_column("stage")
    table.add_column("seconds", justify="right")
    for row in results_frame(result).itertuples(index=False):
        table.add_row(row.stage, f"{row.seconds:.1f}")
    console.print(table)
    metrics = result.metrics
    console.print(
        f"training {result.training_seconds:.1f} s (target < 300 s); scoring "
        f"{result.scoring_rows:,} employees {result.nightly_scoring_seconds:.1f} s (target < 30 s); "
        f"val PR-AUC {metrics['val_pr_auc']:.3f} vs baselines "
        f"{metrics['baseline_last_predikat_pr_auc']:.3f} / {metrics['baseline_logreg_pr_auc']:.3f}"
    )


@bench_app.command("fraud")
def bench_fraud(
    employees: Annotated[int, typer.Option(help="Employees per generated landing.")] = 400,
    months: Annotated[int, typer.Option(min=3, help="Months of deliveries per landing.")] = 4,
    rate: Annotated[
        float, typer.Option(min=0.005, max=0.2, help="Share of employees per pattern.")
    ] = 0.03,
    seed_train: Annotated[int, typer.Option(help="Seed of the landing the model learns on.")] = 101,
    seed_test: Annotated[
        int, typer.Option(help="Seed of the landing everything is measured on.")
    ] = 202,
    work_dir: Annotated[
        Path | None, typer.Option(help="Where landings and warehouses go (default: a temp dir).")
    ] = None,
) -> None:
    """Attendance-fraud rules and the XGBoost scorer: precision and recall per pattern.

    Measured on a landing of another seed (target: recall >= 0.9 at precision >= 0.8)."""
    from kinerja_dev.fraud.bench import run_fraud_bench

    settings = get_settings()
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-fraud-") as scratch:
        result = run_fraud_bench(
            settings,
            work_dir or Path(scratch),
            employees=employees,
            months=months,
            rate=rate,
            seeds=(seed_train, seed_test),
            report=lambda message: console.print(f"[dim]{message}[/dim]"),
        )
    table = Table(
        title=f"Fraud detection on seed {seed_test} ({employees} employees, {months} months)",
        box=box.SIMPLE_HEAD,
        collapse_padding=True,
        show_edge=False,
    )
    table.add_column("pola", no_wrap=True)
    # Short headers: the table has to fit an 80-column log.
    for column in ("kasus", "kand+", "kand-", "rule P", "R", "ok", "model P", "R", "ok"):
        table.add_column(column, justify="right")
    model = result.model.set_index("pola")
    candidates = result.candidates.set_index("pola")
    for row in result.rules.itertuples(index=False):
        m, c = model.loc[row.pola], candidates.loc[row.pola]
        table.add_row(
            row.pola,
            str(row.kasus),
            str(c.positif),
            str(c.negatif),
            f"{row.precision:.2f}",
            f"{row.recall:.2f}",
            _verdict(row.meets_target),
            f"{m.precision:.2f}",
            f"{m.recall:.2f}",
            _verdict(bool(m.meets_target)),
        )
    console.print(table)
    for family, how in result.families.items():
        console.print(f"model family {family}: {how}")
    console.print(
        "rule: the project's thresholds; model: XGBoost on the candidates of loosened rules "
        "(kand+/kand-: candidates planted or not, on the test seed)"
    )
    console.print("ok: recall >= 0.9 at precision >= 0.8 (P precision, R recall, on the test seed)")
    console.print(
        f"MLflow run {result.run_id}; registered kinerja_deteksi_presensi version "
        f"{result.model_version}"
    )


def _verdict(met: bool) -> str:
    return "[green]ya[/]" if met else "[red]tidak[/]"


@bench_app.command("night")
def bench_night(
    employees: Annotated[int, typer.Option(min=10, help="Employees of the generated agency.")],
    months: Annotated[
        int | None, typer.Option(min=1, help="Months of history (default 3 unless --days).")
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(min=2, help="Days of history instead: e.g. 2 for one day's delivery."),
    ] = None,
    target: Annotated[str, typer.Option(help="Warehouse: duckdb or postgres.")] = "duckdb",
    both: Annotated[
        bool, typer.Option("--both", help="Run on DuckDB and on PostgreSQL, side by side.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 42,
    catch_up_memory_limit: Annotated[
        str | None,
        typer.Option(
            help="DuckDB memory limit for the first (catch-up) night only, e.g. 8GB, as a large "
            "agency sets KINERJA_DUCKDB_MEMORY_LIMIT for the night that builds its history; "
            "the increment keeps the settings' limit."
        ),
    ] = None,
    json_file: Annotated[
        Path | None, typer.Option("--json", dir_okay=False, help="Write every figure here.")
    ] = None,
    pg_database: Annotated[
        str | None,
        typer.Option(help="PostgreSQL database to use (default: a throwaway one, dropped after)."),
    ] = None,
    keep_database: Annotated[
        bool, typer.Option(help="Keep the named PostgreSQL database afterwards.")
    ] = False,
    work_dir: Annotated[
        Path | None,
        typer.Option(help="Homes of the nights (default: <KINERJA_HOME>/bench/night)."),
    ] = None,
) -> None:
    """A generated agency's first (catch-up) night and one-day increment through the real DAG.

    Per task wall, CPU and peak RSS, phase totals, and the bare `dbt build` of the same increment.
    The landing is cached per parameters under the cache dir (KINERJA_CACHE)."""
    from kinerja_dev.bench.night import History, NightBenchFailed, run_night_bench
    from kinerja_dev.bench.night_report import notes, summary_table, tasks_table, write_json

    if target not in ("duckdb", "postgres"):
        raise typer.BadParameter("target must be duckdb or postgres")
    if months and days:
        raise typer.BadParameter("give --months or --days, not both")
    history = History(days=days) if days else History(months=months or 3)
    settings = get_settings()
    targets = ["duckdb", "postgres"] if both else [target]
    plain = not console.is_terminal
    benches = []
    for engine in targets:
        with progress_bar() as progress:
            generation = progress.add_task("generating the agency (or reusing it)", total=None)

            def generated(done: int, total: int, task=generation) -> None:
                progress.update(task, completed=done, total=total)

            night = progress.add_task(f"{engine}: nights", total=None)
            try:
                bench = run_night_bench(
                    settings,
                    engine,
                    employees,
                    history,
                    seed,
                    work_dir or settings.home_dir / "bench" / "night",
                    pg_database=pg_database,
                    keep_database=keep_database,
                    status=lambda message, task=night, name=engine: progress.update(
                        task, description=f"{name}: {message}"
                    ),
                    generation_progress=generated,
                    catch_up_memory_limit=catch_up_memory_limit,
                )
            except NightBenchFailed as exc:
                console.print(f"[red]{exc}[/]")
                raise typer.Exit(1) from exc
            progress.update(generation, total=1, completed=1)
            progress.update(night, total=1, completed=1, description=f"{engine}: done")
        benches.append(bench)
        for figures in (bench.catch_up, bench.increment):
            if figures.per_task:
                console.print(tasks_table(bench, figures, plain))
    console.print(summary_table(benches, plain))
    for line in notes(benches):
        console.print(line, style="dim")
    if json_file:
        write_json(json_file, benches)
        console.print(f"figures written to {json_file}")
