"""Shared fixtures. Sockets to anything but loopback are blocked by pytest-socket (see pyproject addopts)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_c49a4c7627602ff6.txt"


def data_dir() -> Path | None:
    """Third-party training/evaluation data, read from a path and never copied into the project."""
    env = os.environ.get("OSINTKIT_DATA")
    path = Path(env) if env else ROOT.parent / "shared" / "data"
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def shared_data() -> Path:
    path = data_dir()
    if path is None:
        pytest.skip("evaluation data not found: set OSINTKIT_DATA to the shared data folder (../shared/data)")
    return path
