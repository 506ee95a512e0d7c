"""A generated corpus of news-length documents (about 30 sentences each) for end-to-end benchmarks.

Deterministic for a given seed, varied enough that tagging, geocoding and claim extraction do real work: names,
places, figures and attributions change from sentence to sentence.
"""

from __future__ import annotations

import hashlib
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


# -- varied claims: a small grammar ------------------------------------------------------------------------------
# Templates make every sentence of a kind look alike, so claims never match or all match; the grammar below varies
# speaker, attribution form, predicate, figures, places and dates, and relays a share of claims in other documents
# with small edits (another attribution form, a synonym, a dropped date, a changed figure), so real groups exist.

SPEAKERS = [
    *PEOPLE,
    "Oleksandr Syrskyi", "Maria Zakharova", "Rafael Grossi", "Ursula von der Leyen", "Andriy Yermak",
    "Oleh Syniehubov", "Vitali Klitschko", "Ivan Fedorov", "Kim Yo Jong", "Lloyd Austin", "Rishi Sunak",
    "the governor of the Kharkiv region", "a military spokesman", "the Ministry of Defence", "local police",
    "the mayor", "the General Staff", "the Red Cross", "the IAEA", "the State Emergency Service", "Ukrainian Railways",
    "the border guard service", "the regional prosecutor", "a senior US official", "the Russian foreign ministry",
    "the Institute for the Study of War", "the UN human rights office", "the Polish government", "the Kremlin",
    "the Pentagon", "NATO", "the European Commission", "South Korean intelligence", "the White House",
]  # fmt: skip
SPEECH = ["said", "stated", "claimed", "announced", "reported", "confirmed", "told reporters", "wrote on Telegram",
          "insisted", "estimated", "warned", "noted", "said in a statement", "told a briefing",
          "posted on X"]  # fmt: skip
SYNONYMS = {"said": "stated", "stated": "said", "claimed": "said", "announced": "said", "reported": "said",
            "confirmed": "said", "warned": "said", "noted": "said", "insisted": "said", "estimated": "said",
            "moved": "deployed", "deployed": "sent", "sent": "moved", "struck": "hit", "hit": "struck",
            "damaged": "destroyed", "destroyed": "damaged", "killed": "died", "wounded": "injured",
            "injured": "wounded", "detained": "arrested", "arrested": "detained", "evacuated": "relocated",
            "relocated": "evacuated", "delivered": "sent", "restored": "reconnected", "closed": "shut"}  # fmt: skip
PLACE_NAMES = [
    *PLACES,
    "Sumy", "Chernihiv", "Mykolaiv", "Kherson", "Dnipro", "Poltava", "Vinnytsia", "Kramatorsk", "Sloviansk",
    "Pokrovsk", "Avdiivka", "Bakhmut", "Kupiansk", "Izium", "Mariupol", "Melitopol", "Berdiansk", "Sevastopol",
    "Kerch", "Novorossiysk", "Rostov-on-Don", "Bryansk", "Voronezh", "Tula", "Vladivostok", "Khabarovsk", "Minsk",
    "Warsaw", "Rzeszow", "Chisinau", "Bucharest", "Vilnius", "Riga", "Tallinn", "Helsinki", "Berlin", "Brussels",
    "Geneva", "Vienna", "Ankara", "Istanbul", "Tehran", "Beijing", "Tokyo", "Washington", "London", "Paris",
]  # fmt: skip
THINGS = {
    "soldiers": "troops", "troops": "soldiers", "drones": "drones", "missiles": "missiles", "civilians": "people",
    "vehicles": "vehicles", "tanks": "tanks", "shells": "shells", "families": "families", "homes": "households",
    "tonnes of grain": "tonnes of grain", "refugees": "refugees", "prisoners": "captives", "children": "children",
}  # fmt: skip
FACILITIES = ["power station", "railway bridge", "fuel depot", "hospital", "school", "grain terminal", "airfield",
              "water treatment plant", "ammunition dump", "radar station", "port", "substation"]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip
PREDICATES = [
    "{n} {thing} had been moved to {place} {date}",
    "{place} was struck by {n} {weapon} {date}",
    "{n} {victims} were killed in {place} {date}",
    "{n} {victims} were wounded when shelling hit {place} {date}",
    "the {facility} in {place} had been damaged {date}",
    "the {facility} near {place} was destroyed in an attack {date}",
    "{norp} forces had advanced {k} kilometres near {place}",
    "{n} {victims} had been evacuated from {place} {date}",
    "power had been restored to {n} homes in {place} {date}",
    "the road between {place} and {place2} was closed {date}",
    "{k} people had been detained in {place} on suspicion of spying for {norp} intelligence",
    "{n} {thing} had been delivered to {place} {date}",
    "talks between {norp} and {norp2} officials would resume in {place2} {date}",
    "a {norp} delegation had arrived in {place2} {date}",
    "{norp} air defences shot down {k} {weapon} over {place} {date}",
    "an exchange returned {n} prisoners to {place} {date}",
    "satellite images showed {k} new trenches south of {place}",
    "{n} {victims} were still missing after the strike on {place}",
    "the {facility} in {place} would reopen {date}",
    "fighting around {place} had intensified since {month}",
]  # fmt: skip
VICTIMS = ["soldiers", "civilians", "children", "people", "police officers", "rescuers", "residents", "workers"]
WEAPONS = ["drones", "missiles", "glide bombs", "rockets", "artillery shells", "cruise missiles"]
FORMS = [
    "{speaker} {cue} that {prop}.",
    "{Prop}, {speaker} {cue}.",
    "According to {speaker}, {prop}.",
    "{speaker} {cue} on {weekday} that {prop}.",
    "{Speaker}, in remarks published {weekday}, {cue} that {prop}.",
]  # fmt: skip


def _date(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.3:
        return f"on {rng.randint(1, 28)} {rng.choice(MONTHS)}"
    if kind < 0.55:
        return f"on {rng.choice(WEEKDAYS)}"
    return rng.choice(["overnight", "last week", "this morning", "in recent days", "earlier this month",
                       f"in early {rng.choice(MONTHS)}", f"in late {rng.choice(MONTHS)}", "yesterday"])  # fmt: skip


def claim_fields(rng: random.Random) -> dict[str, str]:
    """The slots of one claim: who, how, what, with which figures, places and dates."""
    place, place2 = rng.sample(PLACE_NAMES, 2)
    norp, norp2 = rng.sample(NORPS, 2)
    return {
        "speaker": rng.choice(SPEAKERS), "cue": rng.choice(SPEECH), "form": rng.choice(FORMS),
        "predicate": rng.choice(PREDICATES), "place": place, "place2": place2, "norp": norp, "norp2": norp2,
        "thing": rng.choice(list(THINGS)), "victims": rng.choice(VICTIMS), "weapon": rng.choice(WEAPONS),
        "facility": rng.choice(FACILITIES),
        "n": f"{rng.choice([rng.randint(2, 99), rng.randint(100, 9999), rng.randint(10, 500) * 100]):,}",
        "k": str(rng.randint(2, 60)), "date": _date(rng), "weekday": rng.choice(WEEKDAYS),
        "month": rng.choice(MONTHS),
    }  # fmt: skip


def render_claim(f: dict[str, str]) -> str:
    prop = f["predicate"].format(**f).replace("  ", " ").strip()
    speaker = f["speaker"]
    text = f["form"].format(
        speaker=speaker, Speaker=speaker[0].upper() + speaker[1:], cue=f["cue"], weekday=f["weekday"], prop=prop,
        Prop=prop[0].upper() + prop[1:],
    )  # fmt: skip
    text = text.replace(" a American", " an American")
    return text[0].upper() + text[1:]


def relay_fields(rng: random.Random, f: dict[str, str]) -> dict[str, str]:
    """A relay of a claim by another outlet: same proposition, small edits."""
    g = dict(f)
    for _ in range(rng.randint(1, 3)):
        edit = rng.random()
        if edit < 0.35:
            g["form"] = rng.choice(FORMS)
        elif edit < 0.6:
            g["cue"] = SYNONYMS.get(g["cue"], "said")
        elif edit < 0.75:
            words = g["predicate"].split()
            g["predicate"] = " ".join(SYNONYMS.get(w, w) for w in words)
        elif edit < 0.85:
            g["date"] = ""  # the relay drops the date
        elif edit < 0.93:
            g["thing"] = THINGS.get(g["thing"], g["thing"])
        else:
            # A different figure for the same thing: a contradiction, still the same proposition.
            g["n"] = f"{int(g['n'].replace(',', '')) + rng.randint(1, 50) * 10:,}"
    return g


def claim_corpus(n: int, *, seed: int = 29, relay_share: float = 0.35, per_doc: int = 4) -> list[dict[str, object]]:
    """``n`` varied claims, each ``{"text", "doc", "id", "prop", "fields"}``; ``prop`` names the planted proposition.

    About ``relay_share`` of them relay an earlier claim (one to five relays per relayed claim), each in another
    document; the rest are originals, ``per_doc`` to a document.
    """
    rng = random.Random(seed)
    out: list[dict[str, object]] = []
    originals: list[dict[str, object]] = []
    relay_docs = max(8, int(n * relay_share / 3))
    docs_of: dict[object, set[str]] = {}  # a proposition's documents: one relay of it per document
    while len(out) < n:
        if originals and rng.random() < relay_share:
            src = rng.choice(originals)
            taken = docs_of.setdefault(src["prop"], {str(src["doc"])})
            for _ in range(rng.randint(1, 5)):
                doc = f"relay{rng.randrange(relay_docs):06d}"
                if doc in taken or len(out) >= n:
                    continue
                taken.add(doc)
                g = relay_fields(rng, src["fields"])  # type: ignore[arg-type]
                out.append({"text": render_claim(g), "doc": doc, "prop": src["prop"], "fields": g})
            continue
        f = claim_fields(rng)
        claim: dict[str, object] = {"text": render_claim(f), "doc": f"doc{len(originals) // per_doc:06d}",
                                    "prop": f"p{len(originals):06d}", "fields": f}  # fmt: skip
        originals.append(claim)
        out.append(claim)
    for i, c in enumerate(out):
        c["id"] = "claim-" + hashlib.sha256(f"{i}:{c['text']}".encode()).hexdigest()[:16]
    return out


BACKGROUND = [
    "Residents of {place} described long queues for {supply}.",
    "The {facility} in {place} has been a frequent target since the start of the war.",
    "{Place} lies about {k} kilometres from the front line.",
    "Neither account could be independently verified.",
    "Journalists were not allowed to visit {place}.",
    "The area around {place} has changed hands several times.",
    "Footage shared online appeared to show smoke rising over {place}.",
    "Schools in {place} moved classes online for the rest of the week.",
    "Aid groups have warned for months about shortages of {supply} in {place}.",
    "The claims come days before a summit in {place2}.",
]  # fmt: skip
SUPPLIES = ["fuel", "water", "bread", "medicine", "electricity", "heating", "insulin", "blankets", "cash"]


def varied_documents(n: int, *, seed: int = 13, sentences: int = 30, relay_share: float = 0.3) -> list[str]:
    """``n`` news-length documents from the grammar: a third of the sentences background, the rest claims, of which
    ``relay_share`` relay a claim of an earlier document with small edits (so corroboration finds real groups)."""
    rng = random.Random(seed)
    seen: list[dict[str, str]] = []
    docs = []
    for _ in range(n):
        parts = []
        for _ in range(sentences):
            if rng.random() < 1 / 3:
                place, place2 = rng.sample(PLACE_NAMES, 2)
                text = rng.choice(BACKGROUND).format(
                    place=place, Place=place[0].upper() + place[1:], place2=place2, k=rng.randint(2, 90),
                    facility=rng.choice(FACILITIES), supply=rng.choice(SUPPLIES),
                )  # fmt: skip
            elif seen and rng.random() < relay_share:
                text = render_claim(relay_fields(rng, rng.choice(seen)))
            else:
                f = claim_fields(rng)
                seen.append(f)
                text = render_claim(f)
            parts.append(text)
        paragraphs = [" ".join(parts[i : i + 5]) for i in range(0, len(parts), 5)]
        docs.append("\n\n".join(paragraphs) + "\n")
    return docs


def write_varied_corpus(folder: Path, n: int, *, seed: int = 13, sentences: int = 30) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(varied_documents(n, seed=seed, sentences=sentences)):
        (folder / f"doc{i:06d}.txt").write_text(text, encoding="utf-8")
    return folder
