"""The plain-torch BERT that runs the shipped model: the same numbers as transformers, without its import cost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from osintkit.entities import default_model, embed
from osintkit.entities.bert import BertConfig, load_tokenizer, to_transformers
from osintkit.entities.encoder import EMBED_MAX_LENGTH, base_model_dir
from osintkit.entities.loading import MANIFEST_FILE, WEIGHTS_DIR
from osintkit.entities.model import int8_ranges
from osintkit.entities.quantise import calibration_sha256
from osintkit.errors import ModelError

SENTENCES = [
    "Ukraine captured two wounded North Korean soldiers in Russia 's Kursk region .".split(),
    ["Київ", ",", "Kiev", "or", "Kyiv", "?", "Zelenskyy", "said", "so", "on", "Saturday", "."],
    ["naïve", "café", "ＡＢＣ", "John", "Kirby", "of", "the", "White", "House", "National", "Security", "Council"],
    ["a"],
]


def test_word_pieces_match_transformers_fast_tokenizer() -> None:
    from transformers import AutoTokenizer

    base = base_model_dir()
    ours = [(e.ids, e.word_ids) for e in load_tokenizer(base).encode_batch(SENTENCES, is_pretokenized=True)]
    hf = AutoTokenizer.from_pretrained(str(base), local_files_only=True, use_fast=True)
    enc = hf(SENTENCES, is_split_into_words=True, truncation=False)
    assert ours == [(enc["input_ids"][i], enc.word_ids(i)) for i in range(len(SENTENCES))]


def test_tokenizer_does_not_truncate_long_sentences() -> None:
    """The stored tokenizer.json truncates at 128 pieces; the tagger makes its own windows, so that is switched off."""
    long = ["word"] * 300
    (enc,) = load_tokenizer(base_model_dir()).encode_batch([long], is_pretokenized=True)
    assert len(enc.ids) == 302


def test_logits_equal_transformers_bert_for_token_classification() -> None:
    em = default_model(quantize=False)
    hf = to_transformers(em.model, base_model_dir())
    encoded = em._encode_words(SENTENCES)
    ids = torch.nn.utils.rnn.pad_sequence([torch.tensor(i) for i, _ in encoded], batch_first=True)
    mask = torch.zeros_like(ids)
    for row, (pieces, _) in enumerate(encoded):
        mask[row, : len(pieces)] = 1
    types = torch.randint(0, 2, ids.shape, generator=torch.Generator().manual_seed(3)) * mask
    with torch.inference_mode():
        ours = em.model(input_ids=ids, attention_mask=mask, token_type_ids=types).logits
        theirs = hf(input_ids=ids, attention_mask=mask, token_type_ids=types).logits
    real = mask.bool()
    assert ours.shape == theirs.shape
    torch.testing.assert_close(ours[real], theirs[real], rtol=1e-5, atol=1e-5)
    assert ours[real].abs().max() > 1.0  # a trained head, not zeros


def test_embed_equals_transformers_mean_pooling() -> None:
    from transformers import AutoModel, AutoTokenizer

    sentences = ["Troops crossed the border.", "Київ і Kyiv", "", "word " * 400, "Kirby said 11,000 were sent."]
    ours = embed(sentences)
    base = str(base_model_dir())
    tok = AutoTokenizer.from_pretrained(base, local_files_only=True)
    model = AutoModel.from_pretrained(base, local_files_only=True).eval()
    enc = tok(sentences, padding=True, truncation=True, max_length=EMBED_MAX_LENGTH, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9), dim=1)
    np.testing.assert_allclose(ours, pooled.numpy(), rtol=1e-5, atol=1e-6)


def test_loading_the_tagger_imports_neither_transformers_nor_dynamo() -> None:
    """What keeps a fresh `osintkit tag` under its load-time target: the 3.5 s transformers import is not paid."""
    code = (
        "import sys; from osintkit.entities import default_model, embed; default_model(); embed(['a b']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'transformers' or m == 'torch._dynamo'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_stored_int8_ranges_match_a_fresh_calibration() -> None:
    """The int8 input ranges saved beside the delta are what calibrating the shipped model gives today."""
    manifest = json.loads((WEIGHTS_DIR / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["int8_calibration_sha256"] == calibration_sha256()
    fresh = int8_ranges(default_model(quantize=False))
    stored = manifest["int8_ranges"]
    assert set(stored) == set(fresh) and len(fresh) == 37  # 6 layers x 6 linears + the head
    for name, (lo, hi) in fresh.items():
        assert stored[name] == pytest.approx([lo, hi], rel=1e-4, abs=1e-5), name


def test_config_that_is_not_bert_is_refused(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "roberta"}), encoding="utf-8")
    with pytest.raises(ModelError, match="not a BERT"):
        BertConfig.from_file(tmp_path / "config.json")
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert", "hidden_size": 8}), encoding="utf-8")
    with pytest.raises(ModelError, match="lacks or mangles"):
        BertConfig.from_file(tmp_path / "config.json")
