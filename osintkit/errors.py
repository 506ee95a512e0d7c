"""One exception tree for osintkit.

Every class inherits :class:`OsintkitError` and, like geopy's, the built-in it most resembles, so callers can
catch either ``OsintkitError`` or the familiar built-in (``ValueError``, ``KeyError``, ``ConnectionError``...).
"""

from __future__ import annotations

__all__ = [
    "AssessmentError",
    "BinaryFileError",
    "CaseError",
    "DecodingError",
    "EmptyInputError",
    "ExportError",
    "FetchError",
    "GeocodingError",
    "InputError",
    "InputTimeoutError",
    "InputTooLargeError",
    "LanguageWarning",
    "MalformedInputError",
    "MissingExtraError",
    "ModelError",
    "ModelIntegrityError",
    "ModelNotAvailableError",
    "NetworkDisabledError",
    "OsintkitError",
    "SchemaVersionError",
    "UnknownFieldError",
    "UnsupportedFormatError",
]


class OsintkitError(Exception):
    """Root of every error osintkit raises on purpose."""


class InputError(OsintkitError, ValueError):
    """Bad input. The message names the file, and the line or field where known."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.reason = message
        where = ""
        if path is not None:
            where = str(path)
            if line is not None:
                where += f":{line}"
            where += ": "
        elif line is not None:
            where = f"line {line}: "
        if field is not None:
            where += f"field {field!r}: "
        super().__init__(f"{where}{message}")


class BinaryFileError(InputError):
    """The input looks like binary data, not text."""


class DecodingError(InputError, UnicodeError):
    """The bytes could not be decoded to text with any encoding we trust."""


class EmptyInputError(InputError):
    """The file or record holds no text."""


class InputTooLargeError(InputError):
    """The input is over the configured size limit."""


class MalformedInputError(InputError):
    """CSV, JSON, XML or a feed that does not parse."""


class InputTimeoutError(InputError, TimeoutError):
    """Parsing the input ran past its time budget: a file built (or broken) to stall a parser."""


class UnknownFieldError(InputError, KeyError):
    """A column or field mapping names a field the input does not have."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0]) if self.args else ""


class UnsupportedFormatError(InputError):
    """No loader handles this kind of file."""


class NetworkDisabledError(OsintkitError, PermissionError):
    """A network call was attempted without the user opting in."""


class FetchError(OsintkitError, ConnectionError):
    """An opted-in fetch failed."""


class CaseError(OsintkitError, RuntimeError):
    """The case file is unusable, or a write to it was refused."""


class SchemaVersionError(CaseError):
    """The case was written by a newer osintkit than this one."""


class ModelError(OsintkitError, RuntimeError):
    """The entity model could not be loaded."""


class ModelIntegrityError(ModelError):
    """A weight file does not match its recorded SHA-256: corrupted or swapped."""


class ModelNotAvailableError(ModelError, FileNotFoundError):
    """The model is not on disk and downloads are not allowed."""


class GeocodingError(OsintkitError, LookupError):
    """A geocoder failed or was misused."""


class AssessmentError(OsintkitError, ValueError):
    """A rating breaks the Admiralty scale's rules."""


class ExportError(OsintkitError, RuntimeError):
    """An export could not be written."""


class MissingExtraError(OsintkitError, ImportError):
    """An optional dependency is missing; the message says what to install."""


class LanguageWarning(UserWarning):
    """Text in a language the entity model was not trained on: what it finds there is incomplete.

    A warning, not an error: the rules (dates, quantities) and the gazetteer still run, and nothing is dropped.
    """
