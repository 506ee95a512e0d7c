"""The training script's warm start: a model continued from a saved one stores old and new adapters stacked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from osintkit.entities.loading import MANIFEST_FILE, WEIGHTS_DIR
from osintkit.entities.model import load_entity_model
from osintkit.training.lora import add_lora, export_delta, save_delta
from osintkit.training.train import is_trained, load_previous, stack_factors

TEXT = "Volodymyr Zelenskyy said on X that Ukraine captured two North Korean soldiers in Russia's Kursk region."


def _fresh_classifier():  # type: ignore[no-untyped-def]
    from transformers import AutoModelForTokenClassification
    from transformers.utils import logging as hf_logging

    from osintkit.entities.encoder import base_model_dir
    from osintkit.training.datasets import LABELS

    hf_logging.set_verbosity_error()
    return AutoModelForTokenClassification.from_pretrained(
        str(base_model_dir(verify=True)), local_files_only=True, num_labels=len(LABELS)
    )


def _logits(path: Path):  # type: ignore[no-untyped-def]
    em = load_entity_model(path, quantize=False)
    return em.predict([TEXT]), em


def _save_warm(model, previous, tmp: Path, rank: int, alpha: float, perturb: bool) -> Path:  # type: ignore[no-untyped-def]
    import torch

    for name, p in model.named_parameters():
        p.requires_grad = is_trained(name)
        if perturb and name.endswith("lora_B"):
            with torch.no_grad():
                p.normal_(0, 0.02)
    tensors, stacked = stack_factors(export_delta(model), previous, alpha / rank)
    meta = json.loads((WEIGHTS_DIR / MANIFEST_FILE).read_text(encoding="utf-8"))
    meta = {k: meta[k] for k in ("labels", "case_feature")} | {"rank": stacked, "alpha": float(stacked)}
    save_delta(tensors, meta, tmp)
    return tmp


def test_warm_start_before_any_step_stores_the_same_model(tmp_path: Path) -> None:
    model = _fresh_classifier()
    previous, _ = load_previous(model, WEIGHTS_DIR)
    assert len(previous) == 36  # 6 layers x 6 adapted linear layers
    add_lora(model, 8, 16.0)  # new B is zero: nothing has changed yet
    out = _save_warm(model, previous, tmp_path, 8, 16.0, perturb=False)
    assert json.loads((out / MANIFEST_FILE).read_text())["rank"] == 32 + 8
    shipped, em_a = _logits(WEIGHTS_DIR)
    warm, em_b = _logits(out)
    assert [(m.start, m.end, m.label) for m in warm[0]] == [(m.start, m.end, m.label) for m in shipped[0]]
    for (name, a), (_, b) in zip(em_a.model.state_dict().items(), em_b.model.state_dict().items(), strict=True):
        assert (a - b).abs().max() < 2e-3, name  # fp16 storage of the re-scaled factors


def test_stacked_factors_equal_the_trained_model(tmp_path: Path) -> None:
    import torch

    model = _fresh_classifier()
    previous, _ = load_previous(model, WEIGHTS_DIR)
    add_lora(model, 8, 16.0)
    out = _save_warm(model, previous, tmp_path, 8, 16.0, perturb=True)
    _, em = _logits(out)
    # The trained (wrapped) model's effective weight for one layer against the stored, merged one.
    layer = model.bert.encoder.layer[2].attention.self.query
    want = layer.base.weight + layer.scale * layer.lora_B @ layer.lora_A
    got = em.model.state_dict()["bert.encoder.layer.2.attention.self.query.weight"]
    assert torch.allclose(want.detach(), got, atol=2e-3)
    assert (
        want.detach()
        - load_entity_model(WEIGHTS_DIR, quantize=False).model.state_dict()[
            "bert.encoder.layer.2.attention.self.query.weight"
        ]
    ).abs().max() > 1e-2  # the perturbation is visible


def test_dev_evaluation_decodes_as_the_tagger_does() -> None:
    from transformers import AutoTokenizer

    from osintkit.entities.encoder import base_model_dir
    from osintkit.training.datasets import Sentence, bio_spans
    from osintkit.training.train import predict_tags

    texts = [
        TEXT,
        "John Kirby of the White House National Security Council said Pyongyang had sent 11,000 troops .",
        # The shipped model's per-word argmax is not a valid sequence here, so Viterbi decides (checked below).
        "Officials at the Pentagon and Voice of America said Kim Jong Un approved the deployment .",
    ]
    from osintkit.entities.spans import word_spans

    spans = [word_spans(t) for t in texts]
    sents = [
        Sentence([t[a:b] for a, b in ws], ["O"] * len(ws), "test", "doc") for t, ws in zip(texts, spans, strict=True)
    ]
    model = _fresh_classifier()
    load_previous(model, WEIGHTS_DIR)
    tokenizer = AutoTokenizer.from_pretrained(str(base_model_dir()), local_files_only=True, use_fast=True)
    case = json.loads((WEIGHTS_DIR / MANIFEST_FILE).read_text(encoding="utf-8"))["case_feature"]
    tags = predict_tags(model, tokenizer, sents, case_feature=case)
    tagger = load_entity_model(None, quantize=False)
    viterbi_runs: list[int] = []

    def counting_viterbi(rows: list[list[float]]) -> list[int]:
        viterbi_runs.append(1)
        return type(tagger.decoder).viterbi(tagger.decoder, rows)

    tagger.decoder.viterbi = counting_viterbi  # type: ignore[method-assign]
    tagger.predict([texts[-1]])
    assert viterbi_runs, "the last sentence no longer exercises the constrained decoding; pick another"
    for ws, text, seq in zip(spans, texts, tags, strict=True):
        got = {(ws[a][0], ws[b - 1][1], t) for a, b, t in bio_spans(seq)}
        want = {(m.start, m.end, m.label.replace("PERSON", "PER")) for m in tagger.predict([text])[0]}
        assert got == want and want, text


def test_manifest_records_no_machine_folders() -> None:
    import argparse

    from osintkit.training.train import _portable_args

    args = argparse.Namespace(data="/work/shared/data", out="/tmp/run", init_from="/tmp/r6/weights", epochs=4.0)
    assert _portable_args(args) == {"init_from": "weights", "epochs": 4.0}
    shipped = json.loads((WEIGHTS_DIR / MANIFEST_FILE).read_text(encoding="utf-8"))
    for run in [shipped, *shipped.get("earlier_runs", [])]:
        recorded = json.dumps(run.get("train_args", {}))
        assert "/work/" not in recorded and "/tmp/" not in recorded, recorded


def test_o_means_o_or_misc_only_in_sets_that_do_not_mark_misc() -> None:
    from transformers import AutoTokenizer

    from osintkit.entities.encoder import base_model_dir
    from osintkit.training.datasets import MISC_LABELS, Sentence
    from osintkit.training.train import O_OR_MISC, encode

    tokenizer = AutoTokenizer.from_pretrained(str(base_model_dir()), local_files_only=True, use_fast=True)
    words = ["Ottawa", "won", "the", "Stanley", "Cup"]
    tags = ["B-LOC", "O", "O", "B-MISC", "I-MISC"]
    marked, unmarked = encode(
        tokenizer,
        [Sentence(words, tags, "wikigold", "d"), Sentence(words, ["B-LOC", "O", "O", "O", "O"], "wikiann", "d")],
        64,
        "case4",
        MISC_LABELS,
    )
    first = [x for x in marked["labels"] if x != -100]
    assert first == [MISC_LABELS.index(t) for t in tags]
    assert [x for x in unmarked["labels"] if x != -100] == [MISC_LABELS.index("B-LOC"), *[O_OR_MISC] * 4]
    plain = encode(tokenizer, [Sentence(words, ["B-LOC", "O", "O", "O", "O"], "wikiann", "d")], 64, "case4")[0]
    assert O_OR_MISC not in plain["labels"]  # without MISC among the labels, O is plain O everywhere


def test_partial_label_loss() -> None:
    import torch
    import torch.nn.functional as F

    from osintkit.training.datasets import MISC_LABELS
    from osintkit.training.train import O_OR_MISC, partial_label_loss

    either = [MISC_LABELS.index(x) for x in ("O", "B-MISC", "I-MISC")]
    logits = torch.randn(2, 5, len(MISC_LABELS))
    hard = torch.tensor([[1, 0, -100, 3, 7], [0, 0, 8, -100, -100]])
    # With no "O or MISC" positions it is the usual cross-entropy.
    want = F.cross_entropy(logits.view(-1, len(MISC_LABELS)), hard.view(-1), ignore_index=-100)
    assert torch.allclose(partial_label_loss(logits, hard, either), want)
    # A word the model calls MISC costs little where O or MISC is accepted, and much where O is required.
    misc_word = torch.full((1, 1, len(MISC_LABELS)), -5.0)
    misc_word[0, 0, MISC_LABELS.index("B-MISC")] = 5.0
    soft = partial_label_loss(misc_word, torch.tensor([[O_OR_MISC]]), either)
    strict = partial_label_loss(misc_word, torch.tensor([[0]]), either)
    assert soft < 0.01 < 5 < strict


def test_packed_windows_count_as_the_sentences_they_hold() -> None:
    import random

    from osintkit.training.datasets import Sentence, pack_sentences
    from osintkit.training.train import batches, draw_epoch, sentence_count

    article = [Sentence(["Word", "."], ["O", "O"], "gmb", f"gmb-{i}") for i in range(100)]  # 4 blocks of 25
    pool = pack_sentences(article, 10)
    assert [sentence_count(s) for s in pool] == [5] * 20 and all(s.starts == [0, 2, 4, 6, 8] for s in pool)
    epoch = draw_epoch({"gmb": pool}, {"gmb": 40}, random.Random(1))
    assert [sentence_count(s) for s in epoch] == [5] * 8  # 40 sentences, in 8 windows
    items = [{"input_ids": [0] * (3 + i % 5)} for i in range(len(epoch))]
    groups = batches(items, 16, random.Random(1), [sentence_count(s) for s in epoch])
    assert [len(g) for g in groups] == [4, 4]  # at least 16 sentences a batch: 4 windows of 5
    assert sorted(i for g in groups for i in g) == list(range(len(epoch)))


def test_upsample_option_is_checked_and_applied() -> None:
    import random

    from osintkit.training.datasets import Sentence
    from osintkit.training.train import draw_epoch, parse_upsample

    assert parse_upsample("wikigold=6, re3d=2") == {"wikigold": 6, "re3d": 2}
    for bad in ("conll=2", "wikigold=0", "wikigold"):
        with pytest.raises(SystemExit, match="--upsample"):
            parse_upsample(bad)
    pool = [Sentence(["A"], ["O"], "wikigold", f"w{i}") for i in range(3)]
    assert len(draw_epoch({"wikigold": pool}, {"wikigold": None}, random.Random(0))) == 9  # default: 3 times
    assert len(draw_epoch({"wikigold": pool}, {"wikigold": None}, random.Random(0), {"wikigold": 6})) == 18
