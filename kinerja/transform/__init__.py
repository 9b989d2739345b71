"""Helpers around the dbt project: reference seeds and the manifest Cosmos renders from."""
