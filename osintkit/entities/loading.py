"""Loading the entity model's files, every one checked by hash before use.

Shipped files (``osintkit/entities/weights``): ``entity-delta.safetensors`` holds only what training changed, in fp16:
rank-r factors ``A``/``B`` for every encoder linear layer (merged as ``W + (alpha/r)·B@A`` at load time), the
biases, LayerNorms and the classifier head; ``entity-model.json`` holds the label list, adapter settings and
training record. The word embeddings and everything else come from the hash-checked base encoder package, so the
delta is a few MB. The delta's and the manifest's SHA-256 are pinned in this module (:data:`SHIPPED_DELTA_SHA256`,
:data:`SHIPPED_MANIFEST_SHA256`) and checked at load; the manifest records the hashes of the delta, of the base
encoder's weights, config and tokenizer files, and of itself (``manifest_sha256``), so a model trained elsewhere is
checked as a whole too.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from osintkit.entities.bert import build_token_classifier, load_tokenizer, resize_token_types
from osintkit.entities.encoder import BASE_FILES_SHA256, BASE_MODEL_SHA256, base_model_dir, verify_file
from osintkit.errors import ModelIntegrityError, ModelNotAvailableError

if TYPE_CHECKING:
    import torch

__all__ = [
    "DELTA_FILE",
    "MANIFEST_FILE",
    "SHIPPED_DELTA_SHA256",
    "SHIPPED_MANIFEST_SHA256",
    "WEIGHTS_DIR",
    "apply_delta",
    "assemble",
    "manifest_digest",
    "read_manifest",
    "seal_manifest",
    "write_manifest",
]

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
DELTA_FILE = "entity-delta.safetensors"
MANIFEST_FILE = "entity-model.json"
# Pinned when the shipped model was trained; a different file in the package is refused.
SHIPPED_DELTA_SHA256 = "b47a73b319878635664db7745d3be195c7774cae809dfe43ead9ffd07e3349f2"
# The manifest holds the label order, adapter scale and int8 ranges: a swapped pair of labels turned every person
# into an organisation without failing any weight check, so the shipped file is pinned byte for byte as well.
SHIPPED_MANIFEST_SHA256 = "c7dde9811d218b5a65ad4f1976aceed34944c5a709336e186462f37f4eee6437"


def manifest_digest(manifest: dict[str, Any]) -> str:
    """SHA-256 of a manifest's content without its own ``manifest_sha256``: canonical JSON, so indentation and
    key order do not matter, while any changed value does."""
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def seal_manifest(manifest: dict[str, Any]) -> dict[str, Any]:
    """``manifest`` with the hashes of the installed base encoder's files and its own ``manifest_sha256`` set.

    Only for a manifest you wrote or checked yourself: sealing makes a folder's model load as it now stands.
    """
    out = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    out["base_files_sha256"] = dict(BASE_FILES_SHA256)
    # Round-trip first, so the digest is taken over exactly what json will read back (tuples become lists...).
    out = dict(json.loads(json.dumps(out, default=str)))
    out["manifest_sha256"] = manifest_digest(out)
    return out


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Seal ``manifest`` and write it to ``path`` atomically (a reader never sees half a file)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(seal_manifest(manifest), indent=1, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def apply_delta(model: Any, delta_path: Path, scale: float) -> dict[str, torch.Tensor]:
    """Merge a saved delta into ``model`` in place: ``W += scale·B@A`` per adapted layer, other tensors copied.

    Returns the delta (fp32) so callers can check the head or keep the factors. Works on the plain-torch BERT and
    on transformers' (same parameter names).
    """
    import torch
    from safetensors.torch import load_file

    delta = {k: v.float() for k, v in load_file(str(delta_path)).items()}
    types = delta.get("bert.embeddings.token_type_embeddings.weight")
    if types is not None and types.shape[0] != model.bert.embeddings.token_type_embeddings.weight.shape[0]:
        resize_token_types(model, types.shape[0])  # a case feature with more classes than the base's two
    state = model.state_dict()
    with torch.no_grad():
        for name, value in delta.items():
            if name.endswith(".lora_A"):
                path = name[: -len(".lora_A")]
                state[path + ".weight"].add_(delta[path + ".lora_B"] @ value, alpha=scale)
            elif name.endswith(".lora_B"):
                continue
            elif name in state:
                state[name].copy_(value)
            else:
                raise ModelIntegrityError(
                    f"{delta_path}: unexpected tensor {name!r}; the file does not fit this model."
                )
    return delta


def read_manifest(manifest_path: Path, expected_sha256: str | None) -> dict[str, Any]:
    """The manifest, refused unless its bytes match ``expected_sha256`` (when given) and its content matches the
    ``manifest_sha256`` it records."""
    try:
        raw = manifest_path.read_bytes()
        manifest = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelIntegrityError(f"Model manifest {manifest_path} is unreadable: {exc}") from exc
    if expected_sha256 is not None:
        actual = hashlib.sha256(raw).hexdigest()
        if actual != expected_sha256:
            raise ModelIntegrityError(
                f"Model manifest {manifest_path} failed its integrity check: expected SHA-256 {expected_sha256}, "
                f"got {actual}. Its labels, scaling or int8 ranges were changed; do not use it. Reinstall osintkit "
                "(pip install --force-reinstall osintkit)."
            )
    if not isinstance(manifest, dict):
        raise ModelIntegrityError(f"Model manifest {manifest_path} is not a JSON object.")
    recorded = manifest.get("manifest_sha256")
    if not recorded:
        raise ModelIntegrityError(
            f"Model manifest {manifest_path} records no manifest_sha256; refusing to load. If you trust the folder, "
            "seal it: osintkit.entities.loading.seal_manifest() over its JSON, written back to the file."
        )
    actual = manifest_digest(manifest)
    if actual != recorded:
        raise ModelIntegrityError(
            f"Model manifest {manifest_path} failed its integrity check: it records manifest_sha256 {recorded}, "
            f"but its content hashes to {actual}. A label, the scaling or the int8 ranges were edited after "
            "training; do not use it. Retrain, or restore the original file."
        )
    base_files = manifest.get("base_files_sha256")
    if not isinstance(base_files, dict):
        raise ModelIntegrityError(f"Model manifest {manifest_path} records no base_files_sha256; refusing to load.")
    for name, sha in sorted(base_files.items()):
        if BASE_FILES_SHA256.get(name) != sha:
            raise ModelIntegrityError(
                f"{manifest_path} was trained with base encoder file {name} of SHA-256 {sha}, but the installed "
                f"one is {BASE_FILES_SHA256.get(name)}; the model does not fit this tokenizer and config."
            )
    return manifest


def assemble(
    weights_dir: Path, expected_sha256: str | None, expected_manifest_sha256: str | None = None
) -> tuple[Any, Any, list[str], dict[str, Any]]:
    """Base encoder + verified delta → (tokenizer, BERT token classifier in eval mode, labels, manifest).

    The network is :mod:`osintkit.entities.bert`'s plain-torch BERT, which skips transformers' 3.5 s import.
    """
    manifest_path = weights_dir / MANIFEST_FILE
    delta_path = weights_dir / DELTA_FILE
    if not manifest_path.is_file() or not delta_path.is_file():
        raise ModelNotAvailableError(
            f"No entity model in {weights_dir} (expected {MANIFEST_FILE} and {DELTA_FILE}). "
            "Train one with `python -m osintkit.training.train --out DIR` or reinstall osintkit."
        )
    manifest = read_manifest(manifest_path, expected_manifest_sha256)
    expected = expected_sha256 or manifest.get("delta_sha256", "")
    if not expected:
        raise ModelIntegrityError(f"Model manifest {manifest_path} records no delta_sha256; refusing to load.")
    verify_file(
        delta_path,
        expected,
        what="Entity model weights",
        remedy="Reinstall osintkit (pip install --force-reinstall osintkit) or retrain the model.",
    )
    if manifest.get("base_sha256") != BASE_MODEL_SHA256:
        raise ModelIntegrityError(
            f"{manifest_path} was trained on base encoder {manifest.get('base_sha256')}, "
            f"but the installed one is {BASE_MODEL_SHA256}; the delta does not apply to it."
        )
    labels = list(manifest["labels"])
    base = base_model_dir(verify=True)
    tokenizer = load_tokenizer(base)
    model = build_token_classifier(base, len(labels))
    delta = apply_delta(model, delta_path, float(manifest["alpha"]) / float(manifest["rank"]))
    if "classifier.weight" not in delta or delta["classifier.weight"].shape[0] != len(labels):
        raise ModelIntegrityError(f"{delta_path}: no classifier head for {len(labels)} labels; it does not fit.")
    model.eval()
    return tokenizer, model, labels, manifest
