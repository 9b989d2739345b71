"""The Great Expectations Data Context: committed configuration, runtime state under KINERJA_HOME.

The configuration lives in the repository (`expectations/gx/great_expectations.yml`), but it is
loaded into an in-memory (ephemeral) context rather than a file context: a file context writes
every data source it is given back into that YAML file, so a nightly run would rewrite committed
configuration and parallel validation tasks would race on it. With the ephemeral context nothing
is written into the repository; validation results and the Data Docs site go under KINERJA_HOME
through the variables the YAML leaves open, and the suites are rebuilt from the contract.

Creating a context is cheap (importing GX is not), and one context per process and KINERJA_HOME
is reused so the extracts' suites and the DataFrame checkpoints are registered once.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import great_expectations as gx
import yaml
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.data_context import AbstractDataContext
from sqlalchemy.engine import URL

from kinerja.contract.extracts import EXTRACTS, get_extract
from kinerja.project import GX_CONFIG_FILE
from kinerja.quality.suites import KEY_IN_BATCH, build_suites, key_in_batch_sql
from kinerja.settings import Settings

DATA_DOCS_SITE = "local_site"
FRAME_DATASOURCE = "raw_batch_frames"

# Where each unexpected row came from: two of the loader's metadata columns (RAW_METADATA_COLUMNS).
ROW_PROVENANCE = ["_source_file", "_row_number"]
PARTIAL_UNEXPECTED_COUNT = 10

# SUMMARY keeps the full unexpected counts but only the first few offending values and rows:
# enough to point at the file and line, without copying a whole bad batch into the results store.
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": PARTIAL_UNEXPECTED_COUNT,
    "unexpected_index_column_names": ROW_PROVENANCE,
    "return_unexpected_index_query": False,
}
# For the suites of personal columns: the counts, files and row numbers without the values, so
# neither the results store nor the Data Docs keep a delivered NIK, name or birth date. GX then
# lists the rows as one record of columns ({"_source_file": [...], "_row_number": [...]}); on
# pandas that record names every unexpected row, not just the first ten (in SQL it is limited).
PERSONAL_RESULT_FORMAT: dict[str, Any] = RESULT_FORMAT | {"exclude_unexpected_values": True}


def result_format(suite: gx.ExpectationSuite) -> dict[str, Any]:
    return PERSONAL_RESULT_FORMAT if (suite.meta or {}).get("personal") else RESULT_FORMAT


# Batch ids made of these characters are written into the query as a plain literal. Anything
# else (a colon, which SQLAlchemy's text() would take for a bind parameter, a quote, a percent
# sign) goes in hex-encoded so no quoting rule can be got wrong.
_PLAIN_LITERAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+- ")


def postgres_connection_string(settings: Settings) -> str:
    return URL.create(
        "postgresql+psycopg",
        username=settings.pg_user,
        password=settings.pg_password or None,
        host=settings.pg_host,
        port=settings.pg_port,
        database=settings.pg_database,
    ).render_as_string(hide_password=False)


def sql_text_literal(value: str) -> str:
    if set(value) <= _PLAIN_LITERAL:
        return f"'{value}'"
    return f"convert_from(decode('{value.encode().hex()}', 'hex'), 'UTF8')"


def batch_query(extract: str, batch_ids: Sequence[str]) -> str:
    spec = get_extract(extract)  # only contract names reach the SQL
    literals = ", ".join(sql_text_literal(b) for b in batch_ids)
    key = f", {key_in_batch_sql(spec)} as {KEY_IN_BATCH}" if spec.key_columns else ""
    return f"select *{key} from raw.{spec.name} where _batch_id in ({literals})"


def _checkpoint(
    name: str, definition: gx.ValidationDefinition, result_format: dict[str, Any] = RESULT_FORMAT
) -> gx.Checkpoint:
    return gx.Checkpoint(
        name=name,
        validation_definitions=[definition],
        actions=[UpdateDataDocsAction(name="update_data_docs", site_names=[DATA_DOCS_SITE])],
        result_format=result_format,
    )


@dataclass
class QualityContext:
    """A GX context holding each extract's suites and the checkpoints that validate raw batches."""

    context: AbstractDataContext
    data_docs_dir: Path
    validations_dir: Path
    suite_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # extract -> suites
    _frame_checkpoints: dict[str, gx.Checkpoint] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def suites(self, extract: str) -> list[gx.ExpectationSuite]:
        """The extract's suites: non-personal columns first, then personal ones if any."""
        return [self.context.suites.get(name) for name in self.suite_names[extract]]

    def frame_checkpoints(self, extract: str, update_docs: bool = True) -> list[gx.Checkpoint]:
        """The checkpoints (one per suite) that validate a pandas DataFrame of one extract's batch.

        Without `update_docs` they only store the results: a night validating months of batches
        one by one builds their Data Docs pages once at the end.
        """
        with self._lock:
            datasource = self.context.data_sources.get(FRAME_DATASOURCE)
            if extract in datasource.get_asset_names():
                batch = datasource.get_asset(extract).get_batch_definition("batch")
            else:
                asset = datasource.add_dataframe_asset(name=extract)
                batch = asset.add_batch_definition_whole_dataframe(name="batch")
            checkpoints = []
            for suite in self.suites(extract):
                key = f"frame_{suite.name}" + ("" if update_docs else "_no_docs")
                if key not in self._frame_checkpoints:
                    definition = self.context.validation_definitions.add(
                        gx.ValidationDefinition(name=key, data=batch, suite=suite)
                    )
                    checkpoint = _checkpoint(key, definition, result_format(suite))
                    if not update_docs:
                        checkpoint.actions = []
                    self._frame_checkpoints[key] = self.context.checkpoints.add(checkpoint)
                checkpoints.append(self._frame_checkpoints[key])
            return checkpoints

    def dataset_checkpoint(
        self, name: str, suite: gx.ExpectationSuite, index_columns: Sequence[str]
    ) -> gx.Checkpoint:
        """A checkpoint over a small DataFrame of measurements (per batch, per relation...).

        The suite is replaced on every call: its limits come from the settings, which the caller
        may have changed since. Failures are reported by `index_columns` (what each row is), not
        by DataFrame position.
        """
        with self._lock:
            suite = self.context.suites.add_or_update(suite)
            datasource = self.context.data_sources.get(FRAME_DATASOURCE)
            if name not in datasource.get_asset_names():
                datasource.add_dataframe_asset(name=name).add_batch_definition_whole_dataframe(
                    name="batch"
                )
            batch = datasource.get_asset(name).get_batch_definition("batch")
            definition = self.context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=f"dataset_{name}", data=batch, suite=suite)
            )
            checkpoint = _checkpoint(f"dataset_{name}", definition)
            checkpoint.result_format = {
                "result_format": "COMPLETE",
                "unexpected_index_column_names": list(index_columns),
                "return_unexpected_index_query": False,
            }
            return self.context.checkpoints.add_or_update(checkpoint)

    @contextmanager
    def postgres_checkpoints(
        self, settings: Settings, extract: str, batch_ids: Sequence[str]
    ) -> Iterator[list[gx.Checkpoint]]:
        """Checkpoints (one per suite) over `raw.<extract>` rows of some batches, validated
        inside PostgreSQL.

        The query asset is registered for this one run and removed afterwards, so a long-lived
        process does not collect one asset per batch it ever validated.
        """
        url = postgres_connection_string(settings)
        datasource_name = "warehouse_" + hashlib.sha256(url.encode()).hexdigest()[:12]
        batches_digest = hashlib.sha256("\n".join(batch_ids).encode()).hexdigest()[:12]
        asset_name = f"{extract}_{batches_digest}"
        with self._lock:
            try:
                datasource = self.context.data_sources.get(datasource_name)
            except KeyError:
                datasource = self.context.data_sources.add_postgres(
                    name=datasource_name, connection_string=url
                )
            if asset_name in datasource.get_asset_names():
                datasource.delete_asset(asset_name)
            asset = datasource.add_query_asset(
                name=asset_name, query=batch_query(extract, batch_ids)
            )
            batch = asset.add_batch_definition_whole_table(name="batch")
            checkpoints = []
            for suite in self.suites(extract):
                name = f"{suite.name}_{batches_digest}"
                definition = self.context.validation_definitions.add(
                    gx.ValidationDefinition(name=name, data=batch, suite=suite)
                )
                checkpoints.append(
                    self.context.checkpoints.add(
                        _checkpoint(name, definition, result_format(suite))
                    )
                )
        try:
            yield checkpoints
        finally:
            with self._lock:
                for checkpoint in checkpoints:
                    self.context.checkpoints.delete(checkpoint.name)
                    self.context.validation_definitions.delete(checkpoint.name)
                datasource.delete_asset(asset_name)


_CONTEXTS: dict[tuple[Path, Path], QualityContext] = {}
_CONTEXTS_LOCK = threading.Lock()


def load_project_config() -> dict[str, Any]:
    return yaml.safe_load(GX_CONFIG_FILE.read_text(encoding="utf-8"))


def _create(data_docs_dir: Path, validations_dir: Path) -> QualityContext:
    context = gx.get_context(
        mode="ephemeral",
        project_config=load_project_config(),
        runtime_environment={
            "gx_validations_dir": str(validations_dir),
            "data_docs_dir": str(data_docs_dir),
        },
    )
    suite_names: dict[str, tuple[str, ...]] = {}
    for extract in EXTRACTS.values():
        suites = [context.suites.add(suite) for suite in build_suites(extract)]
        suite_names[extract.name] = tuple(suite.name for suite in suites)
    context.data_sources.add_pandas(name=FRAME_DATASOURCE)
    return QualityContext(
        context=context,
        data_docs_dir=data_docs_dir,
        validations_dir=validations_dir,
        suite_names=suite_names,
    )


def quality_context(settings: Settings) -> QualityContext:
    """The process's GX context for this KINERJA_HOME, created on first use."""
    key = (settings.data_docs_dir, settings.gx_validations_dir)
    with _CONTEXTS_LOCK:
        if key not in _CONTEXTS:
            _CONTEXTS[key] = _create(*key)
        return _CONTEXTS[key]
