"""When to train: not every night. Scores are published nightly with the champion; a new model
is trained only when it can learn something new.

A night trains when there is no champion yet (or the champion is a bare model from before
whole scorers, which nightly scoring cannot use), when a quarter's labels arrived since the last
training, or when the last training is `retrain_after_days` old (attendance habits drift inside
a quarter too). Everything else is read from the MLflow runs themselves, so a hand-made
training run (`kinerja train`) counts like a nightly one.
"""

from __future__ import annotations

from datetime import date

from mlflow.tracking import MlflowClient

from kinerja.settings import Settings
from ml.registry import (
    CHAMPION,
    EXPERIMENT_NAME,
    TAG_AS_OF,
    TAG_LATEST_LABEL_PERIOD,
    TAG_MODEL_NAME,
    is_whole_scorer,
    version_by_alias,
)


def training_due(
    client: MlflowClient, settings: Settings, as_of: date, latest_label_period: str
) -> tuple[bool, str]:
    champion = version_by_alias(client, settings.model_name, CHAMPION)
    if champion is None:
        return True, "no champion yet"
    if not is_whole_scorer(champion):
        return True, f"champion version {champion.version} is not a whole scorer"
    experiment = client.get_experiment_by_name(EXPERIMENT_NAME)
    runs = (
        client.search_runs(
            [experiment.experiment_id],
            filter_string=(
                f"attributes.status = 'FINISHED' and tags.`{TAG_MODEL_NAME}` = "
                f"'{settings.model_name}'"
            ),
            order_by=[f"tags.`{TAG_AS_OF}` DESC", "attributes.start_time DESC"],
            max_results=1,
        )
        if experiment is not None
        else []
    )
    if not runs:
        return True, "no finished training run on record"
    tags = runs[0].data.tags
    last_as_of = date.fromisoformat(tags[TAG_AS_OF])
    last_labels = tags.get(TAG_LATEST_LABEL_PERIOD, "")
    if latest_label_period > last_labels:
        return True, f"labels of {latest_label_period} arrived since the last training"
    age = (as_of - last_as_of).days
    if age >= settings.retrain_after_days:
        return True, f"the last training ({last_as_of}) is {age} days old"
    return False, (
        f"not due: last trained for {last_as_of} with labels up to {last_labels}; retrains when "
        f"new labels arrive or from {settings.retrain_after_days} days after (KINERJA_RETRAIN_AFTER_DAYS)"
    )
