"""A generated corpus of news-length documents (about 30 sentences each) for end-to-end benchmarks.

Deterministic for a given seed, varied enough that tagging, geocoding and claim extraction do real work: names,
places, figures and attributions change from sentence to sentence.
"""

from __future__ import annotations

import random
from pathlib import Path

PEOPLE = ["Volodymyr Zelenskyy", "John Kirby", "Antony Blinken", "Olaf Scholz", "Emmanuel Macron", "Yoon Suk Yeol",
          "Dmitry Peskov", "Sergei Shoigu", "Kaja Kallas", "Jens Stoltenberg"]  # fmt: skip
ORGS = ["the Ukrainian Security Service", "the White House National Security Council", "NATO", "the United Nations",
        "the Pentagon", "the Kremlin", "Reuters", "the European Commission", "South Korean intelligence"]  # fmt: skip
PLACES = ["Kursk", "the Kursk region", "Kyiv", "Pyongyang", "Moscow", "Kharkiv", "Belgorod", "Seoul", "Donetsk",
          "Odesa", "Russia's Far East", "Crimea", "Lviv", "Zaporizhzhia"]  # fmt: skip
NORPS = ["North Korean", "Russian", "Ukrainian", "South Korean", "American", "German"]
CUES = ["said", "stated", "claimed", "announced", "warned", "reported", "confirmed", "added"]
COUNTED = ["soldiers", "troops", "drones", "missiles", "civilians", "vehicles", "prisoners"]
TEMPLATES = [
    "{person} {cue} on Saturday that {n:,} {norp} {counted} had been deployed near {place}.",
    "According to {org}, an estimated {n:,} {counted} were moved to {place} in December.",
    "{org} {cue} that {norp} forces had attacked {place} last week.",
    "In a post on Telegram, {person} {cue} that {place} had been shelled overnight.",
    "The fighting around {place} has continued since August, with {n:,} {counted} reported lost.",
    "{person}, a spokesman for {org}, {cue} that the situation in {place} was stable.",
    "Officials in {place} {cue} that {n:,} {counted} were evacuated on Monday.",
    "Satellite images of {place} showed at least {n} damaged buildings, {org} {cue}.",
    "{norp} officials have not commented on the reports from {place}.",
    "Residents of {place} described long queues for fuel and water.",
]


def make_document(rng: random.Random, sentences: int = 30) -> str:
    parts = []
    for _ in range(sentences):
        template = rng.choice(TEMPLATES)
        parts.append(
            template.format(
                person=rng.choice(PEOPLE), org=rng.choice(ORGS), place=rng.choice(PLACES), norp=rng.choice(NORPS),
                cue=rng.choice(CUES), counted=rng.choice(COUNTED), n=rng.randint(2, 20000),
            )
        )  # fmt: skip
        parts[-1] = parts[-1][0].upper() + parts[-1][1:]
    paragraphs = [" ".join(parts[i : i + 5]) for i in range(0, len(parts), 5)]
    return "\n\n".join(paragraphs) + "\n"


def write_corpus(folder: Path, n: int, *, seed: int = 13, sentences: int = 30) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"doc{i:06d}.txt").write_text(make_document(rng, sentences), encoding="utf-8")
    return folder
