"""The shipped entity model and the tagger: integrity checks, exact offsets, offline behaviour, merge policy."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osintkit.entities import EntityModel, default_model, embed, load_entity_model, merge_mentions, tag, tag_many
from osintkit.entities.decoding import LabelDecoder
from osintkit.entities.encoder import (
    BASE_FILES_SHA256,
    BASE_MODEL_SHA256,
    base_model_dir,
    file_sha256,
    hf_offline,
    verify_base_files,
    verify_file,
)
from osintkit.entities.loading import (
    DELTA_FILE,
    MANIFEST_FILE,
    SHIPPED_DELTA_SHA256,
    SHIPPED_MANIFEST_SHA256,
    WEIGHTS_DIR,
    assemble,
    manifest_digest,
    seal_manifest,
)
from osintkit.entities.spans import tidy_spans, word_spans
from osintkit.errors import LanguageWarning, ModelError, ModelIntegrityError, ModelNotAvailableError
from osintkit.model import Document, Mention
from osintkit.text import split_sentences


@pytest.fixture
def weights_copy(tmp_path: Path) -> Path:
    """The shipped weight files copied aside, so tests can damage them without touching the installed package."""
    dest = tmp_path / "weights"
    dest.mkdir()
    for name in (DELTA_FILE, MANIFEST_FILE):
        shutil.copyfile(WEIGHTS_DIR / name, dest / name)
    return dest


def _edit_manifest(folder: Path, reseal: bool, **changes: object) -> Path:
    path = folder / MANIFEST_FILE
    manifest = {**json.loads(path.read_text(encoding="utf-8")), **changes}
    path.write_text(json.dumps(seal_manifest(manifest) if reseal else manifest), encoding="utf-8")
    return path


def _flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


# --- integrity ---------------------------------------------------------------------------------------------------


def test_shipped_delta_matches_pinned_hash() -> None:
    assert SHIPPED_DELTA_SHA256, "the shipped model's SHA-256 must be pinned in osintkit.entities.loading"
    assert file_sha256(WEIGHTS_DIR / DELTA_FILE) == SHIPPED_DELTA_SHA256
    manifest = json.loads((WEIGHTS_DIR / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["delta_sha256"] == SHIPPED_DELTA_SHA256
    assert manifest["base_sha256"] == BASE_MODEL_SHA256


def test_shipped_delta_is_small() -> None:
    assert (WEIGHTS_DIR / DELTA_FILE).stat().st_size < 5 * 1024 * 1024


def test_copy_of_shipped_model_loads(weights_copy: Path) -> None:
    model = load_entity_model(weights_copy)
    assert model.labels[0] == "O" and "B-PER" in model.labels


def test_corrupted_delta_is_refused(weights_copy: Path) -> None:
    delta = weights_copy / DELTA_FILE
    _flip_byte(delta, delta.stat().st_size // 2)
    with pytest.raises(ModelIntegrityError) as err:
        load_entity_model(weights_copy)
    msg = str(err.value)
    assert SHIPPED_DELTA_SHA256 in msg and str(delta) in msg and "expected" in msg


def test_swapped_delta_is_refused_even_with_a_matching_manifest(weights_copy: Path) -> None:
    """Someone swaps the file and rewrites the manifest to match: the hash pinned in code still refuses it."""
    from safetensors.torch import load_file, save_file

    delta = weights_copy / DELTA_FILE
    tensors = load_file(str(delta))
    tensors["classifier.bias"] = tensors["classifier.bias"] + 1.0
    save_file(tensors, str(delta))
    _edit_manifest(weights_copy, reseal=True, delta_sha256=file_sha256(delta))
    load_entity_model(weights_copy)  # self-consistent folder: accepted when no hash is pinned
    with pytest.raises(ModelIntegrityError):
        assemble(weights_copy, SHIPPED_DELTA_SHA256)


def test_manifest_for_another_base_is_refused(weights_copy: Path) -> None:
    _edit_manifest(weights_copy, reseal=True, base_sha256="0" * 64)
    with pytest.raises(ModelIntegrityError, match="base encoder"):
        load_entity_model(weights_copy)


def test_shipped_manifest_is_pinned_and_sealed() -> None:
    path = WEIGHTS_DIR / MANIFEST_FILE
    assert file_sha256(path) == SHIPPED_MANIFEST_SHA256
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert manifest["manifest_sha256"] == manifest_digest(manifest)
    assert manifest["base_files_sha256"] == BASE_FILES_SHA256
    assert {"config.json", "tokenizer.json", "vocab.txt"} <= set(BASE_FILES_SHA256)


def _swap_person_and_org(labels: list[str]) -> list[str]:
    swap = {"B-PER": "B-ORG", "I-PER": "I-ORG", "B-ORG": "B-PER", "I-ORG": "I-PER"}
    return [swap.get(label, label) for label in labels]


_SHIPPED = json.loads((WEIGHTS_DIR / MANIFEST_FILE).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "changes",
    [
        {"labels": _swap_person_and_org(_SHIPPED["labels"])},
        {"alpha": 64.0},
        {"case_feature": "token_type"},
        {"int8_ranges": {**_SHIPPED["int8_ranges"], "classifier": [-1.0, 1.0]}},
        {"manifest_sha256": None},
    ],
    ids=["swapped-labels", "scale", "case-feature", "int8-range", "no-seal"],
)
def test_edited_manifest_is_refused(weights_copy: Path, changes: dict[str, object]) -> None:
    path = _edit_manifest(weights_copy, reseal=False, **changes)
    with pytest.raises(ModelIntegrityError, match="manifest_sha256") as err:
        load_entity_model(weights_copy)
    assert str(path) in str(err.value)


def test_swapped_labels_resealed_are_refused_by_the_pin(weights_copy: Path) -> None:
    """Someone swaps PER and ORG and reseals the manifest: the folder is self-consistent, and it does tag John
    Kirby as an organisation, so only the hash pinned in code can catch it (as it does for the shipped model)."""
    path = _edit_manifest(weights_copy, reseal=True, labels=_swap_person_and_org(_SHIPPED["labels"]))
    swapped = load_entity_model(weights_copy)
    kirby = [m for m in swapped.predict(["John Kirby spoke in Washington."])[0] if m.text == "John Kirby"]
    assert [m.label for m in kirby] == ["ORG"]
    with pytest.raises(ModelIntegrityError, match=SHIPPED_MANIFEST_SHA256) as err:
        assemble(weights_copy, SHIPPED_DELTA_SHA256, SHIPPED_MANIFEST_SHA256)
    assert str(path) in str(err.value) and "labels" in str(err.value)
    intact = [m.label for m in default_model().predict(["John Kirby spoke in Washington."])[0]]
    assert intact[0] == "PERSON"


def test_manifest_trained_on_another_tokenizer_is_refused(weights_copy: Path) -> None:
    path = weights_copy / MANIFEST_FILE
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["base_files_sha256"] = {**manifest["base_files_sha256"], "tokenizer.json": "1" * 64}
    manifest["manifest_sha256"] = manifest_digest(manifest)  # a consistent seal over the foreign tokenizer hash
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match=r"tokenizer\.json"):
        load_entity_model(weights_copy)


@pytest.mark.parametrize("name", ["config.json", "tokenizer.json", "vocab.txt"])
def test_changed_base_tokenizer_or_config_is_refused(tmp_path: Path, name: str) -> None:
    installed = base_model_dir()
    copy_dir = tmp_path / "base"
    copy_dir.mkdir()
    for file in BASE_FILES_SHA256:
        if file == "model.safetensors":
            (copy_dir / file).symlink_to(installed / file)  # 90 MB, unchanged: no need to copy it
        else:
            shutil.copyfile(installed / file, copy_dir / file)
    verify_base_files(copy_dir)  # the intact copy passes
    target = copy_dir / name
    target.write_text(target.read_text(encoding="utf-8").replace("1", "2", 1), encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match=BASE_FILES_SHA256[name]) as err:
        verify_base_files(copy_dir)
    assert str(target) in str(err.value)


def test_missing_weights_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ModelNotAvailableError, match="train"):
        load_entity_model(tmp_path)


def test_corrupted_base_encoder_copy_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "model.safetensors"
    shutil.copyfile(base_model_dir() / "model.safetensors", copy)
    verify_file(copy, BASE_MODEL_SHA256, what="copy", remedy="n/a")  # intact copy passes
    _flip_byte(copy, 1000)
    with pytest.raises(ModelIntegrityError, match=BASE_MODEL_SHA256):
        verify_file(copy, BASE_MODEL_SHA256, what="Base encoder weights", remedy="reinstall")


# --- offline behaviour -------------------------------------------------------------------------------------------


def test_unknown_model_offline_is_not_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OSINTKIT_ALLOW_DOWNLOADS", raising=False)
    with pytest.raises(ModelNotAvailableError, match="allow_download=True"):
        EntityModel.from_pretrained("osintkit-test/no-such-model-anywhere")


# pytest-socket's guard (conftest) blocks connect() to non-loopback hosts, but a DNS lookup never creates a Python
# socket, so it passes that guard unseen. This guard records name lookups and connections of any kind, loopback
# included, in a fresh interpreter: the hub client decides whether to call home when it is imported and first used,
# which an in-process test that already imported it would not see.
_GUARDED_RUN = r"""
import atexit, json, socket, sys

attempts = []

def _blocked(name):
    def refuse(*args, **kwargs):
        attempts.append([name, repr(args[:2])[:200]])
        raise socket.gaierror(f"network blocked by the test guard: {name}")
    return refuse

for _name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "create_connection"):
    setattr(socket, _name, _blocked(_name))
for _name in ("connect", "connect_ex", "sendto"):
    setattr(socket.socket, _name, _blocked("socket." + _name))
log_path = sys.argv[1]
atexit.register(lambda: open(log_path, "w").write(json.dumps(attempts)))
sys.argv = ["osintkit", *sys.argv[2:]]
from osintkit.cli import main
main()
"""


def _guarded_cli(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.pop("OSINTKIT_ALLOW_DOWNLOADS", None)
    env["HF_HOME"] = str(tmp_path / "hf-home")  # an empty cache: the model can only come from the hub
    log = tmp_path / "attempts.json"
    cmd = [sys.executable, "-c", _GUARDED_RUN, str(log), *args]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    return result, json.loads(log.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_cli_model_without_download_makes_no_network_call(tmp_path: Path) -> None:
    post = tmp_path / "post.txt"
    post.write_text("Angela Merkel visited Paris.", encoding="utf-8")
    result, attempts = _guarded_cli(tmp_path, "tag", str(post), "--model", "osintkit-test/no-such-model")
    assert attempts == [], f"the Hugging Face client reached for the network: {attempts}"
    assert result.returncode != 0
    assert "downloads are off" in result.stderr and "--allow-download" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_cli_guard_sees_the_hub_client_when_downloads_are_allowed(tmp_path: Path) -> None:
    """The control for the test above: with --allow-download the same guard catches the hub client reaching out,
    so an empty attempt list there means the switch worked, not that the guard was blind."""
    post = tmp_path / "post.txt"
    post.write_text("Angela Merkel visited Paris.", encoding="utf-8")
    result, attempts = _guarded_cli(
        tmp_path, "tag", str(post), "--model", "osintkit-test/no-such-model", "--allow-download"
    )
    assert any("huggingface.co" in call for _, call in attempts), attempts
    assert result.returncode != 0 and "Traceback" not in result.stderr


@pytest.mark.slow
def test_cli_local_hugging_face_model_tags_offline_without_network(tmp_path: Path) -> None:
    """The offline switch must not stop a model already on disk: a transformers folder (the shipped network saved
    in transformers' format) tags through `osintkit tag --model FOLDER` with every socket and DNS lookup refused."""
    from osintkit.entities.bert import to_transformers

    shipped = load_entity_model(quantize=False)
    base = base_model_dir()
    hf = to_transformers(shipped.model, base)
    hf.config.id2label = dict(enumerate(shipped.labels))
    hf.config.label2id = {label: i for i, label in enumerate(shipped.labels)}
    folder = tmp_path / "hf-model"
    hf.save_pretrained(folder)
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"):
        shutil.copyfile(base / name, folder / name)
    post = tmp_path / "post.txt"
    post.write_text("Angela Merkel visited Paris and met officials of France.", encoding="utf-8")
    result, attempts = _guarded_cli(tmp_path, "tag", str(post), "--model", str(folder), "--no-rules", "--no-gazetteer")
    assert attempts == [], attempts
    assert result.returncode == 0, result.stderr
    found = {(r["text"], r["label"]) for r in map(json.loads, result.stdout.splitlines())}
    assert ("Paris", "LOC") in found and ("France", "LOC") in found


def test_hf_offline_sets_and_restores_the_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "0")
    before = constants.HF_HUB_OFFLINE
    with hf_offline():
        assert constants.is_offline_mode() is True
        assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert constants.HF_HUB_OFFLINE == before
    assert "HF_HUB_OFFLINE" not in os.environ and os.environ["TRANSFORMERS_OFFLINE"] == "0"
    with hf_offline(False):
        assert constants.HF_HUB_OFFLINE == before


def test_tag_with_unknown_model_name_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OSINTKIT_ALLOW_DOWNLOADS", raising=False)
    with pytest.raises(ModelNotAvailableError, match="OSINTKIT_ALLOW_DOWNLOADS"):
        tag("Angela Merkel visited Paris.", model="osintkit-test/another-missing-model")


# --- tagging -----------------------------------------------------------------------------------------------------


def test_tags_people_places_organisations() -> None:
    text = "Angela Merkel met officials from the United Nations in Paris on Monday."
    found = {(m.text, m.label) for m in tag(text, rules=False, gazetteer=False)}
    assert ("Angela Merkel", "PERSON") in found
    assert ("United Nations", "ORG") in found
    assert ("Paris", "LOC") in found


def test_document_sets_doc_id_and_published() -> None:
    doc = Document(
        id="doc-1",
        text="On Saturday, Emmanuel Macron spoke in Berlin.",
        sha256="0" * 64,
        loader="test",
        retrieved="2025-01-12T00:00:00Z",
        published="2025-01-12",
    )
    mentions = tag(doc)
    assert mentions and all(m.doc_id == "doc-1" for m in mentions)
    assert any(m.label == "PERSON" and m.text == "Emmanuel Macron" for m in mentions)


def test_tag_many_matches_tag_one_by_one() -> None:
    texts = [
        "Joe Biden flew to Tokyo.",
        "",
        "   \n\n  ",
        "The World Health Organization warned Brazil.\nNew line: Boris Johnson in London.",
    ]
    together = tag_many(texts, rules=False, gazetteer=False)
    alone = [tag(t, rules=False, gazetteer=False) for t in texts]
    assert [[(m.start, m.end, m.label) for m in ms] for ms in together] == [
        [(m.start, m.end, m.label) for m in ms] for ms in alone
    ]
    assert together[1] == [] and together[2] == []


def test_long_text_without_sentence_breaks_is_windowed() -> None:
    """Far past the model's 512-piece limit in one 'sentence': every part still gets tagged."""
    chunk = "and then Angela Merkel went to Paris "
    text = chunk * 300
    mentions = tag(text, rules=False, gazetteer=False)
    people = [m for m in mentions if m.label == "PERSON"]
    assert len(people) > 250
    assert all(text[m.start : m.end] == m.text for m in mentions)


def _check_offsets(text: str, mentions: list[Mention]) -> None:
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert m.text == m.text.strip()
        assert m.source in {"model", "rule", "gazetteer"}
    starts = [m.start for m in mentions]
    assert starts == sorted(starts)


_pieces = st.sampled_from(
    [
        "Volodymyr Zelenskyy",
        " visited ",
        "Kyiv",
        "Россия",
        "Zürich",
        "İstanbul",
        "ﬁnance",
        "e\u0301",
        "\u200b",
        "\u00a0",
        "\t",
        "\n\n",
        "\r\n",
        "U.S.",
        "Russia’s",
        "’s",
        "11,000",
        "🙂",
        ". ",
        "“quote”",
        "Mr.",
        "北京",
        "\x00",
        "ǅ",
        "ß",
        "İİİ",
    ]
)
_texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(_pieces, st.text(max_size=8)), max_size=60).map("".join),
)


@pytest.mark.filterwarnings("ignore::osintkit.errors.LanguageWarning")  # arbitrary text may read as Portuguese
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts)
def test_offsets_always_slice_to_mention_text(text: str) -> None:
    _check_offsets(text, tag(text))


@pytest.mark.filterwarnings("ignore::osintkit.errors.LanguageWarning")  # arbitrary text may read as Portuguese
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_texts, max_size=4), st.integers(min_value=1, max_value=5))
def test_offsets_hold_in_batches(texts: list[str], repeat: int) -> None:
    long = [t * repeat for t in texts]
    for text, mentions in zip(long, tag_many(long, batch_size=3), strict=True):
        _check_offsets(text, mentions)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_word_spans_cover_every_visible_character(text: str) -> None:
    spans = word_spans(text)
    covered = "".join(text[s:e] for s, e in spans)
    assert covered == "".join(ch for ch in text if not ch.isspace())
    assert all(s < e for s, e in spans)


# --- merge policy --------------------------------------------------------------------------------------------------


def _m(start: int, end: int, label: str, source: str, score: float = 0.9) -> Mention:
    text = "Ukrainian Security Service in Russia's Far East and Iraqi forces; 4,000 North Korean soldiers"
    return Mention(start, end, text[start:end], label, score, source)


def test_merge_gazetteer_region_replaces_model_locations() -> None:
    merged = merge_mentions([_m(30, 36, "LOC", "model"), _m(39, 47, "LOC", "model")], [_m(30, 47, "LOC", "gazetteer")])
    assert [(m.text, m.source) for m in merged] == [("Russia's Far East", "gazetteer")]


def test_merge_rule_norp_beats_model_on_same_span() -> None:
    merged = merge_mentions([_m(52, 57, "LOC", "model", 0.99)], [_m(52, 57, "NORP", "rule", 0.8)])
    assert [(m.text, m.label) for m in merged] == [("Iraqi", "NORP")]


def test_merge_longer_model_org_keeps_its_demonym() -> None:
    merged = merge_mentions([_m(0, 26, "ORG", "model")], [_m(0, 9, "NORP", "rule")])
    assert [(m.text, m.label) for m in merged] == [("Ukrainian Security Service", "ORG")]


def test_merge_keeps_nested_rule_mentions() -> None:
    rules = [_m(66, 71, "QUANTITY", "rule"), _m(72, 84, "NORP", "rule"), _m(66, 93, "QUANTITY", "rule")]
    merged = merge_mentions([], rules)
    assert len(merged) == 3
    assert [m.start for m in merged] == sorted(m.start for m in merged)


# --- base encoder embeddings ---------------------------------------------------------------------------------------


def test_embed_is_normalised_and_meaningful() -> None:
    vecs = embed(["Troops crossed the border.", "Soldiers crossed the frontier.", "The recipe needs two eggs.", ""])
    assert vecs.shape == (4, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2
    assert embed([]).shape == (0, 384)


def test_default_model_is_cached() -> None:
    assert default_model() is default_model()


@pytest.mark.parametrize("quantize", [False, True], ids=["fp32", "int8"])
def test_a_documents_tags_do_not_depend_on_its_batch_neighbours(seed_text: str, quantize: bool) -> None:
    from osintkit.entities import tag_many
    from osintkit.entities.model import default_model

    model = default_model(quantize=quantize)
    others = ["Short note from Lviv.", "Reuters reported heavy shelling in Kharkiv on Monday. " * 12]
    alone = tag_many([seed_text], model=model)[0]
    together = tag_many([others[0], seed_text, others[1]], model=model)[1]
    # Scores too: a resumed or Dask run must store exactly what a local run stores.
    assert [(m.start, m.end, m.label, m.score) for m in alone] == [(m.start, m.end, m.label, m.score) for m in together]


def test_int8_default_agrees_with_fp32_on_the_seed(seed_text: str) -> None:
    from osintkit.entities import tag_many
    from osintkit.entities.model import default_model

    int8, fp32 = default_model(), default_model(quantize=False)
    assert int8.quantized and not fp32.quantized
    # What the analyst gets (model merged with rules and gazetteer). The model-only outputs differ more: fp32 tags
    # the "North" of "North Korean" as LOC where int8 does not, and the NORP rule's longer span absorbs it anyway.
    a = {(m.start, m.end, m.label) for m in tag_many([seed_text], model=int8)[0]}
    b = {(m.start, m.end, m.label) for m in tag_many([seed_text], model=fp32)[0]}
    assert len(a & b) >= 0.95 * max(len(a), len(b))


# --- decoding ----------------------------------------------------------------------------------------------------


def _rows(*cols: dict[str, float]) -> list[list[float]]:
    """Log-probability rows for the shipped label list from {label: probability} dicts (the rest share 1e-4)."""
    labels = default_model().labels
    return [[float(np.log(c.get(lab, 1e-4))) for lab in labels] for c in cols]


def test_viterbi_keeps_one_type_across_a_name() -> None:
    em = default_model()
    # Argmax: B-PER I-LOC I-ORG, which plain repair would split into three entities of three types.
    rows = _rows(
        {"B-PER": 0.6, "B-ORG": 0.3},
        {"I-LOC": 0.4, "I-PER": 0.35, "I-ORG": 0.2},
        {"I-ORG": 0.4, "I-PER": 0.35, "I-LOC": 0.2},
    )
    argmax = [int(np.argmax(r)) for r in rows]
    assert not em.decoder.valid(argmax)
    assert [em.labels[i] for i in em.decoder.viterbi(rows)] == ["B-PER", "I-PER", "I-PER"]


def test_viterbi_never_starts_or_continues_wrongly() -> None:
    em = default_model()
    rows = _rows({"I-ORG": 0.9, "O": 0.05}, {"O": 0.9}, {"I-LOC": 0.5, "B-LOC": 0.4})
    path = [em.labels[i] for i in em.decoder.viterbi(rows)]
    assert path == ["O", "O", "B-LOC"]  # an I- after O or at the start would be invalid


def test_valid_argmax_paths_are_kept() -> None:
    em = default_model()
    labels = em.labels
    seq = [labels.index(t) for t in ("O", "B-PER", "I-PER", "B-LOC", "O")]
    assert em.decoder.valid(seq)
    rows = [[0.0 if j == i else -9.0 for j in range(len(labels))] for i in seq]
    assert em.decoder.viterbi(rows) == seq


def test_bare_label_schemes_are_not_constrained() -> None:
    decoder = LabelDecoder(["O", "PER", "LOC"])
    assert decoder.parsed == [("O", ""), ("I", "PER"), ("I", "LOC")]
    assert decoder.valid([1, 1, 2, 0, 2])


@pytest.mark.parametrize("dropped", ["\u200b", "\u0301", "\x07"])
def test_a_word_without_pieces_does_not_shift_the_labels(dropped: str) -> None:
    # The tokenizer drops these words entirely; the labels of the words after them must stay on those words.
    clean = default_model().predict(["Volodymyr Zelenskyy met John Kirby in Kyiv ."])[0]
    text = f"Volodymyr Zelenskyy {dropped} met John Kirby in Kyiv ."
    got = default_model().predict([text])[0]
    shift = len(dropped) + 1
    assert [(m.text, m.label) for m in got] == [(m.text, m.label) for m in clean]
    assert [(m.start, m.end) for m in got] == [
        (m.start + (shift if m.start > 19 else 0), m.end + (shift if m.start > 19 else 0)) for m in clean
    ]
    assert ("John Kirby", "PERSON") in [(m.text, m.label) for m in got]


def test_case_classes_tell_first_words_and_acronyms_apart() -> None:
    from osintkit.entities.model import case_classes

    words = ["“", "Officials", "in", "Kyiv", "and", "NATO", "said", "U.S.", "troops", "I", "saw"]
    assert case_classes(words, "case4") == [0, 2, 0, 1, 0, 3, 0, 3, 0, 1, 0]
    assert case_classes(words, "token_type") == [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]
    assert case_classes(["Kyiv", "said"], "case4", starts_sentence=False) == [1, 0]  # the later part of a long one
    with pytest.raises(ModelError, match="unknown case feature"):
        case_classes(words, "case3")
    # Sentences packed into one window: each one's first word is a first word.
    assert case_classes(["Kyiv", "said", "Pyongyang", "sent", "Troops"], "case4", sentence_starts=[0, 2]) == [
        2, 0, 2, 0, 1,
    ]  # fmt: skip


def _with_context(words: int) -> EntityModel:
    em = default_model()
    return EntityModel(
        em.tokenizer, em.model, em.labels, case_feature=em.case_feature, quantized=em.quantized, context_words=words
    )


def test_a_context_model_packs_sentences_and_keeps_names_inside_them(seed_text: str) -> None:
    packed = _with_context(60)
    text = "Caloi is a Brazilian maker of bicycles.\nCaloi won the race in Paris. It was founded in 1898."
    windows = packed._windows(0, text)
    assert len(windows) == 1 and windows[0].sentence_starts == [8, 15]  # the period is a word
    assert len(default_model()._windows(0, text)) == 3
    for source in (text, seed_text):
        mentions = packed.predict([source])[0]
        sentences = split_sentences(source)
        assert mentions
        for m in mentions:
            assert source[m.start : m.end] == m.text
            assert any(a <= m.start and m.end <= b for a, b in sentences), m  # never across a sentence break


def test_packed_sentences_over_the_piece_limit_get_windows_of_their_own() -> None:
    packed = _with_context(10_000)
    text = " ".join(f"Angela Merkel met Emmanuel Macron in Paris on day {i}." for i in range(80))
    mentions = packed.predict([text])[0]
    assert sum(m.text == "Angela Merkel" for m in mentions) >= 75  # every sentence tagged, none cut off


def test_a_delta_with_more_token_types_resizes_the_base(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import save_file

    from osintkit.entities.bert import resize_token_types
    from osintkit.entities.loading import apply_delta

    em = default_model(quantize=False)
    model = copy.deepcopy(em.model)
    resize_token_types(model, 2)  # as the base encoder has it
    assert model.config.type_vocab_size == 2
    before = model.bert.embeddings.token_type_embeddings.weight.detach().clone()
    resize_token_types(model, 4)
    after = model.bert.embeddings.token_type_embeddings.weight
    assert after.shape[0] == 4 and model.config.type_vocab_size == 4
    assert torch.equal(after[:2], before) and torch.equal(after[3], before[1])  # new rows start as "capitalised"

    fresh = copy.deepcopy(em.model)
    table = torch.arange(4 * before.shape[1], dtype=torch.float16).reshape(4, -1)
    path = tmp_path / "delta.safetensors"
    save_file({"bert.embeddings.token_type_embeddings.weight": table}, str(path))
    apply_delta(fresh, path, 1.0)
    assert torch.equal(fresh.bert.embeddings.token_type_embeddings.weight, table.float())


def test_a_mention_never_starts_on_punctuation_nor_ends_on_a_connector() -> None:
    import torch

    from osintkit.entities.model import _Window

    em = default_model()
    text = "Dr. Nner and Speed & ; @"
    words = word_spans(text, 0, len(text))
    assert [text[a:b] for a, b in words] == ["Dr", ".", "Nner", "and", "Speed", "&", ";", "@"]
    tags = ["O", "B-PER", "I-PER", "O", "B-ORG", "I-ORG", "I-ORG", "B-PER"]
    pred = [0] + [em.labels.index(t) for t in tags] + [0]
    window = _Window(0, words, word_ids=[None, *range(len(words)), None])
    logp = torch.full((len(pred), len(em.labels)), -5.0)
    logp[range(len(pred)), pred] = -0.01
    found = [(m.text, m.label) for m in em._decode(text, window, pred, logp)]
    assert found == [("Nner", "PERSON"), ("Speed", "ORG"), ("@", "PERSON")]


# --- span shapes --------------------------------------------------------------------------------------------------


def _tidied(sentence: str, spans: list[tuple[int, int, str]]) -> list[str]:
    words = sentence.split()
    return [f"{' '.join(words[s:e])}/{t}" for s, e, t in tidy_spans(words, spans)]


def test_tidy_spans_cuts_a_trailing_joiner() -> None:
    sentence = "the underground Capitol Hill Station of Sound Transit and Mr. Bush 's Council"
    assert _tidied(sentence, [(2, 6, "LOC"), (6, 8, "ORG"), (9, 12, "PER")]) == [
        "Capitol Hill Station/LOC",
        "Sound Transit/ORG",
        "Mr. Bush/PER",
    ]


def test_tidy_spans_joins_a_name_split_at_a_link() -> None:
    sentence = "the war in Bosnia and Herzegovina and Russia and Ukraine"
    # "Bosnia and" + "Herzegovina": the model carried the link into the first span, so it is one name.
    # "Russia" + "Ukraine": two names the model kept apart stay apart; so do spans of different types.
    assert _tidied(sentence, [(3, 5, "LOC"), (5, 6, "LOC"), (7, 8, "LOC"), (9, 10, "LOC")]) == [
        "Bosnia and Herzegovina/LOC",
        "Russia/LOC",
        "Ukraine/LOC",
    ]
    assert _tidied("the Church of the Nativity", [(1, 4, "ORG"), (4, 5, "LOC")]) == ["Church/ORG", "Nativity/LOC"]


def test_tidy_spans_drops_lowercase_only_where_it_cannot_be_a_name() -> None:
    sentence = "In the 1960 s they went to the woods , thanks obama , see @ nytimes and IN"
    spans = [(3, 4, "ORG"), (8, 9, "LOC"), (11, 12, "PER"), (15, 16, "ORG"), (17, 18, "LOC")]
    # "s" (of "1960s") and "the woods" go; a lowercase name in a post and a handle stay; so does a capitalised
    # word that happens to spell a joiner ("IN", Indiana).
    assert _tidied(sentence, spans) == ["obama/PER", "nytimes/ORG", "IN/LOC"]


def test_tidy_spans_drops_ranks_and_articles_standing_alone() -> None:
    sentence = (
        "Brigadier General Ross G. Hoyt ; Captain Newell Beaty ; The Hockey News ; U.S. Senator ; Secretary-General"
    )
    spans = [
        (0, 2, "ORG"),
        (2, 5, "PER"),
        (6, 7, "PER"),
        (7, 9, "PER"),
        (10, 11, "ORG"),
        (11, 13, "ORG"),
        (14, 16, "ORG"),
    ]
    assert _tidied(sentence, spans) == ["Ross G. Hoyt/PER", "Newell Beaty/PER", "Hockey News/ORG", "U.S. Senator/ORG"]


# --- languages ----------------------------------------------------------------------------------------------------


def test_text_in_another_language_is_flagged_not_silently_empty() -> None:
    # Bulgarian: Ukrainian and Russian are read by osintkit.entities.slavic (tests/test_tag_ukru.py).
    post = "Руските войски нощес обстреляха Харков и Сумите, съобщиха от Генералния щаб на украинската армия."
    with pytest.warns(LanguageWarning, match=r"1 of 2 texts .* bg \(1\)") as caught:
        tag_many([post, "Kirby spoke in Washington."])
    assert caught[0].filename == __file__  # points at the caller, not at osintkit
    text = "Die Armee meldete am Samstag neue Angriffe auf die Stadt."
    doc = Document(id="d1", text=text, sha256="0" * 64, loader="text", retrieved="2025-01-01T00:00:00Z", language="de")
    with pytest.warns(LanguageWarning, match=r"de \(1\)"):
        tag(doc)


def test_english_text_raises_no_language_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tag("Ukraine's president, Volodymyr Zelenskyy, said on Saturday that two soldiers were captured in Kursk.")
    assert default_model().languages == ("en",)


def test_model_noise_in_an_unread_script_is_dropped_gazetteer_places_kept() -> None:
    post = "Руското разузнаване съобщи на агенция Reuters, че Пхенян е изпратил войски в Курска област днес."
    with pytest.warns(LanguageWarning, match="gazetteer"):
        mentions = tag(post)
    models = [m.text for m in mentions if m.source == "model"]
    assert all(any("a" <= c.lower() <= "z" for c in text) for text in models)  # "Reuters" may stay, Cyrillic not
    assert "Reuters" in models
    assert {"Пхенян", "Курска област"} <= {m.text for m in mentions if m.label == "LOC"}


def test_int8_quantisation_hides_only_torchs_two_deprecation_notices() -> None:
    import re

    import torch
    from torch import nn

    from osintkit.entities.quantise import _DEPRECATION_MESSAGES, quantize_linears

    module = nn.Sequential(nn.Linear(4, 3))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        quantised = quantize_linears(module, {"0": (-1.0, 1.0)}, inplace=False)
        warnings.warn("a later warning of the caller's own", UserWarning, stacklevel=1)
    assert [str(w.message) for w in seen] == ["a later warning of the caller's own"]
    assert quantised(torch.zeros(2, 4)).shape == (2, 3)
    # The filters match what torch says today; without them these notices reach every caller of tag().
    with warnings.catch_warnings(record=True) as raw:
        warnings.simplefilter("always")
        torch.ao.quantization.quantize_dynamic(nn.Sequential(nn.Linear(4, 3)), {nn.Linear}, dtype=torch.qint8)
    assert {type(w.message) for w in raw} <= {DeprecationWarning, UserWarning} and raw
    assert all(any(re.match(m, str(w.message)) for _, m in _DEPRECATION_MESSAGES) for w in raw)
