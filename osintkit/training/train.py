"""Train the shipped entity model: low-rank adapters on the base encoder, for IOB2 PER/ORG/LOC.

    python -m osintkit.training.train --data ../shared/data --out osintkit/entities/weights \
        [--epochs N] [--time-budget MIN]
    python -m osintkit.training.train ... --init-from osintkit/entities/weights --out DIR   # continue a saved model

Why adapters: the shipped file must stay small (a few MB in git), and with the word embeddings frozen a CPU step is
several times cheaper. Every linear layer of the encoder gets a rank-``r`` update ``B @ A`` (merged into the weight
at load time); biases, LayerNorms and the classifier head train in full. Only those tensors are stored, in fp16.

News-domain sets (GMB, GUM, BTC) carry most of each epoch because models trained on Wikipedia and tweets transfer
poorly to news; GMB (1M tokens) is resampled every epoch so each pass sees fresh news sentences.
Everything is seeded: the same data and arguments give the same weights.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from osintkit.entities.bert import resize_token_types
from osintkit.entities.decoding import LabelDecoder
from osintkit.entities.encoder import base_model_dir
from osintkit.entities.loading import DELTA_FILE, MANIFEST_FILE, apply_delta
from osintkit.entities.model import CASE_FEATURES, case_classes
from osintkit.entities.spans import repair_iob2, tidy_spans
from osintkit.training.datasets import (
    LABELS,
    MISC_COMPLETE,
    MISC_LABELS,
    Sentence,
    bio_spans,
    format_scores,
    load_corpus,
    pack_sentences,
    resampling_unit,
    score_spans,
    spans_to_tags,
)
from osintkit.training.lora import LORA_TARGETS, add_lora, export_delta, save_delta, store_int8_ranges

log = logging.getLogger("osintkit.training.train")

# Sentences drawn per epoch from each train split (None: all of it). Ratios favour news (see module docstring).
DEFAULT_MIX: dict[str, int | None] = {
    "gmb": 9000,
    "gum": None,
    "btc": 4000,
    "re3d": None,
    "wikigold": None,
    "wikiann": 2500,
    "wnut17": 1500,
}
# Small sets seen more than once per epoch: re3d and wikigold are also the news-like sets the model is judged on.
UPSAMPLE = {"re3d": 3, "gum": 1, "wikigold": 3}
DEV_SETS = {"gmb": 300, "gum": None, "wikigold": None, "re3d": None}
# Label id of an O word in a set that does not mark MISC (see ``MISC_COMPLETE``): the loss accepts O or MISC there.
O_OR_MISC = -2


def seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def sentence_count(s: Sentence) -> int:
    """How many sentences a training item holds (a packed window holds several)."""
    return len(s.starts) if s.starts else 1


def draw_epoch(
    pools: dict[str, list[Sentence]],
    mix: dict[str, int | None],
    rng: random.Random,
    upsample: dict[str, int] | None = None,
) -> list[Sentence]:
    """One epoch's training items: ``mix`` sentences from each pool (windows of packed sentences count as the
    sentences they hold), the small sets repeated ``upsample`` times (default ``UPSAMPLE``), shuffled."""
    upsample = UPSAMPLE if upsample is None else upsample
    out: list[Sentence] = []
    for name, n in mix.items():
        pool = pools[name]
        if n is not None and any(s.starts for s in pool):
            order = rng.sample(pool, len(pool))
            chosen, count = [], 0
            for s in order:
                if count >= n:
                    break
                chosen.append(s)
                count += sentence_count(s)
        elif n is None or n >= len(pool):
            chosen = list(pool)
        elif name == "btc":
            # BTC section g is tweets by news outlets: take all of it, then fill from the rest.
            news = [s for s in pool if s.doc.startswith("btc-g-")]
            rest = [s for s in pool if not s.doc.startswith("btc-g-")]
            chosen = news[:n] + rng.sample(rest, max(0, n - len(news)))
        else:
            chosen = rng.sample(pool, n)
        out.extend(chosen * upsample.get(name, 1))
    rng.shuffle(out)
    return out


# What a warm-started manifest keeps of each run before it, so the model card can account for all training.
_RUN_RECORD = ("delta_sha256", "rank", "alpha", "train_args", "mix", "upsample", "steps", "epochs_done",
               "train_minutes", "history")  # fmt: skip


def _portable_args(args: argparse.Namespace) -> dict[str, Any]:
    """The run's arguments without this machine's folders, which mean nothing to anyone reading the manifest."""
    record = dict(vars(args))
    record.pop("data", None)
    record.pop("out", None)
    if record.get("init_from"):
        record["init_from"] = Path(record["init_from"]).name
    return record


def load_previous(model: Any, weights_dir: Path) -> tuple[dict[str, tuple[Any, Any]], dict[str, Any]]:
    """Apply a saved delta to the (unwrapped) transformers ``model``; return its low-rank factors and manifest.

    Why: a warm start continues from a trained model instead of repeating its hours of CPU training. The new
    adapters train on top of the merged weights; :func:`stack_factors` then stores old and new factors side by side,
    so the shipped delta stays a sum of low-rank products that loads exactly like a single run's.
    """
    import json

    manifest = json.loads((weights_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    scale = float(manifest["alpha"]) / float(manifest["rank"])
    delta = apply_delta(model, weights_dir / DELTA_FILE, scale)
    # Scale folded into A, so the stacked factors use scale 1.
    factors = {
        name[: -len(".lora_A")]: (a * scale, delta[name[: -len(".lora_A")] + ".lora_B"])
        for name, a in delta.items()
        if name.endswith(".lora_A")
    }
    return factors, manifest


def stack_factors(
    tensors: dict[str, Any], previous: dict[str, tuple[Any, Any]], scale: float
) -> tuple[dict[str, Any], int]:
    """Exported tensors with each layer's earlier factors stacked before the new ones; returns (tensors, rank).

    ``W + B1 A1 + s B2 A2 == W + [B1 B2] [A1; s A2]``, stored with rank = alpha (scale 1).
    """
    import torch

    out = dict(tensors)
    rank = 0
    for path, (a_old, b_old) in previous.items():
        a_new, b_new = out[path + ".lora_A"].float() * scale, out[path + ".lora_B"].float()
        out[path + ".lora_A"] = torch.cat([a_old, a_new]).to(torch.float16).contiguous()
        out[path + ".lora_B"] = torch.cat([b_old, b_new], dim=1).to(torch.float16).contiguous()
        rank = out[path + ".lora_A"].shape[0]
    return out, rank


def is_trained(name: str) -> bool:
    """Whether a parameter of the adapter-wrapped model trains (and so is shipped in the delta)."""
    return (
        "lora_" in name
        or name.startswith("classifier.")
        or "LayerNorm" in name
        or (name.endswith(".bias") and "embeddings" not in name)
        or name.endswith("token_type_embeddings.weight")  # the case feature
    )


def encode(
    tokenizer: Any,
    sents: Sequence[Sentence],
    max_length: int,
    case_feature: str = "token_type",
    labels: Sequence[str] = LABELS,
) -> list[dict[str, list[int]]]:
    """Word-piece ids with the label on each word's first piece (-100 elsewhere, ignored by the loss), and each
    piece's case class as its token type (see ``osintkit.entities.model.case_classes``). With MISC among ``labels``, an
    O word of a set that does not mark MISC gets ``O_OR_MISC``."""
    label_id = {lab: i for i, lab in enumerate(labels)}
    partial = "B-MISC" in label_id
    enc = tokenizer([s.tokens for s in sents], is_split_into_words=True, truncation=True, max_length=max_length)
    out = []
    for i, s in enumerate(sents):
        word_ids = enc.word_ids(i)
        ids, prev = [], None
        o_id = O_OR_MISC if partial and s.source not in MISC_COMPLETE else label_id["O"]
        for w in word_ids:
            if w is None or w == prev:
                ids.append(-100)
            else:
                ids.append(o_id if s.tags[w] == "O" else label_id[s.tags[w]])
            prev = w
        flags = case_classes(s.tokens, case_feature, sentence_starts=s.starts or ())
        types = [0 if w is None else flags[w] for w in word_ids]
        out.append({"input_ids": enc["input_ids"][i], "labels": ids, "token_type_ids": types})
    return out


def batches(
    items: list[dict[str, list[int]]], batch_size: int, rng: random.Random, sizes: Sequence[int] | None = None
) -> list[list[int]]:
    """Index batches of similar length (less padding), in random order, each of about ``batch_size`` sentences:
    ``sizes`` gives the sentences each item holds (1 each when None), so packed windows make smaller batches."""
    idx = list(range(len(items)))
    rng.shuffle(idx)
    chunk = batch_size * 50
    out: list[list[int]] = []
    for lo in range(0, len(idx), chunk):
        part = sorted(idx[lo : lo + chunk], key=lambda i: len(items[i]["input_ids"]))
        batch: list[int] = []
        held = 0
        for i in part:
            batch.append(i)
            held += 1 if sizes is None else sizes[i]
            if held >= batch_size:
                out.append(batch)
                batch, held = [], 0
        if batch:
            out.append(batch)
    rng.shuffle(out)
    return out


def partial_label_loss(logits: Any, labels: Any, o_or_misc: Sequence[int]) -> Any:
    """Token cross-entropy where ``O_OR_MISC`` positions count the summed probability of O, B-MISC and I-MISC.

    Why: WikiANN, GUM, BTC, re3d and WNUT leave MISC-like names ("Stanley Cup") as O. Training them as O would
    teach the model that such names are not names; as "O or MISC" they neither confirm nor contradict MISC.
    """
    import torch

    logp = torch.log_softmax(logits.float(), dim=-1)
    hard = labels >= 0
    soft = labels == O_OR_MISC
    picked = logp.gather(-1, labels.clamp_min(0).unsqueeze(-1)).squeeze(-1)
    either = torch.logsumexp(logp[..., list(o_or_misc)], dim=-1)
    total = -(picked[hard].sum() + either[soft].sum())
    return total / (hard.sum() + soft.sum()).clamp_min(1)


def collate(items: list[dict[str, list[int]]], ids: list[int]) -> dict[str, Any]:
    import torch

    width = max(len(items[i]["input_ids"]) for i in ids)
    input_ids = torch.zeros((len(ids), width), dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    labels = torch.full((len(ids), width), -100, dtype=torch.long)
    types = torch.zeros((len(ids), width), dtype=torch.long)
    for row, i in enumerate(ids):
        n = len(items[i]["input_ids"])
        input_ids[row, :n] = torch.tensor(items[i]["input_ids"])
        mask[row, :n] = 1
        labels[row, :n] = torch.tensor(items[i]["labels"])
        types[row, :n] = torch.tensor(items[i]["token_type_ids"])
    return {"input_ids": input_ids, "attention_mask": mask, "labels": labels, "token_type_ids": types}


def predict_tags(
    model: Any,
    tokenizer: Any,
    sents: Sequence[Sentence],
    max_length: int = 256,
    case_feature: str = "token_type",
    labels: Sequence[str] = LABELS,
) -> list[list[str]]:
    """Word-level tags (first word piece decides, decoded and span shapes mended as the tagger does) for
    pre-tokenised sentences. MISC, when the model has it, is dropped as the tagger drops it."""
    import torch

    decoder = LabelDecoder(labels)  # the tagger's own decoding (constrained Viterbi)
    out: list[list[str]] = [[] for _ in sents]
    order = sorted(range(len(sents)), key=lambda i: len(sents[i].tokens))
    model.eval()
    with torch.inference_mode():
        for lo in range(0, len(order), 64):
            idx = order[lo : lo + 64]
            enc = tokenizer(
                [sents[i].tokens for i in idx],
                is_split_into_words=True,
                truncation=True,
                max_length=max_length,
                padding=True,
                return_tensors="pt",
            )
            types = torch.zeros_like(enc["input_ids"])
            for row, i in enumerate(idx):
                flags = case_classes(sents[i].tokens, case_feature, sentence_starts=sents[i].starts or ())
                for pos, w in enumerate(enc.word_ids(row)):
                    if w is not None:
                        types[row, pos] = flags[w]
            logits = model(
                input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], token_type_ids=types
            ).logits
            logp = torch.log_softmax(logits.float(), dim=-1)
            pred = logp.argmax(-1).tolist()
            for row, i in enumerate(idx):
                tags = ["O"] * len(sents[i].tokens)  # words cut by truncation or without pieces stay O
                for wid, lab, _ in zip(*decoder.word_labels(enc.word_ids(row), pred[row], logp[row]), strict=True):
                    tags[wid] = labels[lab]
                spans = tidy_spans(sents[i].tokens, bio_spans(repair_iob2(tags)))  # as the tagger mends them
                kept = [span for span in spans if span[2] != "MISC"]
                out[i] = spans_to_tags(len(tags), kept)
    return out


def evaluate(
    model: Any,
    tokenizer: Any,
    dev: dict[str, list[Sentence]],
    case_feature: str = "token_type",
    labels: Sequence[str] = LABELS,
) -> dict[str, dict[str, dict[str, float]]]:
    return {
        name: score_spans(
            [s.tags for s in sents], predict_tags(model, tokenizer, sents, case_feature=case_feature, labels=labels)
        )
        for name, sents in dev.items()
    }


def parse_upsample(spec: str) -> dict[str, int]:
    """``"wikigold=6,re3d=6"`` as a dict; a set the mix does not know, or a count below 1, is refused."""
    out: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, _, count = part.partition("=")
        if name not in DEFAULT_MIX or not count.isdigit() or int(count) < 1:
            raise SystemExit(f"--upsample {part!r}: expected SET=N with N >= 1 and SET one of {', '.join(DEFAULT_MIX)}")
        out[name] = int(count)
    return out


def _sample_blocks(sents: list[Sentence], n: int, rng: random.Random) -> list[Sentence]:
    """About ``n`` sentences drawn as whole blocks (documents), in their order."""
    blocks: dict[str, list[Sentence]] = {}
    for s in sents:
        blocks.setdefault(resampling_unit(s), []).append(s)
    chosen: list[Sentence] = []
    for key in rng.sample(sorted(blocks), len(blocks)):
        if len(chosen) >= n:
            break
        chosen.extend(blocks[key])
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m osintkit.training.train", description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=None, help="shared data folder (default: $OSINTKIT_DATA or ../shared/data)")
    ap.add_argument("--out", default=str(Path(__file__).parent / "weights"))
    ap.add_argument("--epochs", type=float, default=2.0)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--rank", type=int, default=32)
    ap.add_argument("--alpha", type=float, default=32.0)
    ap.add_argument("--max-tokens", type=int, default=128, help="word pieces per training sentence")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the per-epoch sample sizes")
    ap.add_argument("--time-budget", type=float, default=0.0, help="minutes; stop cleanly and save when spent")
    ap.add_argument("--trial-steps", type=int, default=0, help="measure steps/s over N steps, save nothing")
    ap.add_argument("--init-from", default=None, help="warm start: a saved model folder to continue training")
    ap.add_argument(
        "--case-feature",
        default=None,
        choices=sorted(CASE_FEATURES),
        help="capitalisation as token type: a one-bit flag, or 4 classes (inside/first word/all capitals); "
        "default: case4, or the warm start's own",
    )
    ap.add_argument(
        "--misc",
        action="store_true",
        help="also learn MISC (dropped at output) where a set marks it; O in the other sets means O or MISC",
    )
    ap.add_argument(
        "--context-words",
        type=int,
        default=0,
        help="pack consecutive sentences of an article into windows of up to N words, so a name is tagged with "
        "its neighbours in view (0: one sentence a window); the tagger packs the same way",
    )
    ap.add_argument(
        "--upsample",
        default="",
        help="times each set's train part is seen per epoch, e.g. wikigold=6,re3d=6 (default: "
        + ",".join(f"{k}={v}" for k, v in UPSAMPLE.items())
        + ")",
    )
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)
    import torch

    torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    rng = random.Random(args.seed)
    t0 = time.time()

    labels = MISC_LABELS if args.misc else LABELS
    pools = {
        name: pack_sentences(load_corpus(name, "train", args.data, misc=args.misc), args.context_words)
        for name in DEFAULT_MIX
    }
    dev: dict[str, list[Sentence]] = {}
    for name, n in DEV_SETS.items():
        sents = load_corpus(name, "dev", args.data)
        if n is not None and n < len(sents):
            # A sample of whole blocks, so packed windows keep their neighbours.
            sents = (
                _sample_blocks(sents, n, random.Random(args.seed))
                if args.context_words
                else (random.Random(args.seed).sample(sents, n))
            )
        dev[name] = pack_sentences(sents, args.context_words)
    mix = {k: (None if v is None else int(v * args.scale)) for k, v in DEFAULT_MIX.items()}
    upsample = {**UPSAMPLE, **parse_upsample(args.upsample)}
    log.info("data loaded in %.1fs: %s", time.time() - t0, {k: len(v) for k, v in pools.items()})

    from transformers import AutoModelForTokenClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    base = base_model_dir(verify=True)
    tokenizer = AutoTokenizer.from_pretrained(str(base), local_files_only=True, use_fast=True)
    model = AutoModelForTokenClassification.from_pretrained(
        str(base),
        local_files_only=True,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={lab: i for i, lab in enumerate(labels)},
    )
    previous: dict[str, tuple[Any, Any]] = {}
    earlier_runs: list[dict[str, Any]] = []
    if args.init_from:
        previous, before = load_previous(model, Path(args.init_from))
        earlier_runs = [*before.get("earlier_runs", []), {k: before.get(k) for k in _RUN_RECORD}]
        log.info("warm start from %s (%d adapted layers)", args.init_from, len(previous))
        if list(before.get("labels", LABELS)) != list(labels):
            raise SystemExit(f"the warm start has labels {before.get('labels')}, this run {list(labels)} (--misc)")
        earlier = before.get("case_feature", "token_type")
        # More classes can grow from fewer (new rows start as "capitalised"); fewer would drop trained rows.
        if args.case_feature and CASE_FEATURES[args.case_feature] < CASE_FEATURES[earlier]:
            raise SystemExit(f"--case-feature {args.case_feature}: the warm start was trained with {earlier}")
        args.case_feature = args.case_feature or earlier
    args.case_feature = args.case_feature or "case4"
    resize_token_types(model, CASE_FEATURES[args.case_feature])
    add_lora(model, args.rank, args.alpha)
    for name, p in model.named_parameters():
        p.requires_grad = is_trained(name)
    trainable = [p for p in model.parameters() if p.requires_grad]
    log.info(
        "trainable params: %d of %d", sum(p.numel() for p in trainable), sum(p.numel() for p in model.parameters())
    )

    first_epoch = draw_epoch(pools, mix, rng, upsample)
    steps_per_epoch = math.ceil(sum(sentence_count(s) for s in first_epoch) / args.batch_size)
    total_steps = args.trial_steps or max(1, int(steps_per_epoch * args.epochs))
    opt = torch.optim.AdamW(trainable, lr=args.lr, weight_decay=0.01)
    warmup = max(1, int(0.05 * total_steps))
    budget_s = args.time_budget * 60

    def lr_factor(s: int) -> float:
        # Linear warmup, then linear decay over whichever runs out first: the steps or the time budget. A busy
        # machine then still ends with a fully decayed learning rate; with no budget the schedule is step-exact.
        progress = s / total_steps
        if budget_s:
            progress = max(progress, (time.time() - t0) / budget_s)
        return min((s + 1) / warmup, max(0.0, 1.0 - progress) / (1.0 - warmup / total_steps))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor)
    log.info("epoch size %d sentences, %d steps/epoch, %d steps total", len(first_epoch), steps_per_epoch, total_steps)

    out_dir = Path(args.out)
    history: list[dict[str, Any]] = []
    step, epoch, t_train = 0, 0, time.time()
    stop = False
    epoch_sents = first_epoch
    o_or_misc = [labels.index(lab) for lab in ("O", "B-MISC", "I-MISC")] if args.misc else []
    while step < total_steps and not stop:
        items = encode(tokenizer, epoch_sents, args.max_tokens, args.case_feature, labels)
        model.train()
        running = 0.0
        for ids in batches(items, args.batch_size, rng, [sentence_count(s) for s in epoch_sents]):
            batch = collate(items, ids)
            if args.misc:
                gold = batch.pop("labels")
                loss = partial_label_loss(model(**batch).logits, gold, o_or_misc)
            else:
                loss = model(**batch).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
            if step % 50 == 0 or step == args.trial_steps:
                rate = step / (time.time() - t_train)
                log.info("step %d/%d loss %.4f  %.2f steps/s  eta %.1f min", step, total_steps, running, rate,
                         (total_steps - step) / rate / 60)  # fmt: skip
            if step >= total_steps:
                break
            if args.time_budget and (time.time() - t0) / 60 > args.time_budget:
                log.info("time budget spent at step %d: stopping", step)
                stop = True
                break
        epoch += 1
        if args.trial_steps:
            log.info("trial: %.3f steps/s at batch %d", step / (time.time() - t_train), args.batch_size)
            return 0
        scores = evaluate(model, tokenizer, dev, args.case_feature, labels)
        for name, sc in scores.items():
            log.info("dev %s after epoch %d (step %d):\n%s", name, epoch, step, format_scores(sc))
        history.append({"epoch": epoch, "step": step, "dev": scores})
        tensors, rank, alpha = export_delta(model), args.rank, args.alpha
        if previous:
            tensors, rank = stack_factors(tensors, previous, args.alpha / args.rank)
            alpha = float(rank)
        meta = {
            "labels": list(labels),
            "rank": rank,
            "alpha": alpha,
            "targets": list(LORA_TARGETS),
            "max_tokens": args.max_tokens,
            "case_feature": args.case_feature,
            "context_words": args.context_words,
            "train_args": _portable_args(args),
            "mix": mix,
            "upsample": upsample,
            "steps": step,
            "epochs_done": epoch,
            "history": history,
            "train_minutes": round((time.time() - t0) / 60, 1),
            "earlier_runs": earlier_runs,
        }
        save_delta(tensors, meta, out_dir)
        store_int8_ranges(out_dir)
        log.info("saved checkpoint to %s", out_dir)
        epoch_sents = draw_epoch(pools, mix, rng, upsample)
    log.info("done in %.1f min", (time.time() - t0) / 60)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Waiting OpenMP threads sleep instead of spinning: far faster when other processes share the cores.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    raise SystemExit(main())
