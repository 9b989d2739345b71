"""Scores to the warehouse (`marts.skor_kinerja`) and to the outbox extract for source systems."""

from kinerja.publish.scores import PublishResult, ScoresToPublish, publish_scores

__all__ = ["PublishResult", "ScoresToPublish", "publish_scores"]
