"""The entity model: a token classifier that labels the words of raw text, and the loaders of the shipped one.

The network is :mod:`osintkit.entities.bert`, a plain-torch BERT tested equal to transformers' own; its weights come
hash-checked through :mod:`osintkit.entities.loading`, its linear layers run in int8 (:mod:`osintkit.entities.quantise`)
and its labels are decoded by :mod:`osintkit.entities.decoding`.

Tagging works on words, not word pieces: the text is split into sentences (``osintkit.text.split_sentences``),
sentences into words (:func:`osintkit.entities.spans.word_spans`, each a character span of the original text), the
words are fed to the model pre-split and each word takes the label of its first word piece. Mention offsets are
therefore always spans of the original text and ``mention.text == text[start:end]`` holds by construction; the
uncased encoder never gets to rewrite the text.
"""

from __future__ import annotations

import copy
import functools
import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from osintkit.entities.decoding import LabelDecoder
from osintkit.entities.encoder import hf_offline
from osintkit.entities.loading import (
    MANIFEST_FILE,
    SHIPPED_DELTA_SHA256,
    SHIPPED_MANIFEST_SHA256,
    WEIGHTS_DIR,
    assemble,
)
from osintkit.entities.quantise import (
    INT8_WIDTH_STEP,
    calibration_sha256,
    calibration_texts,
    linear_input_ranges,
    quantize_linears,
)
from osintkit.entities.spans import bio_spans, repair_iob2, tidy_spans, word_spans
from osintkit.errors import ModelError, ModelIntegrityError, ModelNotAvailableError
from osintkit.model import Mention
from osintkit.text import split_sentences

if TYPE_CHECKING:
    import torch

__all__ = [
    "CASE_FEATURES",
    "DEFAULT_LABEL_MAP",
    "EntityModel",
    "case_classes",
    "default_model",
    "int8_ranges",
    "load_entity_model",
    "quantize_int8",
]

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


# A batch holds at most this many word pieces (padding included), so long sentences come in smaller batches and
# peak memory does not grow with the longest sentence a corpus happens to contain.
MAX_BATCH_PIECES = 1024


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
        # A model trained on packed windows (see ``osintkit.training.datasets.pack_sentences``) is run on them too:
        # consecutive sentences of a text share a window of up to this many words.
        self.context_words = context_words
        # What the model was trained on (ISO 639-1 codes), so the tagger can say when a text is outside it; None
        # when unknown (a Hugging Face model: many are multilingual).
        self.languages = tuple(languages) if languages else None
        self.label_map = {k.upper(): v for k, v in (label_map or DEFAULT_LABEL_MAP).items()}
        limit = int(getattr(model.config, "max_position_embeddings", 512) or 512)
        # 256 pieces keeps attention cheap; sentences longer than that are cut into windows at word boundaries.
        self.max_pieces = min(256, limit) - 2
        self.decoder = LabelDecoder(self.labels)

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

        A folder written by ``osintkit.training.train`` (it holds ``entity-model.json``) loads as a hash-checked delta
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
        """(word indices, label indices, first-piece positions): see :meth:`LabelDecoder.word_labels`."""
        return self.decoder.word_labels(word_ids, pred, logp)

    def _decode(self, text: str, w: _Window, pred: list[int], logp: torch.Tensor) -> list[Mention]:
        words, labels, firsts = self.word_labels(w.word_ids, pred, logp)
        tags = ["O"] * len(w.words)
        conf = [0.0] * len(w.words)
        probs = logp[firsts, labels].exp().tolist() if labels else []
        for wid, lab, p in zip(words, labels, probs, strict=True):
            prefix, typ = self.decoder.parsed[lab]
            tags[wid] = "O" if prefix == "O" else f"{prefix}-{typ}"
            conf[wid] = p
        for i in w.sentence_starts:  # a name never runs on into the next sentence
            if tags[i].startswith("I-"):
                tags[i] = "B-" + tags[i][2:]
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


def int8_ranges(em: EntityModel, calibration: Sequence[str] | None = None) -> dict[str, tuple[float, float]]:
    """The input range of each linear layer of ``em`` (fp32) over ``calibration`` texts (default: the shipped set)."""
    texts = calibration_texts(calibration)
    return linear_input_ranges(em.model, lambda: em.predict(texts))


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
    from torch import nn

    linears = {name for name, m in em.model.named_modules() if isinstance(m, nn.Linear)}
    if ranges is None or set(ranges) != linears:
        ranges = int8_ranges(em, calibration)
    qmodel = quantize_linears(em.model, ranges, inplace=inplace)
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
    tokenizer, model, labels, manifest = assemble(weights_dir, sha256, manifest_sha256)
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


@functools.lru_cache(maxsize=2)
def _default_model(quantize: bool = True) -> EntityModel:
    return _load(WEIGHTS_DIR, SHIPPED_DELTA_SHA256, "osintkit-minilm-ner", quantize, SHIPPED_MANIFEST_SHA256)


def default_model(quantize: bool = True) -> EntityModel:
    """The shipped entity model, loaded once per process: int8 linear layers, or fp32 with ``quantize=False``."""
    return _default_model(quantize)
