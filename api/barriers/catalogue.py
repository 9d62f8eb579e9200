"""The barrier catalogue from data/barriers.yml (operators edit the file)."""

from __future__ import annotations

from functools import lru_cache

from api.kit.datafiles import load_yaml


@lru_cache
def catalogue() -> dict[str, str]:
    """Category code -> German label, in the file's order."""
    return {entry["code"]: entry["label"] for entry in load_yaml("barriers.yml")["categories"]}
