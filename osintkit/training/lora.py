"""Low-rank adapters (LoRA) for training the entity model, and writing what training changed as the shipped delta.

Every encoder linear layer named in :data:`LORA_TARGETS` gets a trainable rank-``r`` update ``B @ A``; only those
factors, the biases, LayerNorms and classifier head are saved (fp16), with a sealed manifest that
:mod:`osintkit.entities.loading` checks at load.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from osintkit.entities.encoder import BASE_MODEL_SHA256, file_sha256
from osintkit.entities.loading import DELTA_FILE, MANIFEST_FILE, write_manifest
from osintkit.entities.model import int8_ranges, load_entity_model
from osintkit.entities.quantise import calibration_sha256

if TYPE_CHECKING:
    import torch

__all__ = ["LORA_TARGETS", "add_lora", "export_delta", "save_delta", "store_int8_ranges"]

LORA_TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


def _lora_linear_class() -> type:
    import torch
    from torch import nn

    class LoRALinear(nn.Module):
        """``base(x) + scale · x Aᵀ Bᵀ``; B starts at zero so training starts from the base model exactly."""

        def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
            super().__init__()
            self.base = base
            self.scale = alpha / rank
            self.lora_A = nn.Parameter(torch.empty(rank, base.in_features))
            self.lora_B = nn.Parameter(torch.zeros(base.out_features, rank))
            nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y: torch.Tensor = self.base(x)
            return y + (x @ self.lora_A.t() @ self.lora_B.t()) * self.scale

    return LoRALinear


def _lora_paths(model: Any) -> list[str]:
    return [name for name, _ in model.named_modules() if name.endswith(LORA_TARGETS) and ".layer." in name]


def add_lora(model: Any, rank: int, alpha: float) -> None:
    """Wrap every encoder linear layer named in :data:`LORA_TARGETS` with a trainable low-rank update."""
    cls = _lora_linear_class()
    for path in _lora_paths(model):
        parent_path, _, child = path.rpartition(".")
        parent = model.get_submodule(parent_path)
        setattr(parent, child, cls(getattr(parent, child), rank, alpha))


def export_delta(model: Any) -> dict[str, torch.Tensor]:
    """The tensors to ship, named as in the plain (unwrapped) model, fp16."""
    import torch

    out: dict[str, torch.Tensor] = {}
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        name = name.replace(".base.", ".")
        out[name] = p.detach().to(torch.float16).contiguous()
    return out


def save_delta(tensors: dict[str, torch.Tensor], meta: dict[str, Any], out_dir: Path) -> str:
    """Write the delta and its sealed manifest; returns the delta's SHA-256 (also recorded in the manifest)."""
    from safetensors.torch import save_file

    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / (DELTA_FILE + ".tmp")
    save_file(dict(sorted(tensors.items())), str(tmp), metadata={"format": "pt", "kind": "osintkit-lora-delta"})
    os.chmod(tmp, 0o644)
    os.replace(tmp, out_dir / DELTA_FILE)
    sha = file_sha256(out_dir / DELTA_FILE)
    manifest = {**meta, "delta_file": DELTA_FILE, "delta_sha256": sha, "base_sha256": BASE_MODEL_SHA256}
    write_manifest(out_dir / MANIFEST_FILE, manifest)
    return sha


def store_int8_ranges(weights_dir: Path) -> None:
    """Calibrate the model in ``weights_dir`` and record its int8 input ranges in the manifest.

    Why: calibrating at every load costs a forward pass over the calibration text (about 0.4 s of a 1 s load),
    and stored ranges give every machine the very same int8 scales.
    """
    em = load_entity_model(weights_dir, quantize=False)
    ranges = int8_ranges(em)
    path = weights_dir / MANIFEST_FILE
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["int8_calibration_sha256"] = calibration_sha256()
    manifest["int8_ranges"] = {k: [lo, hi] for k, (lo, hi) in sorted(ranges.items())}
    write_manifest(path, manifest)
