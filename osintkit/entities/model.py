"""The entity model: shipped low-rank delta on the base encoder, and the tagger that turns text into mentions.

Shipped files (``osintkit/entities/weights``): ``entity-delta.safetensors`` holds only what training changed, in fp16:
rank-r factors ``A``/``B`` for every encoder linear layer (merged as ``W + (alpha/r)·B@A`` at load time), the
biases, LayerNorms and the classifier head; ``entity-model.json`` holds the label list, adapter settings and
training record. The word embeddings and everything else come from the hash-checked base encoder package, so the
delta is a few MB. The delta's and the manifest's SHA-256 are pinned in this module (:data:`SHIPPED_DELTA_SHA256`,
:data:`SHIPPED_MANIFEST_SHA256`) and checked at load; the manifest records the hashes of the delta, of the base
encoder's weights, config and tokenizer files, and of itself (``manifest_sha256``), so a model trained elsewhere is
checked as a whole too.
The network itself is :mod:`osintkit.entities.bert`, a plain-torch BERT tested equal to transformers' own.

Tagging works on words, not word pieces: the text is split into sentences (``osintkit.text.split_sentences``),
sentences into words (:func:`osintkit.entities.datasets.word_spans`, each a character span of the original text), the
words are fed to the model pre-split and each word takes the label of its first word piece. Mention offsets are
therefore always spans of the original text and ``mention.text == text[start:end]`` holds by construction; the
uncased encoder never gets to rewrite the text.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from osintkit.entities.encoder import (
    BASE_FILES_SHA256,
    BASE_MODEL_SHA256,
    base_model_dir,
    file_sha256,
    hf_offline,
    verify_file,
)
from osintkit.errors import LanguageWarning, ModelError, ModelIntegrityError, ModelNotAvailableError
from osintkit.model import Document, Mention

if TYPE_CHECKING:
    import torch

__all__ = [
    "DEFAULT_LABEL_MAP",
    "SHIPPED_DELTA_SHA256",
    "SHIPPED_MANIFEST_SHA256",
    "WEIGHTS_DIR",
    "EntityModel",
    "default_model",
    "int8_ranges",
    "load_entity_model",
    "merge_mentions",
    "quantize_int8",
    "repair_iob2",
    "seal_manifest",
    "store_int8_ranges",
    "tag",
    "tag_many",
]

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
DELTA_FILE = "entity-delta.safetensors"
MANIFEST_FILE = "entity-model.json"
# Pinned when the shipped model was trained; a different file in the package is refused.
SHIPPED_DELTA_SHA256 = "b47a73b319878635664db7745d3be195c7774cae809dfe43ead9ffd07e3349f2"
# The manifest holds the label order, adapter scale and int8 ranges: a swapped pair of labels turned every person
# into an organisation without failing any weight check, so the shipped file is pinned byte for byte as well.
SHIPPED_MANIFEST_SHA256 = "c7dde9811d218b5a65ad4f1976aceed34944c5a709336e186462f37f4eee6437"
LORA_TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)
# Model label families onto osintkit's labels; anything unlisted (MISC, dates in other schemes...) is dropped.
DEFAULT_LABEL_MAP: dict[str, str] = {
    "PER": "PERSON",
    "PERSON": "PERSON",
    "ORG": "ORG",
    "ORGANIZATION": "ORG",
    "ORGANISATION": "ORG",
    "LOC": "LOC",
    "LOCATION": "LOC",
    "GPE": "LOC",
}
ALLOW_DOWNLOADS_ENV = "OSINTKIT_ALLOW_DOWNLOADS"


# --- adapters (training side) --------------------------------------------------------------------------------


def case_flag(word: str) -> int:
    """1 for a word with a capital letter, else 0: fed to the model as BERT's token type.

    Why: the base encoder is uncased, so its tokenizer throws away capitalisation, the strongest single cue for a
    proper name in English. BERT's two token-type embeddings are otherwise unused in single-sentence tagging, so
    training them as a "capitalised word" feature restores that cue without changing the architecture.
    """
    return 1 if any(c.isupper() for c in word) else 0


# How a word's capitalisation reaches the model as its token type, named in the manifest's "case_feature":
# "token_type" is the one-bit flag above; "case4" also tells a sentence's first word and all-capital words apart.
CASE_FEATURES = {"token_type": 2, "case4": 4}


def case_classes(
    words: Sequence[str], scheme: str, starts_sentence: bool = True, sentence_starts: Sequence[int] = ()
) -> list[int]:
    """Each word's token type under ``scheme`` (see ``CASE_FEATURES``).

    ``case4``: 0 no capital, 1 capitalised inside the sentence, 2 capitalised first word of the sentence (the first
    word with a letter), 3 all capitals ("NATO", "U.S."). Why: a capital inside a sentence is strong evidence of a
    name, a sentence's first word is capitalised anyway, and acronyms are mostly organisations or places; one bit
    cannot tell the three apart. ``sentence_starts``: the word indices where later sentences of a packed window
    begin (the first begins at 0 when ``starts_sentence``).
    """
    if scheme == "token_type":
        return [case_flag(w) for w in words]
    if scheme != "case4":
        raise ModelError(f"unknown case feature {scheme!r}; expected one of {', '.join(CASE_FEATURES)}")
    out: list[int] = []
    initial = starts_sentence
    later_starts = set(sentence_starts) - {0}
    for i, word in enumerate(words):
        if i in later_starts:
            initial = True
        letters = [c for c in word if c.isalpha()]
        if len(letters) >= 2 and all(c.isupper() for c in letters):
            out.append(3)
        elif any(c.isupper() for c in word):
            out.append(2 if initial else 1)
        else:
            out.append(0)
        if letters:
            initial = False
    return out


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
            return self.base(x) + (x @ self.lora_A.t() @ self.lora_B.t()) * self.scale

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
    out = json.loads(json.dumps(out, default=str))
    out["manifest_sha256"] = manifest_digest(out)
    return out


def _write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(seal_manifest(manifest), indent=1, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


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
    _write_manifest(out_dir / MANIFEST_FILE, manifest)
    return sha


# --- loading ---------------------------------------------------------------------------------------------------


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


def _read_manifest(manifest_path: Path, expected_sha256: str | None) -> dict[str, Any]:
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
            "seal it: osintkit.entities.model.seal_manifest() over its JSON, written back to the file."
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


def _assemble(
    weights_dir: Path, expected_sha256: str | None, expected_manifest_sha256: str | None = None
) -> tuple[Any, Any, list[str], dict[str, Any]]:
    """Base encoder + verified delta → (tokenizer, BERT token classifier in eval mode, labels, manifest).

    The network is :mod:`osintkit.entities.bert`'s plain-torch BERT, which skips transformers' 3.5 s import.
    """

    from .bert import build_token_classifier, load_tokenizer

    manifest_path = weights_dir / MANIFEST_FILE
    delta_path = weights_dir / DELTA_FILE
    if not manifest_path.is_file() or not delta_path.is_file():
        raise ModelNotAvailableError(
            f"No entity model in {weights_dir} (expected {MANIFEST_FILE} and {DELTA_FILE}). "
            "Train one with `python -m osintkit.entities.train --out DIR` or reinstall osintkit."
        )
    manifest = _read_manifest(manifest_path, expected_manifest_sha256)
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


CALIBRATION_FILE = Path(__file__).resolve().parent / "data" / "calibration.txt"
# int8 windows are padded to a multiple of this many pieces and batched only with windows of the same padded width.
INT8_WIDTH_STEP = 2
# A batch holds at most this many word pieces (padding included), so long sentences come in smaller batches and
# peak memory does not grow with the longest sentence a corpus happens to contain.
MAX_BATCH_PIECES = 1024


def _pinned_int8_class() -> type:
    import torch
    from torch import nn

    class PinnedRangeInt8Linear(nn.Module):
        """A dynamic int8 linear layer whose activation range is fixed by calibration instead of measured per batch.

        Why: dynamic quantisation takes its scale from the min and max of the whole input tensor, so a sentence's
        result depended on the other sentences in its batch, and a resumed or Dask run did not reproduce a local
        one. Clamping to the calibrated range and appending one row that holds both ends pins the scale, so each
        row is computed exactly as it would be on its own.
        """

        def __init__(self, qlinear: nn.Module, low: float, high: float, in_features: int) -> None:
            super().__init__()
            self.qlinear = qlinear
            self.low, self.high = low, high
            pin = torch.zeros(1, in_features)
            pin[0, 0], pin[0, 1 % in_features] = high, low
            self.pin: torch.Tensor
            self.register_buffer("pin", pin)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            shape = x.shape
            flat = torch.cat([x.reshape(-1, shape[-1]), self.pin]).clamp_(self.low, self.high)
            y = self.qlinear(flat)[:-1]
            return y.reshape(*shape[:-1], y.shape[-1])

    return PinnedRangeInt8Linear


def calibration_sha256() -> str:
    return hashlib.sha256(CALIBRATION_FILE.read_bytes()).hexdigest()


def int8_ranges(em: EntityModel, calibration: Sequence[str] | None = None) -> dict[str, tuple[float, float]]:
    """The input range of each linear layer of ``em`` (fp32) over ``calibration`` texts (default: the shipped set)."""
    import torch
    from torch import nn

    texts = list(calibration) if calibration is not None else CALIBRATION_FILE.read_text("utf-8").splitlines()
    ranges: dict[str, tuple[float, float]] = {}

    def record(name: str) -> Any:
        def hook(_module: nn.Module, inputs: tuple[torch.Tensor, ...], _output: torch.Tensor) -> None:
            lo, hi = (float(v) for v in torch.aminmax(inputs[0]))
            old = ranges.get(name, (0.0, 0.0))
            ranges[name] = (min(old[0], lo), max(old[1], hi))

        return hook

    linears = {name: m for name, m in em.model.named_modules() if isinstance(m, nn.Linear)}
    handles = [m.register_forward_hook(record(name)) for name, m in linears.items()]
    try:
        em.predict([t for t in texts if t.strip()])
    finally:
        for h in handles:
            h.remove()
    return ranges


def quantize_int8(
    em: EntityModel,
    calibration: Sequence[str] | None = None,
    *,
    inplace: bool = False,
    ranges: dict[str, tuple[float, float]] | None = None,
) -> EntityModel:
    """An int8 copy of ``em`` (``inplace=True``: ``em`` itself, without holding two copies in memory).

    Linear layers are quantised with their input ranges pinned: ``ranges`` as stored with a trained model, or
    else calibrated now on ``calibration`` texts (default: the news-style sentences in ``data/calibration.txt``).
    About 1.4x faster on 2 CPU cores for about one point of news test F1 (0.774 vs 0.784; none on dev), both
    measured by benchmarks/bench_tagging.py. Results do not depend on batch neighbours.
    """
    import copy
    import warnings

    import torch
    from torch import nn

    linears = {name: m for name, m in em.model.named_modules() if isinstance(m, nn.Linear)}
    if ranges is None or set(ranges) != set(linears):
        ranges = int8_ranges(em, calibration)
    with warnings.catch_warnings():
        # torch marks the quantised-tensor constructors deprecated; they work in the pinned torch.
        warnings.simplefilter("ignore")
        # Per output channel: one weight scale per row instead of per matrix keeps small rows precise (measured:
        # +1 point of news F1 against per-tensor weights, for a few percent of speed).
        spec = {nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig}
        qmodel = torch.ao.quantization.quantize_dynamic(em.model, spec, dtype=torch.qint8, inplace=inplace)
    pinned = _pinned_int8_class()
    for name, (lo, hi) in ranges.items():
        parent_path, _, child = name.rpartition(".")
        parent = qmodel.get_submodule(parent_path)
        setattr(parent, child, pinned(getattr(parent, child), lo, hi, linears[name].in_features))
    out = em if inplace else copy.copy(em)
    out.model = qmodel
    out.quantized = True
    return out


def load_entity_model(path: str | os.PathLike[str] | None = None, *, quantize: bool = True) -> EntityModel:
    """The shipped model (default) or one saved by the training script in ``path``; both hash-checked.

    Linear layers run in int8 (:func:`quantize_int8`) unless ``quantize=False``, which keeps fp32: a little
    slower (182 vs 263 sentences/s), about one point of news test F1 more accurate.
    """
    if path is None:
        return _default_model(quantize)
    return _load(Path(path), None, str(path), quantize)


def _load(
    weights_dir: Path, sha256: str | None, name: str, quantize: bool, manifest_sha256: str | None = None
) -> EntityModel:
    tokenizer, model, labels, manifest = _assemble(weights_dir, sha256, manifest_sha256)
    case = manifest.get("case_feature")
    if case is not None and case not in CASE_FEATURES:
        raise ModelIntegrityError(f"{weights_dir / MANIFEST_FILE}: unknown case_feature {case!r}")
    em = EntityModel(
        tokenizer,
        model,
        labels,
        name=name,
        case_feature=case,
        context_words=int(manifest.get("context_words", 0)),
        # Every model this project trains learns from English sets only (MODEL_CARD.md).
        languages=manifest.get("languages", ["en"]),
    )
    if not quantize:
        return em
    return quantize_int8(em, inplace=True, ranges=_stored_ranges(manifest))


def _stored_ranges(manifest: dict[str, Any]) -> dict[str, tuple[float, float]] | None:
    """The int8 input ranges saved with the model, if they were calibrated on today's calibration text."""
    stored = manifest.get("int8_ranges")
    if not isinstance(stored, dict) or manifest.get("int8_calibration_sha256") != calibration_sha256():
        return None
    return {str(k): (float(v[0]), float(v[1])) for k, v in stored.items()}


def store_int8_ranges(weights_dir: Path) -> None:
    """Calibrate the model in ``weights_dir`` and record its int8 input ranges in the manifest.

    Why: calibrating at every load costs a forward pass over the calibration text (about 0.4 s of a 1 s load),
    and stored ranges give every machine the very same int8 scales.
    """
    em = _load(weights_dir, None, str(weights_dir), quantize=False)
    ranges = int8_ranges(em)
    path = weights_dir / MANIFEST_FILE
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["int8_calibration_sha256"] = calibration_sha256()
    manifest["int8_ranges"] = {k: [lo, hi] for k, (lo, hi) in sorted(ranges.items())}
    _write_manifest(path, manifest)


@functools.lru_cache(maxsize=2)
def _default_model(quantize: bool = True) -> EntityModel:
    return _load(WEIGHTS_DIR, SHIPPED_DELTA_SHA256, "osintkit-minilm-ner", quantize, SHIPPED_MANIFEST_SHA256)


def default_model(quantize: bool = True) -> EntityModel:
    """The shipped entity model, loaded once per process: int8 linear layers, or fp32 with ``quantize=False``."""
    return _default_model(quantize)


def repair_iob2(tags: Sequence[str]) -> list[str]:
    """Make a predicted tag sequence valid IOB2: an I-X with no open X entity starts one."""
    out: list[str] = []
    prev = "O"
    for tag in tags:
        if tag.startswith("I-") and (prev == "O" or prev[2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
        prev = tag
    return out


# Lowercase words that join the parts of a name ("Bosnia and Herzegovina", "Church of the Nativity") or mark its
# owner ("Bush 's"), and so can never be its last word.
_NAME_JOINERS = frozenset({"of", "and", "&", "for", "the", "at", "de", "in", "on", "to", "'s", "’s"})
# Joiners that may stand between two parts of one name.
_NAME_LINKS = frozenset({"and", "&", "of", "de"})
_ARTICLES = frozenset({"the", "a", "an"})
# Ranks and offices, which the model sometimes tags on their own ("Brigadier" ORG before "General Gerald A. Daniel",
# "Captain" PER). Words that are also common surnames (Major, King, Prince) are left out. At the end of a longer
# span they stay: "U.S. Representative" and "Attorney General" are offices that WikiANN and GMB mark whole.
_ROLE_WORDS = frozenset(
    """brigadier general colonel lieutenant captain sergeant corporal admiral commander commodore marshal senator
    representative congressman congresswoman secretary minister president governor ambassador mayor chancellor
    envoy mp mpp mep lt col gen capt sgt cpl adm cmdr maj sen rep gov""".split()
)


def _is_role(word: str) -> bool:
    """A rank or office: "Captain", "Gen.", "Secretary-General", "Lt.-Col."."""
    return all(part.rstrip(".").lower() in _ROLE_WORDS for part in word.split("-"))


def tidy_spans(words: Sequence[str], spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Model spans (word start, word end, type) with the decoder's recurring shape errors mended.

    Why: in news text the model sometimes ends a name on a joining word ("Capitol Hill Station of", "Bush 's") or
    splits a name at one ("Bosnia and" LOC, then "Herzegovina" LOC), and tags a lowercase common word as a name
    ("the woods", the "s" of "1960s", the "t" of "t.co"). A trailing joiner is cut; two spans of one type that a
    single linking word separates are one name. A lowercase span is dropped only when it is a single letter or
    follows an article: lowercase names are common in posts ("thanks obama", "back to korea"), so lowercase alone
    is not evidence (dropping every lowercase span cost 6 points of F1 on WNUT-17 dev). A span of nothing but ranks,
    offices or an article ("Brigadier", "Captain", the "The" of "The Hockey News") is not a name either.
    """
    out: list[tuple[int, int, str]] = []
    trimmed_end = -1  # where the previous kept span ended before its joiners were cut
    for s, e, typ in spans:
        text = " ".join(words[s:e])
        lowercase = text.lower() == text and text.upper() != text
        if lowercase and (len(text) == 1 or (s > 0 and words[s - 1].lower() in _ARTICLES)):
            continue
        if all(_is_role(word) or word.lower() in _ARTICLES for word in words[s:e]):
            continue
        end = e
        while end > s and words[end - 1] in _NAME_JOINERS:
            end -= 1
        if end == s:
            continue
        if out and out[-1][2] == typ and trimmed_end == s and out[-1][1] == s - 1 and words[s - 1] in _NAME_LINKS:
            out[-1] = (out[-1][0], end, typ)
        else:
            out.append((s, end, typ))
        trimmed_end = e
    return out


# --- the model wrapper -----------------------------------------------------------------------------------------


def _label_type(label: str) -> tuple[str, str]:
    """("B"|"I"|"O", type) from a model label such as "B-PER", "I-ORG", "O" or a bare "PER"."""
    if label in ("O", "") or label.upper() == "OUTSIDE":
        return "O", ""
    if len(label) > 2 and label[1] in "-_" and label[0].upper() in "BIES":
        prefix = "B" if label[0].upper() in "BS" else "I"
        return prefix, label[2:]
    return "I", label


@dataclass
class _Window:
    doc: int
    words: list[tuple[int, int]]
    input_ids: list[int] = field(default_factory=list)
    word_ids: list[int | None] = field(default_factory=list)
    type_ids: list[int] = field(default_factory=list)
    starts_sentence: bool = True  # False for the later parts of a sentence cut into windows
    # Word indices where later sentences begin, when consecutive sentences share the window (``context_words``).
    sentence_starts: list[int] = field(default_factory=list)


class EntityModel:
    """A token-classification model that tags words of raw text with PERSON/ORG/LOC (or whatever its map says).

    Use :func:`default_model` for the shipped model, or :meth:`from_pretrained` for any Hugging Face
    token-classification model (offline unless downloads are allowed).
    """

    def __init__(
        self,
        tokenizer: Any,
        model: Any,
        labels: Sequence[str],
        *,
        name: str = "model",
        label_map: dict[str, str] | None = None,
        case_feature: str | None = None,
        quantized: bool = False,
        context_words: int = 0,
        languages: Sequence[str] | None = None,
    ) -> None:
        # A ``tokenizers.Tokenizer`` (the shipped model) or a transformers fast tokenizer (any other model).
        self._plain_tokenizer = hasattr(tokenizer, "encode_batch") and not hasattr(tokenizer, "is_fast")
        if not self._plain_tokenizer and not getattr(tokenizer, "is_fast", False):
            raise ModelError(f"{name}: a fast tokenizer is required (offsets and word ids); none was found.")
        self.tokenizer = tokenizer
        self.model = model
        self.labels = list(labels)
        self.name = name
        self.case_feature = case_feature
        self.quantized = quantized
        # A model trained on packed windows (see ``osintkit.entities.datasets.pack_sentences``) is run on them too:
        # consecutive sentences of a text share a window of up to this many words.
        self.context_words = context_words
        # What the model was trained on (ISO 639-1 codes), so the tagger can say when a text is outside it; None
        # when unknown (a Hugging Face model: many are multilingual).
        self.languages = tuple(languages) if languages else None
        self.label_map = {k.upper(): v for k, v in (label_map or DEFAULT_LABEL_MAP).items()}
        limit = int(getattr(model.config, "max_position_embeddings", 512) or 512)
        # 256 pieces keeps attention cheap; sentences longer than that are cut into windows at word boundaries.
        self.max_pieces = min(256, limit) - 2
        self._parsed = [_label_type(lab) for lab in self.labels]

    def __repr__(self) -> str:
        return f"EntityModel({self.name!r}, labels={self.labels})"

    @classmethod
    def from_pretrained(
        cls,
        name_or_path: str | os.PathLike[str],
        label_map: dict[str, str] | None = None,
        allow_download: bool = False,
    ) -> EntityModel:
        """Load a token-classification model by Hugging Face name or local path.

        A folder written by ``osintkit.entities.train`` (it holds ``entity-model.json``) loads as a hash-checked delta
        on the base encoder. Anything else goes to ``transformers``: from the local cache only, unless
        ``allow_download=True`` or the environment sets ``OSINTKIT_ALLOW_DOWNLOADS=1``. ``label_map`` maps the
        model's entity types (without B-/I-) onto osintkit labels; types it leaves out are dropped.
        """
        path = Path(name_or_path)
        if (path / MANIFEST_FILE).is_file():
            model = load_entity_model(path)
            if label_map is not None:
                model.label_map = {k.upper(): v for k, v in label_map.items()}
            return model
        allow = allow_download or os.environ.get(ALLOW_DOWNLOADS_ENV, "") in ("1", "true", "yes")
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        try:
            with hf_offline(not allow):
                tokenizer = AutoTokenizer.from_pretrained(str(name_or_path), local_files_only=not allow, use_fast=True)
                model = AutoModelForTokenClassification.from_pretrained(str(name_or_path), local_files_only=not allow)
        except (OSError, ValueError) as exc:
            if allow:
                raise ModelNotAvailableError(f"Could not load model {str(name_or_path)!r}: {exc}") from exc
            raise ModelNotAvailableError(
                f"Model {str(name_or_path)!r} is not on this machine and downloads are off. Pass "
                f"allow_download=True (--allow-download on the command line, or set {ALLOW_DOWNLOADS_ENV}=1) to "
                "fetch it from the Hugging Face Hub, or give the path of a local copy."
            ) from exc
        model.eval()
        id2label = model.config.id2label
        labels = [str(id2label[i]) for i in range(len(id2label))]
        return cls(tokenizer, model, labels, name=str(name_or_path), label_map=label_map)

    # -- inference --

    def _windows(self, doc: int, text: str) -> list[_Window]:
        from osintkit.entities.datasets import word_spans
        from osintkit.text import split_sentences

        out: list[_Window] = []
        for s, e in split_sentences(text):
            words = word_spans(text, s, e)
            if not words:
                continue
            last = out[-1] if out else None
            if (
                last is not None
                and len(words) <= 128
                and len(last.words) + len(words) <= self.context_words
                and last.starts_sentence
            ):
                last.sentence_starts.append(len(last.words))
                last.words.extend(words)
                continue
            # A pre-cap in words; windows still over the piece limit are halved after tokenising.
            for lo in range(0, len(words), 128):
                out.append(_Window(doc, words[lo : lo + 128], starts_sentence=lo == 0))
        return out

    def _encode_words(self, batch: list[list[str]]) -> list[tuple[list[int], list[int | None]]]:
        """(word-piece ids with [CLS]/[SEP], word index of each piece) for each list of words."""
        if self._plain_tokenizer:
            return [(e.ids, e.word_ids) for e in self.tokenizer.encode_batch(batch, is_pretokenized=True)]
        enc = self.tokenizer(batch, is_split_into_words=True, add_special_tokens=True, truncation=False)
        return [(enc["input_ids"][i], enc.word_ids(i)) for i in range(len(batch))]

    @property
    def pad_id(self) -> int:
        if self._plain_tokenizer:
            return int(self.model.config.pad_token_id)
        return int(self.tokenizer.pad_token_id or 0)

    def _tokenize(self, texts: Sequence[str], windows: list[_Window]) -> list[_Window]:
        pending = windows
        done: list[_Window] = []
        while pending:
            encoded = self._encode_words([[texts[w.doc][a:b] for a, b in w.words] for w in pending])
            again: list[_Window] = []
            for w, (ids, word_ids) in zip(pending, encoded, strict=True):
                if len(ids) > self.max_pieces + 2 and w.sentence_starts:
                    # Packed sentences over the limit: each goes back to a window of its own.
                    bounds = [0, *w.sentence_starts, len(w.words)]
                    again += [_Window(w.doc, w.words[a:b]) for a, b in itertools.pairwise(bounds)]
                    continue
                if len(ids) > self.max_pieces + 2 and len(w.words) > 1:
                    half = len(w.words) // 2
                    again += [
                        _Window(w.doc, w.words[:half], starts_sentence=w.starts_sentence),
                        _Window(w.doc, w.words[half:], starts_sentence=False),
                    ]
                    continue
                w.input_ids = ids[: self.max_pieces + 1] + ids[-1:] if len(ids) > self.max_pieces + 2 else ids
                w.word_ids = [*word_ids[: len(w.input_ids) - 1], None]
                if self.case_feature:
                    text = texts[w.doc]
                    flags = case_classes(
                        [text[a:b] for a, b in w.words], self.case_feature, w.starts_sentence, w.sentence_starts
                    )
                    w.type_ids = [0 if wid is None else flags[wid] for wid in w.word_ids]
                done.append(w)
            pending = again
        return done

    def predict(self, texts: Sequence[str], batch_size: int = 128) -> list[list[Mention]]:
        """Model mentions for each text (no rules, no gazetteer), offsets into that text."""
        import torch

        windows = [w for d, t in enumerate(texts) for w in self._windows(d, t)]
        windows = [w for w in windows if w.words]
        if windows:
            windows = self._tokenize(texts, windows)

        # Windows are sorted by length so a batch carries little padding. An int8 model pads every window to the next
        # multiple of INT8_WIDTH_STEP and batches it only with windows of that width: the int8 layers round, so even
        # the last-bit differences a wider attention makes could flip a rounding, and a sentence's tags would then
        # depend on its batch neighbours (a resumed or Dask run would not reproduce a local one). fp32 rows are
        # independent of the other rows, so fp32 batches just take the next windows by length.
        def width(w: _Window) -> int:
            n = len(w.input_ids)
            return -(-n // INT8_WIDTH_STEP) * INT8_WIDTH_STEP if self.quantized else n

        windows.sort(key=lambda w: (width(w), len(w.input_ids)))
        batches: list[list[_Window]] = []
        for w in windows:
            same_width = not self.quantized or (batches and width(batches[-1][0]) == width(w))
            # Windows are sorted by width, so this batch would be len + 1 windows of width(w) pieces.
            fits = batches and (len(batches[-1]) + 1) * width(w) <= MAX_BATCH_PIECES
            if batches and same_width and fits and len(batches[-1]) < batch_size:
                batches[-1].append(w)
            else:
                batches.append([w])
        results: list[list[Mention]] = [[] for _ in texts]
        pad = self.pad_id
        with torch.inference_mode():
            for batch in batches:
                padded = max(width(w) for w in batch)
                ids = torch.full((len(batch), padded), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), padded), dtype=torch.long)
                types = torch.zeros((len(batch), padded), dtype=torch.long)
                for r, w in enumerate(batch):
                    ids[r, : len(w.input_ids)] = torch.tensor(w.input_ids)
                    mask[r, : len(w.input_ids)] = 1
                    if w.type_ids:
                        types[r, : len(w.type_ids)] = torch.tensor(w.type_ids)
                inputs = {"input_ids": ids, "attention_mask": mask}
                if self.case_feature:
                    inputs["token_type_ids"] = types
                logp = torch.log_softmax(self.model(**inputs).logits.float(), dim=-1)
                best_l = logp.argmax(dim=-1).tolist()
                for r, w in enumerate(batch):
                    results[w.doc].extend(self._decode(texts[w.doc], w, best_l[r], logp[r]))
        for ms in results:
            ms.sort(key=lambda m: (m.start, -m.end))
        return results

    def word_labels(
        self, word_ids: Sequence[int | None], pred: list[int], logp: torch.Tensor
    ) -> tuple[list[int], list[int], list[int]]:
        """(word indices, their label indices, their first pieces' positions) for the words that have pieces.

        Each word's label is read on its first piece. ``pred`` is the per-piece argmax, ``logp`` the per-piece
        log-probabilities. A word the tokenizer drops entirely (a zero-width space, a lone control character) has
        no piece and no label, so callers place labels by word index, never by list position. The training
        script's dev evaluation decodes through this too, so its scores match the tagger's.
        """
        words: list[int] = []
        firsts: list[int] = []
        prev: int | None = None
        for pos, wid in enumerate(word_ids):
            if wid is not None and wid != prev:
                words.append(wid)
                firsts.append(pos)
            prev = wid
        labels = [pred[pos] for pos in firsts]
        if not self._valid(labels):
            labels = self._viterbi(logp[firsts].tolist())
        return words, labels, firsts

    def _decode(self, text: str, w: _Window, pred: list[int], logp: torch.Tensor) -> list[Mention]:
        words, labels, firsts = self.word_labels(w.word_ids, pred, logp)
        tags = ["O"] * len(w.words)
        conf = [0.0] * len(w.words)
        probs = logp[firsts, labels].exp().tolist() if labels else []
        for wid, lab, p in zip(words, labels, probs, strict=True):
            prefix, typ = self._parsed[lab]
            tags[wid] = "O" if prefix == "O" else f"{prefix}-{typ}"
            conf[wid] = p
        for i in w.sentence_starts:  # a name never runs on into the next sentence
            if tags[i].startswith("I-"):
                tags[i] = "B-" + tags[i][2:]
        from osintkit.entities.datasets import bio_spans

        out = []

        def bare(i: int) -> str | None:  # the word if it has no letter or digit ("." "&" "-"), else None
            word = text[w.words[i][0] : w.words[i][1]]
            return None if any(c.isalnum() for c in word) else word

        word_texts = [text[a:b] for a, b in w.words]
        for s, e, typ in tidy_spans(word_texts, bio_spans(repair_iob2(tags))):
            label = self.label_map.get(typ.upper())
            if label is None:
                continue
            # Punctuation never begins a name, and only a period or bracket can end one: the period of "Dr." came
            # out as the start of "Dr. Nner", the "&" of "Speed & Other Liberties" as the end of "Speed &". A
            # mention that is punctuation only is left alone (tweets' anonymised handles are a bare "@").
            if any(bare(i) is None for i in range(s, e)):
                while bare(s) is not None:
                    s += 1
                while bare(e - 1) not in (None, ".", ")", "]"):
                    e -= 1
            start, end = w.words[s][0], w.words[e - 1][1]
            score = sum(conf[s:e]) / (e - s)
            out.append(Mention(start, end, text[start:end], label, round(score, 4), "model"))
        return out

    @functools.cached_property
    def _may_follow(self) -> list[list[bool]]:
        """``[a][b]``: label b may follow label a. An I-X continues only an X entity, when the scheme has B-X."""
        begins = {typ for prefix, typ in self._parsed if prefix == "B"}
        return [
            [pb != "I" or tb not in begins or (ta == tb and pa != "O") for pb, tb in self._parsed]
            for pa, ta in self._parsed
        ]

    def _valid(self, labels: list[int]) -> bool:
        ok, start = self._may_follow, self._may_start
        return not labels or (start[labels[0]] and all(ok[a][b] for a, b in itertools.pairwise(labels)))

    @functools.cached_property
    def _may_start(self) -> list[bool]:
        o = next((i for i, (p, _) in enumerate(self._parsed) if p == "O"), None)
        return self._may_follow[o] if o is not None else [True] * len(self.labels)

    def _viterbi(self, rows: list[list[float]]) -> list[int]:
        """The most probable label sequence that is a valid entity sequence.

        Why: per-word argmax can produce "B-PER I-LOC I-ORG" over one name, which naive repair splits into three
        entities of different types. Runs only when the argmax sequence is invalid (it is optimal otherwise).
        """
        n_labels = len(self.labels)
        ok = self._may_follow
        score = [v if self._may_start[j] else -math.inf for j, v in enumerate(rows[0])]
        back: list[list[int]] = []
        for row in rows[1:]:
            ptr, new = [], []
            for b in range(n_labels):
                a = max((a for a in range(n_labels) if ok[a][b]), key=score.__getitem__, default=0)
                ptr.append(a)
                new.append(score[a] + row[b] if ok[a][b] else -math.inf)
            back.append(ptr)
            score = new
        best = max(range(n_labels), key=score.__getitem__)
        path = [best]
        for ptr in reversed(back):
            path.append(ptr[path[-1]])
        return path[::-1]


def _model_by_name(name: str) -> EntityModel:
    return EntityModel.from_pretrained(name)


def _resolve_model(model: EntityModel | str | os.PathLike[str] | None) -> EntityModel:
    if model is None:
        return default_model()
    if isinstance(model, EntityModel):
        return model
    return _model_by_name(str(model))


# --- merging model, rule and gazetteer mentions ----------------------------------------------------------------

_SOURCE_RANK = {"rule": 0, "gazetteer": 1, "model": 2}


def merge_mentions(*groups: Iterable[Mention]) -> list[Mention]:
    """Resolve overlaps between sources; the result is sorted by start.

    Policy: the longer span wins ("Russia's Far East" from the gazetteer replaces the model's "Russia" and "Far
    East"; the model's ORG "Ukrainian Security Service" keeps its "Ukrainian" over a NORP rule mention). On equal
    length a rule beats the gazetteer, which beats the model (rules are exact about their types, so the demonym
    "Iraqi" stays NORP even when the model calls it LOC); then the higher score wins. Rule mentions never displace
    each other (a QUANTITY may contain a NORP); the rules module keeps its own mentions consistent.
    """
    cands = [m for g in groups for m in g if m.end > m.start]
    cands.sort(key=lambda m: (-(m.end - m.start), _SOURCE_RANK.get(m.source, 3), -m.score, m.start))
    # Character coverage instead of comparing every pair: a document carries hundreds of mentions, and the pairwise
    # check was the slowest step after the model. A rule mention clashes only with kept non-rule mentions; any
    # other mention clashes with anything kept. An identical mention is a duplicate and dropped either way.
    size = max((m.end for m in cands), default=0)
    covered_by_any, covered_by_non_rule = bytearray(size), bytearray(size)
    seen: set[tuple[int, int, str, str]] = set()
    kept: list[Mention] = []
    for m in cands:
        key = (m.start, m.end, m.label, m.source)
        covered = covered_by_non_rule if m.source == "rule" else covered_by_any
        if key in seen or 1 in covered[m.start : m.end]:
            continue
        seen.add(key)
        kept.append(m)
        covered_by_any[m.start : m.end] = b"\x01" * (m.end - m.start)
        if m.source != "rule":
            covered_by_non_rule[m.start : m.end] = b"\x01" * (m.end - m.start)
    kept.sort(key=lambda m: (m.start, -m.end, m.label))
    return kept


def _optional(module: str, attr: str) -> Any:
    """A function from a sibling module that may not exist yet; None when the module itself is absent."""
    import importlib

    try:
        return getattr(importlib.import_module(module), attr)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise
    except AttributeError:
        return None


def _extra_mentions(text: str, published: str | None, rules: bool, gazetteer: bool) -> list[Mention]:
    out: list[Mention] = []
    if rules:
        rule_mentions = _optional("osintkit.entities.rules", "rule_mentions")
        if rule_mentions is not None:
            out.extend(rule_mentions(text, published=published))
    if gazetteer:
        find_toponyms = _optional("osintkit.geo", "find_toponyms")
        if find_toponyms is not None:
            out.extend(find_toponyms(text))
    return out


_METONYM_TYPES = frozenset({"country", "capital"})


def _relabel_metonyms(mentions: list[Mention]) -> None:
    """A country or capital named as an actor ("Pyongyang deployed 11,000 soldiers") is tagged LOC, not ORG.

    Why: news uses capitals for governments; the model, trained partly on such text, sometimes calls them ORG.
    CoNLL-style guidelines (and the geoparser, which resolves LOC) treat them as places. Only exact gazetteer
    names of countries and capitals are relabelled, so "Reuters" or "the Kremlin" are left alone.
    """
    geocoder = _optional("osintkit.geo", "OfflineGeocoder")
    if geocoder is None:
        return
    gc = _shared_geocoder(geocoder)
    for m in mentions:
        if m.label != "ORG" or m.source != "model" or len(m.text) > 40:
            continue
        hit = gc.geocode(m.text)
        raw = hit.raw if hit is not None else {}
        if raw.get("type") in _METONYM_TYPES and str(raw.get("name", "")).casefold() == m.text.casefold():
            m.label = "LOC"
            m.norm = {**m.norm, "relabelled_from": "ORG", "why": f"gazetteer {raw.get('type')}"}


@functools.lru_cache(maxsize=1)
def _shared_geocoder(cls: Any) -> Any:
    return cls()


def _text_of(item: str | Document) -> tuple[str, str | None, str | None]:
    if isinstance(item, Document):
        return item.text, item.published, item.id
    if isinstance(item, str):
        return item, None, None
    raise TypeError(f"tag() takes a str or a Document, not {type(item).__name__}")


_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _outside_languages(declared: Sequence[str | None], texts: Sequence[str], em: EntityModel) -> list[bool]:
    """Which texts are in a language the model was not trained on; warns, once per call, when any are.

    Why: an English model finds next to nothing in a Ukrainian Telegram post, and an empty result reads as "no one
    was named". The analyst should hear that the text was outside the model, not find out from a thin report.
    """
    from osintkit.entities.slavic import SLAVIC_LANGUAGES
    from osintkit.text import detect_language

    others: dict[str, int] = {}
    outside = []
    for lang, text in zip(declared, texts, strict=True):
        lang = lang or detect_language(text)
        foreign = lang is not None and lang.split("-")[0].lower() not in (em.languages or ())
        outside.append(foreign)
        # Russian and Ukrainian are read by osintkit.entities.slavic, so they are outside this model but not unread.
        if lang and foreign and lang.split("-")[0].lower() not in SLAVIC_LANGUAGES:
            others[lang] = others.get(lang, 0) + 1
    if others:
        import sys
        import warnings

        # Point the warning at the caller's line, however many of this module's functions lie between.
        frame, level = sys._getframe(1), 2
        while frame.f_back is not None and frame.f_code.co_filename == __file__:
            frame, level = frame.f_back, level + 1
        listed = ", ".join(f"{lang} ({n})" for lang, n in sorted(others.items(), key=lambda kv: -kv[1]))
        warnings.warn(
            f"{sum(others.values())} of {len(texts)} texts are in a language the entity model {em.name!r} was not "
            f"trained on ({', '.join(em.languages or ())}): {listed}. People, organisations and places in them will "
            "be missed (Ukrainian and Russian are read by natasha's model and the gazetteer), and the date and "
            "quantity rules read English too. For other languages, use a multilingual token-classification model: "
            "tag(..., model=NAME_OR_PATH) or `osintkit tag --model NAME_OR_PATH`.",
            LanguageWarning,
            stacklevel=level,
        )
    return outside


_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")


def _slavic_parts(text: str, declared: str | None) -> list[tuple[int, int, str | None]]:
    """Language runs of a text holding Cyrillic, the language set on those in Russian or Ukrainian and None on the
    rest; empty when no part is. Text without a Cyrillic letter is never looked at, so English input is unchanged."""
    from osintkit.entities.slavic import SLAVIC_LANGUAGES
    from osintkit.text import language_spans

    if not _CYRILLIC_LETTER.search(text):
        return []
    default = declared.split("-")[0].lower() if declared else None
    parts = [(s, e, lang if lang in SLAVIC_LANGUAGES else None) for s, e, lang in language_spans(text, default)]
    return parts if any(lang for _, _, lang in parts) else []


def _with_slavic_mentions(text: str, ms: list[Mention], parts: list[tuple[int, int, str | None]]) -> list[Mention]:
    """The English model's mentions outside the Russian and Ukrainian runs (and its Latin-script names inside
    them), with natasha's mentions of those runs."""
    from osintkit.entities.slavic import slavic_mentions

    runs = [(s, e, lang) for s, e, lang in parts if lang]
    kept = [m for m in ms if _LATIN_LETTER.search(m.text) or not any(s <= m.start < e for s, e, _ in runs)]
    for s, e, lang in runs:
        for m in slavic_mentions(text[s:e], lang or ""):
            m.start, m.end = m.start + s, m.end + s
            kept.append(m)
    return kept


def _slavic_model() -> str:
    from osintkit.entities.slavic import NER_MODEL

    return NER_MODEL


def tag_many(
    items: Iterable[str | Document],
    *,
    model: EntityModel | str | os.PathLike[str] | None = None,
    rules: bool = True,
    gazetteer: bool = True,
    published: str | None = None,
    batch_size: int = 128,
) -> list[list[Mention]]:
    """Tag many texts or Documents at once; each document's sentences are batched together.

    ``published`` (ISO date) anchors relative dates for plain strings; a Document's own ``published`` wins.
    Returns one mention list per input, each sorted by start, with ``doc_id`` set for Documents.
    """
    items = list(items)
    parsed = [_text_of(x) for x in items]
    em = _resolve_model(model)
    texts = [t for t, _, _ in parsed]
    declared = [x.language if isinstance(x, Document) else None for x in items]
    outside = _outside_languages(declared, texts, em) if em.languages else [False] * len(texts)
    slavic = [_slavic_parts(text, lang) if em.languages else [] for text, lang in zip(texts, declared, strict=True)]
    # The model reads a text's other runs only: in Russian and Ukrainian it would add noise and, on a CPU, cost ten
    # times natasha's time (Cyrillic falls apart into word pieces). A text with no such run goes in whole, as before.
    jobs = [(i, s, e) for i, p in enumerate(slavic) for s, e, lang in p if lang is None]
    jobs += [(i, 0, len(texts[i])) for i, p in enumerate(slavic) if not p]
    jobs.sort()
    model_out: list[list[Mention]] = [[] for _ in texts]
    found_by_job = em.predict([texts[i][s:e] for i, s, e in jobs], batch_size=batch_size)
    for (i, s, _), found in zip(jobs, found_by_job, strict=True):
        for m in found:
            m.start, m.end = m.start + s, m.end + s
        model_out[i].extend(found)
    results = []
    for (text, pub, doc_id), ms, foreign, parts in zip(parsed, model_out, outside, slavic, strict=True):
        if foreign:
            # In a language the model never saw, only its Latin-script names are worth keeping ("Reuters" in a
            # Ukrainian post); what it tags in Cyrillic or Arabic is noise ("Розвідка" as a place).
            ms = [m for m in ms if _LATIN_LETTER.search(m.text)]
        if parts:
            ms = _with_slavic_mentions(text, ms, parts)
        extra = _extra_mentions(text, pub or published, rules, gazetteer)
        if parts:
            # natasha reads a person where the gazetteer knows a town of that name ("Виноградов", "Гагарина"); in
            # Russian, its own language, the model, which sees the sentence, decides that tie. Not in Ukrainian, where
            # it calls "у Києві" a person.
            people = {
                (m.start, m.end)
                for m in ms
                if m.label == "PERSON" and m.norm.get("model") == _slavic_model() and m.norm.get("language") == "ru"
            }
            extra = [m for m in extra if m.source != "gazetteer" or (m.start, m.end) not in people]
        if gazetteer:
            _relabel_metonyms(ms)
        merged = merge_mentions(ms, extra)
        for m in merged:
            if doc_id is not None:
                m.doc_id = doc_id
        results.append(merged)
    return results


def tag(
    text_or_document: str | Document,
    *,
    model: EntityModel | str | os.PathLike[str] | None = None,
    rules: bool = True,
    gazetteer: bool = True,
    published: str | None = None,
    batch_size: int = 128,
) -> list[Mention]:
    """Entity mentions in one text or Document: PERSON/ORG/LOC from the model; DATE, QUANTITY, NORP, VESSEL, EVENT,
    LAW and AWARD from rules; curated regions from the gazetteer; overlaps resolved by :func:`merge_mentions`.
    Offsets index the text."""
    return tag_many(
        [text_or_document], model=model, rules=rules, gazetteer=gazetteer, published=published, batch_size=batch_size
    )[0]
