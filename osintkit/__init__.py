"""osintkit: an offline OSINT research notebook kit.

The public API follows the data: ``load`` sources with provenance, ``tag`` entities, ``geoparse`` places,
``extract_claims`` and ``corroborate`` them, rate them on the Admiralty scale (``osintkit.assess``), and export the
findings (``osintkit.export``), with the ``Case`` store beneath them all.

Heavy dependencies (torch, transformers, pandas) load on first use, so ``import osintkit`` stays fast.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from typing import TYPE_CHECKING, Any

from .errors import (
    AssessmentError,
    BinaryFileError,
    CaseError,
    DecodingError,
    EmptyInputError,
    ExportError,
    FetchError,
    GeocodingError,
    InputError,
    InputTooLargeError,
    LanguageWarning,
    MalformedInputError,
    MissingExtraError,
    ModelError,
    ModelIntegrityError,
    ModelNotAvailableError,
    NetworkDisabledError,
    OsintkitError,
    SchemaVersionError,
    UnknownFieldError,
    UnsupportedFormatError,
)
from .model import Claim, Document, Entity, Mention, Place, Quantity
from .store import Case

# Written once, in pyproject.toml; read back from the installed package's metadata.
__version__ = importlib.metadata.version("osintkit")

if TYPE_CHECKING:
    from .claims import corroborate, extract_claims
    from .entities import tag
    from .exercise import Exercise, LearnerSession, class_summary, exercise_from_case, exercise_from_file
    from .findings import Findings
    from .geo import OfflineGeocoder, geoparse
    from .pipeline import run
    from .sources import load, to_frame

_LAZY = {
    "load": ".sources",
    "to_frame": ".sources",
    "tag": ".entities",
    "geoparse": ".geo",
    "OfflineGeocoder": ".geo",
    "extract_claims": ".claims",
    "corroborate": ".claims",
    "Findings": ".findings",
    "run": ".pipeline",
    "Exercise": ".exercise",
    "LearnerSession": ".exercise",
    "class_summary": ".exercise",
    "exercise_from_case": ".exercise",
    "exercise_from_file": ".exercise",
}

__all__ = [
    "AssessmentError",
    "BinaryFileError",
    "Case",
    "CaseError",
    "Claim",
    "DecodingError",
    "Document",
    "EmptyInputError",
    "Entity",
    "Exercise",
    "ExportError",
    "FetchError",
    "Findings",
    "GeocodingError",
    "InputError",
    "InputTooLargeError",
    "LanguageWarning",
    "LearnerSession",
    "MalformedInputError",
    "Mention",
    "MissingExtraError",
    "ModelError",
    "ModelIntegrityError",
    "ModelNotAvailableError",
    "NetworkDisabledError",
    "OfflineGeocoder",
    "OsintkitError",
    "Place",
    "Quantity",
    "SchemaVersionError",
    "UnknownFieldError",
    "UnsupportedFormatError",
    "__version__",
    "class_summary",
    "corroborate",
    "exercise_from_case",
    "exercise_from_file",
    "extract_claims",
    "geoparse",
    "load",
    "run",
    "tag",
    "to_frame",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'osintkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
