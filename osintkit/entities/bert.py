"""The shipped tagger's network in plain torch: BERT encoder plus token-classification head, for inference only.

Why not ``transformers`` here: importing its model code costs about 3.5 s per process (it pulls in torch._dynamo
and torch.distributed through its hub-kernel and sharding modules), twice the time it takes to load and quantise
the model itself, and every ``osintkit tag`` call and pipeline worker pays it. The shipped model is a standard
BERT, so this module rebuilds exactly that architecture (same parameter names, same maths, scaled dot-product
attention as ``transformers`` uses by default) and loads the same safetensors weights; a test checks its logits
against ``transformers``' ``BertForTokenClassification``. Training (``osintkit.training.train``) and any other Hugging
Face model (:meth:`osintkit.entities.EntityModel.from_pretrained`) still go through ``transformers``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from osintkit.errors import ModelError

if TYPE_CHECKING:
    import torch

__all__ = [
    "BertConfig",
    "build_token_classifier",
    "load_tokenizer",
    "quiet_transformers",
    "resize_token_types",
    "to_transformers",
]


@dataclass(frozen=True)
class BertConfig:
    """The fields of a BERT ``config.json`` this network needs (absolute positions, GELU)."""

    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    max_position_embeddings: int
    type_vocab_size: int
    layer_norm_eps: float
    pad_token_id: int

    @classmethod
    def from_file(cls, path: Path) -> BertConfig:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: unreadable model config: {exc}") from exc
        if raw.get("model_type") != "bert" or raw.get("hidden_act", "gelu") != "gelu":
            raise ModelError(f"{path}: not a BERT with GELU activations; load it with EntityModel.from_pretrained.")
        if raw.get("position_embedding_type", "absolute") != "absolute":
            raise ModelError(f"{path}: only absolute position embeddings are supported here.")
        try:
            return cls(
                vocab_size=int(raw["vocab_size"]),
                hidden_size=int(raw["hidden_size"]),
                num_hidden_layers=int(raw["num_hidden_layers"]),
                num_attention_heads=int(raw["num_attention_heads"]),
                intermediate_size=int(raw["intermediate_size"]),
                max_position_embeddings=int(raw["max_position_embeddings"]),
                type_vocab_size=int(raw["type_vocab_size"]),
                layer_norm_eps=float(raw.get("layer_norm_eps", 1e-12)),
                pad_token_id=int(raw.get("pad_token_id") or 0),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{path}: model config lacks or mangles field {exc}") from exc


@dataclass
class TokenClassifierOutput:
    logits: torch.Tensor


@functools.cache
def _classifier_class() -> type:
    # Defined on first use so that importing this module does not import torch.
    import torch
    from torch import nn
    from torch.nn import functional

    def linear(weights: dict[str, torch.Tensor], name: str) -> nn.Linear:
        # An nn.Linear that takes the stored tensors as they are: skipping the random initialisation it would
        # otherwise run (and building on the meta device instead imports torch._dynamo, about 2 s).
        weight, bias = weights[name + ".weight"], weights[name + ".bias"]
        layer = nn.Linear.__new__(nn.Linear)
        nn.Module.__init__(layer)
        layer.in_features, layer.out_features = int(weight.shape[1]), int(weight.shape[0])
        layer.weight = nn.Parameter(weight, requires_grad=False)
        layer.bias = nn.Parameter(bias, requires_grad=False)
        return layer

    def layer_norm(weights: dict[str, torch.Tensor], name: str, eps: float) -> nn.LayerNorm:
        norm = nn.LayerNorm(weights[name + ".weight"].shape[0], eps=eps)
        norm.load_state_dict({"weight": weights[name + ".weight"], "bias": weights[name + ".bias"]}, assign=True)
        return norm.requires_grad_(False)

    class Layer(nn.Module):
        def __init__(self, cfg: BertConfig, weights: dict[str, torch.Tensor], prefix: str) -> None:
            super().__init__()
            eps = cfg.layer_norm_eps
            self.heads = cfg.num_attention_heads
            # Nested exactly as transformers names them, so state dicts and LoRA paths carry over unchanged.
            self.attention = nn.Module()
            self.attention.add_module("self", nn.Module())
            for part in ("query", "key", "value"):
                self.attention.get_submodule("self").add_module(
                    part, linear(weights, f"{prefix}.attention.self.{part}")
                )
            self.attention.output = nn.Module()
            self.attention.output.dense = linear(weights, f"{prefix}.attention.output.dense")
            self.attention.output.LayerNorm = layer_norm(weights, f"{prefix}.attention.output.LayerNorm", eps)
            self.intermediate = nn.Module()
            self.intermediate.dense = linear(weights, f"{prefix}.intermediate.dense")
            self.output = nn.Module()
            self.output.dense = linear(weights, f"{prefix}.output.dense")
            self.output.LayerNorm = layer_norm(weights, f"{prefix}.output.LayerNorm", eps)

        def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            att: Any = self.attention
            proj: Any = att.get_submodule("self")
            b, t, h = x.shape

            def heads(y: torch.Tensor) -> torch.Tensor:
                return y.view(b, t, self.heads, h // self.heads).transpose(1, 2)

            ctx = functional.scaled_dot_product_attention(
                heads(proj.query(x)), heads(proj.key(x)), heads(proj.value(x)), attn_mask=mask
            )
            ctx = ctx.transpose(1, 2).reshape(b, t, h)
            x = att.output.LayerNorm(att.output.dense(ctx) + x)
            inner = functional.gelu(self.intermediate.dense(x))  # type: ignore[operator]
            return self.output.LayerNorm(self.output.dense(inner) + x)  # type: ignore[operator,no-any-return]

    class BertTokenClassifier(nn.Module):
        def __init__(self, cfg: BertConfig, weights: dict[str, torch.Tensor]) -> None:
            super().__init__()
            self.config = cfg
            self.bert = nn.Module()
            emb = self.bert.embeddings = nn.Module()
            for part in ("word_embeddings", "position_embeddings", "token_type_embeddings"):
                table = weights[f"bert.embeddings.{part}.weight"]
                setattr(emb, part, nn.Embedding.from_pretrained(table, freeze=True))
            emb.LayerNorm = layer_norm(weights, "bert.embeddings.LayerNorm", cfg.layer_norm_eps)
            self.bert.encoder = nn.Module()
            self.bert.encoder.layer = nn.ModuleList(
                Layer(cfg, weights, f"bert.encoder.layer.{i}") for i in range(cfg.num_hidden_layers)
            )
            self.classifier = linear(weights, "classifier")

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor | None = None,
            token_type_ids: torch.Tensor | None = None,
        ) -> TokenClassifierOutput:
            return TokenClassifierOutput(self.classifier(self.encode(input_ids, attention_mask, token_type_ids)))

        def encode(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor | None = None,
            token_type_ids: torch.Tensor | None = None,
        ) -> torch.Tensor:
            """The encoder's last hidden states, (batch, pieces, hidden)."""
            emb: Any = self.bert.embeddings
            positions = torch.arange(input_ids.shape[1], device=input_ids.device)
            types = torch.zeros_like(input_ids) if token_type_ids is None else token_type_ids
            pieces = emb.word_embeddings(input_ids) + emb.token_type_embeddings(types)
            x: torch.Tensor = emb.LayerNorm(pieces + emb.position_embeddings(positions))
            if attention_mask is None:
                attention_mask = torch.ones_like(input_ids)
            # Additive mask over keys, as transformers builds it for SDPA: padding gets the dtype's minimum.
            mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
            for layer in self.bert.encoder.layer:  # type: ignore[union-attr]
                x = layer(x, mask)
            return x

    return BertTokenClassifier


def build_token_classifier(model_dir: Path, num_labels: int) -> Any:
    """A BERT token classifier with the encoder weights of ``model_dir`` and a zero ``num_labels`` head.

    With ``num_labels=0`` it is the bare encoder: call its ``encode(input_ids, attention_mask)``.

    Parameter names match ``transformers``' ``BertForTokenClassification`` (``bert.encoder.layer.0...``,
    ``classifier``), so a delta trained there applies unchanged. Returned in eval mode, without gradients.
    """
    import torch
    from safetensors.torch import load_file

    cfg = BertConfig.from_file(model_dir / "config.json")
    weights = {}
    for key, value in load_file(str(model_dir / "model.safetensors")).items():
        weights[key if key.startswith("bert.") else "bert." + key] = value.float()
    weights["classifier.weight"] = torch.zeros(num_labels, cfg.hidden_size)
    weights["classifier.bias"] = torch.zeros(num_labels)
    classifier_cls = _classifier_class()
    try:
        model = classifier_cls(cfg, weights)
    except KeyError as exc:
        raise ModelError(f"{model_dir}/model.safetensors lacks encoder tensor {exc}") from exc
    shapes = {
        "bert.embeddings.word_embeddings.weight": (cfg.vocab_size, cfg.hidden_size),
        "bert.embeddings.position_embeddings.weight": (cfg.max_position_embeddings, cfg.hidden_size),
        "bert.encoder.layer.0.intermediate.dense.weight": (cfg.intermediate_size, cfg.hidden_size),
    }
    for name, shape in shapes.items():
        if tuple(weights[name].shape) != shape:
            raise ModelError(f"{model_dir}: tensor {name} has shape {tuple(weights[name].shape)}, expected {shape}")
    model.eval()
    return model


def load_tokenizer(model_dir: Path) -> Any:
    """The encoder's word-piece tokenizer (``tokenizers``), with its stored padding and truncation switched off.

    The tagger cuts sentences into windows itself and pads per batch; a tokenizer that silently truncated at 128
    pieces would drop words from long sentences.
    """
    from tokenizers import Tokenizer

    path = model_dir / "tokenizer.json"
    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises a bare Exception for unreadable files
        raise ModelError(f"{path}: unreadable tokenizer: {exc}") from exc
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


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


def resize_token_types(model: Any, rows: int) -> None:
    """Give ``model`` ``rows`` token-type embeddings; new rows start as copies of the last existing one.

    Works on the plain-torch BERT and on transformers' (both keep the table at ``bert.embeddings``). New rows copy
    the "capitalised" row so a model trained with fewer types starts out behaving as it did.
    """
    import torch
    from torch import nn

    emb = model.bert.embeddings
    old = emb.token_type_embeddings.weight
    if old.shape[0] == rows:
        return
    index = torch.arange(rows).clamp(max=old.shape[0] - 1)
    table = nn.Embedding(rows, old.shape[1])
    with torch.no_grad():
        table.weight.copy_(old[index])
    table.weight.requires_grad = old.requires_grad
    emb.token_type_embeddings = table
    config = model.config
    if dataclasses.is_dataclass(config) and not isinstance(config, type):  # the plain-torch BERT's frozen config
        model.config = dataclasses.replace(config, type_vocab_size=rows)
    else:
        model.config.type_vocab_size = rows


def to_transformers(model: Any, model_dir: Path) -> Any:
    """The same network as a ``transformers`` ``BertForTokenClassification`` (for the pipeline baseline and tests)."""
    from transformers import AutoConfig, AutoModelForTokenClassification

    n = int(model.classifier.out_features)
    config = AutoConfig.from_pretrained(str(model_dir), local_files_only=True, num_labels=n)
    types = int(model.bert.embeddings.token_type_embeddings.num_embeddings)  # the case feature's classes
    with quiet_transformers():
        hf = AutoModelForTokenClassification.from_pretrained(str(model_dir), config=config, local_files_only=True)
    if types != config.type_vocab_size:
        resize_token_types(hf, types)
    missing, unexpected = hf.load_state_dict(model.state_dict(), strict=False)
    if unexpected or any(not k.endswith("position_ids") for k in missing):
        raise ModelError(f"state dicts differ: missing {missing[:3]}, unexpected {unexpected[:3]}")
    return hf.eval()
