"""Every setting from the environment, in one typed object.

All local state lives under KINERJA_HOME (default `.kinerja/` in the checkout): deleting that
folder starts over. Each setting is read from `KINERJA_<NAME>`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kinerja.contract.extracts import DEFAULT_MAX_VALUE_LENGTH
from kinerja.project import PROJECT_DIR

Target = Literal["duckdb", "postgres"]


@dataclass(frozen=True)
class NightDeadline:
    """KINERJA_NIGHT_DEADLINE read: a time of day (Asia/Jakarta) or a duration after the start."""

    at: time | None = None
    after: timedelta | None = None

    def describe(self) -> str:
        if self.at is not None:
            return f"{self.at:%H:%M} WIB"
        minutes = int(self.after.total_seconds() // 60) if self.after else 0
        return f"{minutes // 60} h {minutes % 60:02d} min after the night started"


_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_DURATION = re.compile(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$", re.IGNORECASE)


def parse_deadline(text: str) -> NightDeadline | None:
    """ "07:00" (a time of day), "5h", "90m", "4h30m" (a duration); None for "" or "off"."""
    text = text.strip()
    if text.lower() in ("", "off"):
        return None
    if clock := _CLOCK.match(text):
        return NightDeadline(at=time(int(clock[1]), int(clock[2])))
    duration = _DURATION.match(text)
    if duration and (duration[1] or duration[2]):
        after = timedelta(hours=int(duration[1] or 0), minutes=int(duration[2] or 0))
        if after > timedelta(0):
            return NightDeadline(after=after)
    raise ValueError(
        f"KINERJA_NIGHT_DEADLINE={text!r}: expected a time of day (07:00), a duration "
        "(5h, 90m, 4h30m) or off"
    )


Service = Literal["loader", "transformer", "ml"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KINERJA_", extra="ignore")

    home: Path = Field(default=PROJECT_DIR / ".kinerja")
    target: Target = "duckdb"
    landing: str | None = None  # a folder or an fsspec URL; default <home>/landing
    outbox: str | None = None  # default <home>/outbox
    cache: Path | None = None  # default <home>/cache
    # DuckDB only: the copy of the BI marts that BI tools open read-only instead of the warehouse
    # (kinerja.publish.bi_snapshot), replaced whole after each night; default
    # <home>/bi/kinerja_bi.duckdb.
    bi_snapshot: Path | None = None

    pg_host: str = "127.0.0.1"  # TCP, never the socket: Cosmos builds asset URIs from the host
    pg_port: int = 5432
    pg_user: str = "postgres"
    pg_password: str = ""
    pg_database: str = "kinerja"
    # Each step of the night as its own login, a member of its group role (README "Warehouse
    # roles"): loading and validating raw data, dbt, and the ML steps. Unset, a step connects as
    # pg_user, as the embedded default and a single-user installation do.
    pg_loader_user: str | None = None
    pg_loader_password: str = ""
    pg_transformer_user: str | None = None
    pg_transformer_password: str = ""
    pg_ml_user: str | None = None
    pg_ml_password: str = ""
    # The employee card's own PostgreSQL login, a member of kinerja_kartu (README "Every
    # employee's own card"); unset, it connects as pg_user and takes that role.
    card_pg_user: str | None = None
    card_pg_password: str = ""
    # Models dbt builds at once in one invocation (a bare `dbt build`, or one that covers several
    # models). Unset: the profile's default per target (dbt_project/profiles.yml), 4 on
    # PostgreSQL, which serves concurrent sessions, 1 on DuckDB, whose file takes one writer.
    dbt_threads: int | None = Field(default=None, ge=1)

    # Secret for the pseudonymous employee key in BI marts (kinerja.pseudonym): unset, the
    # embedded demo generates its own per installation and any other installation refuses to
    # start. Never a default in code: a shared secret re-identifies every BI row.
    pseudonym_key: SecretStr | None = None

    # The employee card (kinerja.card): the secret its session cookies are signed with, unset as
    # the pseudonym key is (the embedded demo keeps a generated one under <home>/secrets, any
    # other installation refuses to serve); how long a login lasts; and whether the cookie is
    # sent over HTTPS only, as it must be behind the agency's reverse proxy (browsers also keep a
    # Secure cookie from http://localhost, so the demo works either way).
    card_session_secret: SecretStr | None = None
    card_session_hours: float = Field(default=8, gt=0)
    card_secure_cookie: bool = True
    # Who says a login is who they claim: "local" is the password store under <home>/card;
    # "oidc" is the agency's OpenID Connect identity provider (kinerja.card.oidc), which needs
    # the issuer, the card's client id and secret there, and the card's own external address
    # (the redirect URI is <redirect base>/masuk/oidc/kembali). The NIP is read from the ID
    # token's claim card_oidc_nip_claim; who may log in and what they see stays the card's user
    # store and akses.lingkup (`kinerja card user add`), as with passwords.
    card_auth: Literal["local", "oidc"] = "local"
    card_oidc_issuer: str | None = None
    card_oidc_client_id: str | None = None
    card_oidc_client_secret: SecretStr | None = None
    card_oidc_nip_claim: str = "nip"
    card_oidc_redirect_base: str | None = None
    card_oidc_scope: str = "openid profile"

    mlflow_tracking_uri: str | None = None  # default: SQLite store under <home>/mlflow
    model_name: str = "kinerja_risiko_kinerja"
    # A challenger replaces the champion only when it beats it by this much PR-AUC, both measured
    # on the same latest labelled quarter.
    promotion_margin: float = 0.0
    # Rolling-origin backtest: how many of the latest labelled quarters are validated in turn.
    backtest_folds: int = 4
    # Training cadence: a night trains only when there is no champion, a quarter's labels arrived
    # since the last training, or the last training is this many days old. Scoring is nightly.
    retrain_after_days: int = 30
    # Fairness gate (ml.fairness): a version past either limit on any audit dimension is refused.
    fairness_max_dp_diff: float = 0.2
    fairness_max_eo_diff: float = 0.2
    fairness_min_group_size: int = 50
    # Population stability index at which a feature counts as shifted (BERGESER) between the
    # champion's training data and tonight's scoring data; 0.1 and above is already BERUBAH.
    drift_psi_threshold: float = 0.25
    # Fewer labelled rows than this and training is skipped for the night.
    min_training_rows: int = 200
    # Longest value the loader accepts in any delivered column (longer: VALUE_TOO_LONG).
    max_value_length: int = DEFAULT_MAX_VALUE_LENGTH
    # A file modified less than this many seconds ago is still being uploaded: it is not read
    # (unless _manifest.json lists it), and without a manifest its date waits for a later run.
    landing_settle_seconds: float = Field(default=60, ge=0)

    # DuckDB's share of the machine, applied to every DuckDB connection Kinerja opens (the
    # warehouse, the loader's file reader, dbt): left to itself DuckDB takes 80 % of RAM and every
    # core, inside the same process as Airflow's task. Past the limit it spills to the temp
    # directory (default <home>/duckdb_tmp), so a large night slows down instead of being killed.
    duckdb_memory_limit: str = "4GB"
    duckdb_threads: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    duckdb_temp_dir: Path | None = None

    # Dataset-level checks of each night's deliveries (kinerja.quality.deliveries). A breach of a
    # check named in dq_stop_on stops the night; any other breach is a warning in the report.
    dq_row_count_min_ratio: float = 0.5  # of the trailing median of comparable deliveries
    dq_row_count_max_ratio: float = 2.0
    # Small incremental extracts (a few leave records a day) swing by nature: their row count is
    # judged only once comparable deliveries reach this median, so the check does not cry wolf.
    dq_row_count_min_median: int = 100
    dq_freshness_max_days: int = 3
    dq_quarantine_share_max: float = 0.05
    dq_stop_on: list[Literal["row_count", "freshness", "quarantine_share"]] = ["quarantine_share"]
    # Extract validation on DuckDB reads consecutive batches together up to this many rows: a
    # catch-up of many small days costs a few GX runs, not one per day, and memory stays bounded
    # by this budget (or by the largest single day, read alone).
    validate_chunk_rows: int = Field(default=1_000_000, ge=1)

    # Retention (kinerja.retention, the night's last task): how long each kind of data is kept,
    # counted back from the night's date; 0 keeps it forever. The reasons for the defaults are in
    # the README (Personal data > Retention).
    # Each description says what is kept and why this long (the DPIA quotes it).
    retention_raw_years: int = Field(
        default=2,
        ge=0,
        description="raw rows as delivered (NIK, names, contacts, punches, leave, ratings), full "
        "calendar years kept before the current one: the 9-box compares two annual SKP levels, "
        "discipline and JP count per year, training backtests 4 quarters",
    )
    retention_quarantine_days: int = Field(
        default=180,
        ge=0,
        description="quarantined rows (NIP, key, failing value): time to correct and re-deliver",
    )
    retention_load_audit_days: int = Field(
        default=3650,
        ge=0,
        description="load audit (no personal values): what an auditor checks deliveries, "
        "retractions and purges against",
    )
    retention_reports_days: int = Field(
        default=365,
        ge=0,
        description="per-night run reports: compare nights over a year; rejection messages may "
        "quote a value",
    )
    retention_data_docs_days: int = Field(
        default=90,
        ge=0,
        description="Data Docs validation pages and GX results: they show up to 10 unexpected "
        "values per check, which may be personal",
    )
    retention_outbox_days: int = Field(
        default=30,
        ge=0,
        description="outbox folders of scores per NIP: a source system imports each the next "
        "morning; marts.skor_kinerja keeps every score",
    )

    # Where a failed task of the night is reported (kinerja.night.alerts); each channel is off
    # while its address is unset. SMTP is a plain relay (no login), as agency mail relays for
    # internal senders usually are; the recipients are comma-separated.
    alert_smtp_host: str | None = None
    alert_smtp_port: int = 25
    alert_smtp_from: str = "kinerja@localhost"
    alert_smtp_to: str = ""
    # Receives a JSON POST per failed task; often holds a token, so it is kept out of every
    # rendered or serialized field (the notifier holds it, not a template).
    alert_webhook_url: SecretStr | None = None
    # When a night that has not finished is reported late (kinerja.night.lateness), through the
    # same channels: a duration ("5h", "90m", "4h30m") after the night starts, or a time of day
    # in Asia/Jakarta ("07:00"); empty or "off" turns it off. The night starts when its data
    # interval ends (02:00 WIB the morning after the extraction date) or, run later, when it is
    # queued; backfills get no deadline.
    night_deadline: str = "07:00"

    @field_validator("night_deadline")
    @classmethod
    def _deadline_reads(cls, value: str) -> str:
        parse_deadline(value)  # a typo fails here, when the settings are read, not at 02:00
        return value.strip()

    @field_validator(
        "retention_raw_years",
        "retention_quarantine_days",
        "retention_load_audit_days",
        "retention_reports_days",
        "retention_data_docs_days",
        "retention_outbox_days",
        mode="before",
    )
    @classmethod
    def _empty_keeps_forever(cls, value):
        # An agency that blanks a period in its environment file means "no limit", like 0.
        return 0 if value is None or (isinstance(value, str) and not value.strip()) else value

    def as_service(self, service: Service) -> Settings:
        """These settings with the PostgreSQL login of one service of the night, when set."""
        user = getattr(self, f"pg_{service}_user")
        if user is None:
            return self
        return self.model_copy(
            update={"pg_user": user, "pg_password": getattr(self, f"pg_{service}_password")}
        )

    @property
    def home_dir(self) -> Path:
        # Not cached: `model_copy(update={"home": ...})` must not keep the old home's path.
        return self.home.expanduser().resolve()

    @property
    def landing_url(self) -> str:
        return self.landing or str(self.home_dir / "landing")

    @property
    def outbox_url(self) -> str:
        return self.outbox or str(self.home_dir / "outbox")

    @property
    def embedded(self) -> bool:
        """The embedded installation (target duckdb): one machine, the warehouse a file, nights
        run in-process, no server. It may keep secrets in files it generates itself, and BI
        tools read a snapshot file; a production installation is configured for each."""
        return self.target == "duckdb"

    @property
    def duckdb_path(self) -> Path:
        return self.home_dir / "warehouse.duckdb"

    @property
    def bi_snapshot_path(self) -> Path:
        path = self.bi_snapshot or self.home_dir / "bi" / "kinerja_bi.duckdb"
        return path.expanduser().resolve()

    @property
    def duckdb_temp_directory(self) -> Path:
        return (self.duckdb_temp_dir or self.home_dir / "duckdb_tmp").expanduser().resolve()

    @property
    def duckdb_config(self) -> dict[str, str]:
        """The configuration every DuckDB connection is opened with (`duckdb.connect(config=)`)."""
        return {
            "memory_limit": self.duckdb_memory_limit,
            "threads": str(self.duckdb_threads),
            "temp_directory": str(self.duckdb_temp_directory),
        }

    @property
    def airflow_home(self) -> Path:
        return self.home_dir / "airflow"

    @property
    def mlflow_dir(self) -> Path:
        return self.home_dir / "mlflow"

    @property
    def mlflow_uri(self) -> str:
        return self.mlflow_tracking_uri or f"sqlite:///{self.mlflow_dir / 'mlflow.db'}"

    @property
    def mlflow_server(self) -> bool:
        """The tracking URI is an MLflow tracking server (the production stack), not a local store."""
        return self.mlflow_uri.startswith(("http://", "https://"))

    @property
    def mlflow_artifact_root(self) -> str | None:
        """Where new experiments keep artifacts: beside the local store, or wherever the tracking
        server keeps them (None: the server's own `mlflow-artifacts:/`, which it serves)."""
        if self.mlflow_server:
            return None
        return (self.mlflow_dir / "artifacts").as_uri()

    @property
    def cache_dir(self) -> Path:
        """Derived files that are safe to share between installations (e.g. dbt manifests)."""
        return (self.cache or self.home_dir / "cache").expanduser().resolve()

    @property
    def data_docs_dir(self) -> Path:
        return self.home_dir / "data_docs"

    @property
    def gx_validations_dir(self) -> Path:
        """Great Expectations' validation results, from which the Data Docs pages are built."""
        return self.home_dir / "gx" / "validations"

    @property
    def dbt_target_dir(self) -> Path:
        return self.home_dir / "dbt" / "target"

    @property
    def postgres_url(self) -> str:
        """The PostgreSQL warehouse as a URL to show people: never with the password."""
        return f"postgresql://{self.pg_user}@{self.pg_host}:{self.pg_port}/{self.pg_database}"


def get_settings() -> Settings:
    """Settings as the environment says now (not cached: tests and the CLI change it)."""
    return Settings()
