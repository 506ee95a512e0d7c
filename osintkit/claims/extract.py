"""Claim extraction: who claims what, on whose authority, in each sentence.

Attribution is found syntactically (cue verb, its subject, its complement) rather than by a quote detector, because
news prose mostly reports speech indirectly: "X said that ...", "X claimed to have ...", "According to X, ...",
"X, a spokesman for Y, said that ...", "X stated on X (Twitter) that ...", "In a post on Telegram, X said ...".
The tagger's mentions (``osintkit.tag`` is run when none are given) link and type what the syntax found, and are the
only source of quantities, places and dates.
Every sentence yields a claim: sentences with no attribution are claims made by the publication itself.

The claimant is the speaker, not the outlet that carried the words: "“...,” Peskov said, per the AP", "Yonhap
reported, citing the NIS, ...", "a source told Reuters" and "..., according to TASS" around a named speaker credit
the speaker and list the carriers in ``Claim.via``. Sentences inside a quotation that spans several get the speaker
named before or after it; "he", "it", "the minister", "the ministry" and "the company" resolve to an earlier named
claimant. ``Claim.channel`` says where it was said ("post on Telegram", "briefing", "statement", "interview", ...).

Sentences on lines py3langid reads as Ukrainian or Russian are read with those languages' cues, attribution phrases,
quotation marks, hedges and denials (:mod:`osintkit.claims.ukru`); the rest of the pipeline is the same.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from osintkit.entities import tag
from osintkit.entities.normalise import link_entities
from osintkit.entities.slavic import SLAVIC_LANGUAGES
from osintkit.model import Claim, Document, Mention, Quantity
from osintkit.text import language_spans, split_sentences

from . import ukru

__all__ = [
    "CLAIMANT_TYPES",
    "CUE_VERBS",
    "HEDGE_PATTERNS",
    "PLATFORMS",
    "claim_id",
    "extract_claims",
]

CLAIMANT_TYPES = (
    "government",  # a government, a ministry, an official speaking for one
    "military",
    "intelligence",
    "media",  # another outlet, a report, a journalist
    "anonymous",  # unnamed sources or officials
    "person",  # a named individual whose role the text does not give
    "organisation",
    "publication",  # the document's own voice: no attribution in the sentence
    "unknown",
)

# Verbs that introduce reported speech on their own.
CUE_VERBS = (
    "said", "says", "say", "stated", "states", "claimed", "claims", "claim", "announced", "announces", "announce",
    "added", "adds", "warned", "warns", "warn", "estimated", "estimates", "estimate", "reported", "reports",
    "confirmed", "confirms", "confirm", "denied", "denies", "deny", "told", "tells", "insisted", "insists", "noted",
    "notes", "alleged", "alleges", "allege", "asserted", "asserts", "acknowledged", "acknowledges", "admitted",
    "admits", "declared", "declares", "explained", "explains", "argued", "argues", "revealed", "reveals",
    "disclosed", "discloses", "maintained", "maintains", "assessed", "assesses", "believe", "believes",
    "mentioned", "mentions", "accused", "accuses", "accuse",
)  # fmt: skip
# Verbs of publishing that only count as attribution when a "that"-clause, a colon or a quote follows.
WEAK_CUE_VERBS = ("wrote", "writes", "posted", "posts", "shared", "shares", "tweeted", "tweets", "spoke")
_PARTICIPLE_CUES = ("claiming", "saying", "stating", "warning", "adding", "insisting", "alleging", "announcing")
_SPEECH_NOUNS = ("warning", "statement", "report", "assessment", "announcement", "alert", "claim", "denial")
_DENIAL_CUES = {"denied", "denies", "deny", "denial", "rejected", "rejects", "refuted", "dismissed"}
# A cue that itself signals the writer keeps their distance from the content.
_HEDGING_CUES = {
    "claim", "claims", "claimed", "claiming", "alleged", "alleges", "allege", "alleging", "estimated", "estimates",
    "estimate", "believe", "believes", "assessed", "assesses",
}  # fmt: skip

HEDGE_PATTERNS = (
    r"an estimated", r"estimated", r"probably", r"possibly", r"reportedly", r"allegedly", r"apparently",
    r"purportedly", r"likely", r"unlikely", r"may(?: have)?", r"might(?: have)?", r"could have", r"believed to",
    r"appear(?:s|ed) to", r"seem(?:s|ed)? to", r"suspected", r"unconfirmed", r"unverified", r"approximately",
    r"roughly",
    r"about(?= \d)", r"around(?= \d)", r"some(?= \d)", r"up to(?= \d)", r"nearly(?= \d)", r"as many as",
)  # fmt: skip
_HEDGE_RE = re.compile(r"\b(?:" + "|".join(HEDGE_PATTERNS) + r")\b", re.IGNORECASE)
_NEGATION_RE = re.compile(
    r"\b(?:not|never|no|none|neither|nor|nobody|nothing|without|denied|denies|deny|denial|rejected|refuted)\b|n[’']t\b",
    re.IGNORECASE,
)

# Platform names as written, normalised: X and Twitter are one platform.
PLATFORMS = {
    "x": "X", "twitter": "X", "telegram": "Telegram", "facebook": "Facebook", "instagram": "Instagram",
    "tiktok": "TikTok", "youtube": "YouTube", "vk": "VK", "vkontakte": "VK", "truth social": "Truth Social",
    "weibo": "Weibo", "wechat": "WeChat", "threads": "Threads", "bluesky": "Bluesky", "mastodon": "Mastodon",
    "whatsapp": "WhatsApp", "reddit": "Reddit",
}  # fmt: skip
_PLATFORM_NAME = (
    r"(X(?:\s*\((?:formerly\s+)?Twitter\))?(?![\w-])|Twitter|Telegram|Facebook|Instagram|TikTok|YouTube|VKontakte"
    r"|VK|Truth Social|Weibo|WeChat|Threads|Bluesky|Mastodon|WhatsApp|Reddit)"
)
_PLATFORM_RE = re.compile(
    r"\b(?:on|via|to|in an? (?:post|video|message|statement|tweet|update|thread|address) (?:on|to))\s+"
    r"(?:his |her |their |its |the )?"
    + _PLATFORM_NAME
    + r"|\bin an? "
    + _PLATFORM_NAME
    + r" (?:post|video|message|statement|channel|update)"
)
_TWEET_RE = re.compile(r"\btweet(?:ed|s)?\b", re.IGNORECASE)

_WORD_CUES = CUE_VERBS + WEAK_CUE_VERBS
_CUE_RE = re.compile(r"\b(" + "|".join(sorted(_WORD_CUES, key=len, reverse=True)) + r")\b")
_SPEECH_ACT_RE = re.compile(
    r"\b(?:issued|released|published|put out|gave|made|delivered)\s+(?:a|an|its|his|her|their|the)\s+(?:\w+\s+)?"
    r"(" + "|".join(_SPEECH_NOUNS) + r"),?\s+(?:(" + "|".join(_PARTICIPLE_CUES) + r")\s+)?(?:that\s+)?"
)
_ACCORDING_START_RE = re.compile(r"^\s*According to\s+([^,]{2,120}?),\s*")
_ACCORDING_MID_RE = re.compile(r"(?<!\s),?\s+according to\s+([^,;]{2,120}?)\s*(?:[,;]|[.!?]?[”\"’]?$)", re.IGNORECASE)
_QUOTE_RE = re.compile(r"“([^”]+)”|\"([^\"]+)\"|‘([^’]{12,})’")

_PRONOUNS = {"he", "she"}
_OTHER_PRONOUNS = {"they", "it", "we", "i", "you"}
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our", "my", "no"}
_SUBJECT_ADVERBS = (
    r"also|later|previously|earlier|further|then|separately|again|repeatedly|publicly|officially|reportedly|"
    r"allegedly|recently|once|just|first|initially|subsequently|has|have|had|had\s+previously|has\s+also|"
    r"had\s+also|would|will|has\s+repeatedly|had\s+earlier|falsely|wrongly|today|yesterday|[Oo]n\s+\w+day"
)
# "(?<!\s)": a run of blanks is entered at its start only, or a long run makes every search quadratic.
_TRAILING_ADVERBS_RE = re.compile(r"(?:(?<!\s)\s+(?:" + _SUBJECT_ADVERBS + r"))+\s*$")
_LEADING_CONJ_RE = re.compile(r"^(?:and|but|while|as|whereas|meanwhile|however|though|although|so|yet)\s+", re.I)
_STOP_SUBJECT = re.compile(
    r"\b(?:that|which|who|whom|whose|because|if|when|where|was|were|is|are|be|been|being|to)\b", re.IGNORECASE
)

_ANONYMOUS_RE = re.compile(
    r"\b(?:unnamed|anonymous|anonymity|sources?|insiders?|people familiar|person familiar|one official|"
    r"an? (?:senior |military |government |intelligence |western |u\.s\. )?official|officials)\b",
    re.IGNORECASE,
)
_TYPE_KEYWORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "intelligence",
        re.compile(
            r"\b(?:intelligence|spy agency|espionage|nis|cia|gur|sbu|mi6|fsb|mossad|security service|"
            r"national intelligence)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "military",
        re.compile(
            r"\b(?:military|army|armed forces|general staff|defen[cs]e ministry|ministry of defen[cs]e|pentagon|"
            r"commander|commanders|troops|forces|navy|air force|brigade|battalion|regiment|marines|general|"
            r"colonel|major|lieutenant|soldiers?|joint chiefs|defen[cs]e forces)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "media",
        re.compile(
            r"\b(?:report|reports|newspaper|news|agency|outlet|broadcaster|journalists?|reporters?|correspondents?|"
            r"media|tv|television|radio|times|post|daily|gazette|tribune|herald|wire|telegraph|ledger|monitor|"
            r"dispatch|journal|magazine|channel|blogger|bbc|cnn|reuters|associated press|ap|afp|yonhap|tass|"
            r"ria novosti|interfax)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "government",
        re.compile(
            r"\b(?:president|prime minister|minister|ministry|government|spokes(?:man|woman|person)|press secretary|"
            r"council|white house|kremlin|state department|foreign office|embassy|ambassador|governor|mayor|"
            r"parliament|senator|congress|lawmakers?|administration|cabinet|chancellor|authorities|officials?|"
            r"the u\.s\.|united states|allies|nato|united nations|u\.n\.|european union|eu|head of state|"
            r"secretary|envoy|diplomats?|king|queen|premier)\b",
            re.IGNORECASE,
        ),
    ),
)
_CYRILLIC_RE = re.compile(r"[\u0400-\u04FF]")
# States and capitals used for their governments ("Pyongyang deployed", "Russia said").
_STATES = {
    "ukraine", "russia", "north korea", "south korea", "china", "united states", "the united states", "u.s.",
    "the u.s.", "us", "america", "britain", "the uk", "uk", "france", "germany", "japan", "iran", "israel",
    "india", "pakistan", "turkey", "poland", "belarus", "pyongyang", "seoul", "kyiv", "kiev", "moscow",
    "washington", "beijing", "london", "paris", "berlin", "tokyo", "tehran", "minsk", "warsaw", "ankara",
}  # fmt: skip


def claim_id(doc_id: str, sentence_start: int, sentence_end: int, content_start: int, content_end: int) -> str:
    """Stable id: the same span of the same document always gets the same id."""
    key = f"{doc_id}:{sentence_start}:{sentence_end}:{content_start}:{content_end}"
    return "clm-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass
class _Attribution:
    claimant: str | None
    claimant_start: int | None  # sentence-relative
    claimant_end: int | None
    role: str | None
    cue: str | None
    content_start: int  # sentence-relative
    content_end: int
    via: list[str] = field(default_factory=list)  # carriers between the claimant and the document, nearest first


def extract_claims(
    text_or_document: str | Document,
    *,
    mentions: Sequence[Mention] | None = None,
    doc_id: str | None = None,
    published: str | None = None,
    include_unattributed: bool = True,
) -> list[Claim]:
    """Claims in one document, in reading order.

    ``mentions`` are the document's tagged spans; when ``None`` the project's tagger is run (:func:`osintkit.tag`)
    and its mentions linked to entities. Quantities, places and dates come from the mentions only, so an empty list
    gives the attributions the syntax finds and no figures. Ukrainian and Russian sentences (``osintkit.text``'s
    language of each line) are read with their own cues, hedges, denials and quotation marks.
    A claim is ``direct`` when its content carries the speaker's quoted words (a quotation of three words or more).
    """
    if isinstance(text_or_document, Document):
        text = text_or_document.text
        doc_id = doc_id or text_or_document.id
        publisher = text_or_document.source
        published = published or text_or_document.published
    else:
        text = text_or_document
        publisher = None
        if doc_id is None:
            doc_id = Document.make_id(hashlib.sha256(text.encode("utf-8")).hexdigest())
    if mentions is None:
        mentions = tag(text_or_document, published=published)
        if mentions and not any(m.entity_id for m in mentions):
            link_entities(mentions)
    reading = _Reading.of(text, doc_id, publisher, mentions)
    claims = [c for i in range(len(reading.spans)) if (c := _sentence_claim(reading, i, include_unattributed))]
    _inherit_quotations(reading, publisher)
    if not include_unattributed:
        claims = [c for c in claims if c.attributed]
    return claims


@dataclass
class _Reading:
    """One document as extract_claims reads it, with the earlier speakers that pronouns and titles refer to."""

    text: str
    work: str  # the text with Ukrainian and Russian quotation marks as “ ”, offsets unchanged
    doc_id: str
    publisher: str | None
    mentions: list[Mention]
    has_model: bool
    spans: list[tuple[int, int]]
    languages: list[str | None]  # "uk" or "ru" for a sentence read as Ukrainian or Russian, else None
    attrs: list[_Attribution | None]
    runs: dict[int, tuple[int, int, int]]
    by_sentence: dict[int, Claim] = field(default_factory=dict)
    inherits: list[tuple[Claim, int]] = field(default_factory=list)  # claims inside a quotation, and its source
    speakers: list[Claim] = field(default_factory=list)  # earlier claims by a named claimant
    last_person: tuple[str, str | None] | None = None  # (name, entity id) of the last named individual claimant
    last_person_claim_end: int = 0

    @classmethod
    def of(cls, text: str, doc_id: str, publisher: str | None, mentions: Sequence[Mention]) -> _Reading:
        ordered = sorted(mentions, key=lambda m: (m.start, m.end))
        has_model = any(m.label in ("PERSON", "ORG", "LOC", "GPE") for m in ordered)
        spans = [(a, b) for a, b in split_sentences(text) if len(text[a:b].split()) >= 3]
        languages = _sentence_languages(text, spans)
        work = ukru.quote_marks(text, spans, languages)
        attrs = [
            _slavic_attribution(work[a:b]) if lang else _attribute(work[a:b])
            for (a, b), lang in zip(spans, languages, strict=True)
        ]
        runs = _quoted_runs(work, spans, attrs)
        return cls(text, work, doc_id, publisher, ordered, has_model, spans, languages, attrs, runs)


def _sentence_languages(text: str, spans: Sequence[tuple[int, int]]) -> list[str | None]:
    """Ukrainian or Russian for each sentence on a line py3langid reads as one of them; None for the rest.

    Text without a Cyrillic letter is not passed to the language identifier at all (it takes a second to load).
    """
    if not _CYRILLIC_RE.search(text):
        return [None] * len(spans)
    parts = language_spans(text)
    out: list[str | None] = []
    for a, _b in spans:
        lang = next((lang for s, e, lang in parts if s <= a < e), None)
        out.append(lang if lang in SLAVIC_LANGUAGES else None)
    return out


@dataclass
class _Speaker:
    claimant: str | None
    claimant_type: str
    entity_id: str | None = None
    role: str | None = None
    cue: str | None = None
    via: list[str] = field(default_factory=list)


def _sentence_claim(r: _Reading, index: int, include_unattributed: bool) -> Claim | None:
    """The claim one sentence makes, or None when unattributed sentences are not wanted."""
    s_start, s_end = r.spans[index]
    sentence, work, lang = r.text[s_start:s_end], r.work[s_start:s_end], r.languages[index]
    attr, run = r.attrs[index], r.runs.get(index)
    sent_mentions = [m for m in r.mentions if m.start >= s_start and m.end <= s_end]
    it_speaker: Claim | None = None
    if attr is not None and (attr.claimant or "").lower() == "it":
        it_speaker = _it_speaker(r, s_start)
        if it_speaker is None:
            attr = None
    if attr is None and run is None and index > 0 and _follows_a_quote(r.work, r.spans, index, r.by_sentence):
        # '“It is a lie,” Peskov said. “Nothing of the sort happened.”': the same speaker goes on.
        run = (index - 1, 0, len(sentence))
    speaker = _Speaker(r.publisher, "publication")
    quotes: list[str] | None = None
    if attr is None and run is not None and run[0] != index:
        # A sentence inside a quotation attributed before or after it: the speaker's words too.
        c_start, c_end = _trim_span(work, run[1], run[2])
        attributed = True
        quotes = [sentence[c_start:c_end]]
    elif attr is None:
        if not include_unattributed:
            return None
        c_start, c_end = _trim_span(work, 0, len(sentence))
        attributed = False
    else:
        attributed = True
        c_start, c_end = _trim_span(work, attr.content_start, attr.content_end)
        speaker = _speaker(r, attr, it_speaker, (s_start, s_end), sent_mentions, lang)
    if quotes is None:
        quotes = [q for q in _quotes_in(work, c_start, c_end) if len(q.split()) >= 3]
        if run is not None and attr is not None and not quotes:
            # The attributing sentence of a quotation that spans several: its part of the quotation.
            quoted = sentence[slice(*_trim_span(work, run[1], run[2]))]
            quotes = [quoted] if quoted else []
    claim = _claim(r, index, (c_start, c_end), speaker, attr, quotes, attributed, sent_mentions)
    _remember(r, index, claim, speaker.claimant, attr, run)
    return claim


def _it_speaker(r: _Reading, s_start: int) -> Claim | None:
    """ "In December it said": the organisation that spoke last, if there is one; otherwise the sentence is the
    publication's. "It" reaches back a paragraph or so: further back it is more likely the report."""
    return next(
        (
            c
            for c in reversed(r.speakers)
            if c.sentence_end >= s_start - _IT_REACH and _is_organisation(c, r.mentions, r.has_model)
        ),
        None,
    )


def _speaker(
    r: _Reading,
    attr: _Attribution,
    it_speaker: Claim | None,
    sentence_span: tuple[int, int],
    sent_mentions: Sequence[Mention],
    lang: str | None,
) -> _Speaker:
    """Who makes an attributed claim: pronouns, "it" and titles resolved, linked to the tagger's entity."""
    s_start, s_end = sentence_span
    claimant, role, entity_id = attr.claimant, attr.role, None
    lowered = (claimant or "").lower()
    if lowered in _PRONOUNS or lowered in ukru.SLAVIC_PRONOUNS:
        resolved = _resolve_pronoun(r.mentions, s_start, r.last_person, r.last_person_claim_end)
        if resolved is not None:
            claimant, entity_id = resolved
    elif lowered == "it" and it_speaker is not None:
        claimant, entity_id = it_speaker.claimant, it_speaker.claimant_entity_id
    elif _TITLE_RE.match(lowered):
        resolved = _resolve_title(lowered, r.text, s_start, r.speakers, r.mentions, r.has_model)
        if resolved is not None:
            claimant, entity_id = resolved
    elif claimant is not None and attr.claimant_start is not None and attr.claimant_end is not None:
        span = (s_start + attr.claimant_start, s_start + attr.claimant_end)
        if lang:
            entity_id, claimant, role = ukru.link_claimant(sent_mentions, span, r.text, role)
        else:
            entity_id, claimant = _link_claimant(sent_mentions, span[0], span[1], claimant)
    if lang:
        claimant_type = ukru.claimant_type(claimant or "", role, r.text, sent_mentions, r.mentions)
        person = claimant is not None and ukru.is_person(claimant, r.mentions, s_start, s_end)
    else:
        claimant_type = _claimant_type(claimant or "", role, r.text, sent_mentions, r.mentions)
        person = claimant is not None and _looks_like_person(claimant, r.mentions, s_start, s_end)
    if claimant and claimant_type in ("government", "military", "intelligence", "person") and person:
        r.last_person = (_person_name(claimant, r.mentions), entity_id)
        r.last_person_claim_end = s_end
    return _Speaker(claimant, claimant_type, entity_id, role, attr.cue, list(attr.via))


def _claim(
    r: _Reading,
    index: int,
    content: tuple[int, int],
    speaker: _Speaker,
    attr: _Attribution | None,
    quotes: list[str],
    attributed: bool,
    sent_mentions: Sequence[Mention],
) -> Claim:
    s_start, s_end = r.spans[index]
    sentence, work, lang = r.text[s_start:s_end], r.work[s_start:s_end], r.languages[index]
    c_start, c_end = content
    abs_c_start, abs_c_end = s_start + c_start, s_start + c_end
    cue, via = speaker.cue, speaker.via
    if lang:
        hedges = ukru.hedges(sentence, (attr.claimant_start, attr.claimant_end) if attr else (None, None), cue)
        negated = ukru.negated(sentence, cue)
        platform = ukru.platform(sentence)
        channel = ukru.channel(sentence, c_start, c_end, platform) if attr is not None else None
    else:
        hedges = _hedges(sentence, attr, cue)
        negated = bool(_NEGATION_RE.search(sentence)) or (cue is not None and cue.lower() in _DENIAL_CUES)
        platform = _platform(sentence)
        channel = _channel(work, c_start, c_end, platform) if attr is not None else None
        if channel == "interview":
            _interview_outlet(sentence, c_start, c_end, via)
    in_content = [m for m in sent_mentions if m.start >= abs_c_start and m.end <= abs_c_end]
    claim = Claim(
        id=claim_id(r.doc_id, s_start, s_end, abs_c_start, abs_c_end),
        doc_id=r.doc_id,
        sentence=sentence,
        sentence_start=s_start,
        sentence_end=s_end,
        content=r.text[abs_c_start:abs_c_end],
        content_start=abs_c_start,
        content_end=abs_c_end,
        claimant=speaker.claimant,
        claimant_type=speaker.claimant_type,
        cue=cue,
        direct=bool(quotes),
        hedged=bool(hedges),
        hedges=hedges,
        negated=negated,
        claimant_entity_id=speaker.entity_id,
        platform=platform,
        quantities=_quantities(in_content),
        places=_places(sent_mentions),
        dates=[
            # The norm's "start"/"end" are dates; the mention's character offsets get their own keys.
            {**m.norm, "text": m.text, "char_start": m.start, "char_end": m.end, "in_content": m.start >= abs_c_start}
            for m in sent_mentions
            if m.label == "DATE"
        ],
        attributed=attributed,
        claimant_role=speaker.role,
        quotes=quotes,
        channel=channel,
        via=via,
    )
    _credit_quoted_speaker(r, index, claim)
    if r.publisher and claim.via:
        # The document itself is not a carrier between the speaker and the document ("told the Courier").
        own = _carrier_name(r.publisher).lower()
        claim.via = [v for v in claim.via if v.lower() != own]
    return claim


def _interview_outlet(sentence: str, c_start: int, c_end: int, via: list[str]) -> None:
    """ "In an interview with the BBC, the general said": the BBC carried it."""
    outlet = _INTERVIEW_WITH_RE.search(sentence[:c_start] + " " * (c_end - c_start) + sentence[c_end:])
    name = _carrier_name(re.sub(r"(?:\s+(?:of|de|the))+$", "", outlet.group(1))) if outlet else ""
    if name and _is_outlet(name) and name not in via:
        via.append(name)


def _credit_quoted_speaker(r: _Reading, index: int, claim: Claim) -> None:
    """'Zelenskyy spoke on Sunday. “We will rebuild,” per the AP.': the AP quotes the speaker just named."""
    previous = r.by_sentence.get(index - 1)
    if (
        claim.cue == "per"
        and claim.direct
        and previous is not None
        and previous.attributed
        and previous.claimant
        and previous.claimant_type != "media"
        and _named(previous.claimant)
        and "\n" not in r.text[previous.sentence_end : claim.sentence_start]
    ):
        claim.claimant, claim.claimant_type = previous.claimant, previous.claimant_type
        claim.claimant_entity_id, claim.claimant_role = previous.claimant_entity_id, previous.claimant_role


def _remember(
    r: _Reading,
    index: int,
    claim: Claim,
    claimant: str | None,
    attr: _Attribution | None,
    run: tuple[int, int, int] | None,
) -> None:
    """Keep the claim for the sentences after it. ``claimant`` is the attribution's own, before a relay ("per the
    AP") credited the speaker named in the sentence before."""
    r.by_sentence[index] = claim
    if claim.attributed and attr is None and run is not None:
        r.inherits.append((claim, run[0]))
    elif attr is not None and claimant and (_named(claimant) or _TITLE_RE.match(claimant.lower())):
        r.speakers.append(claim)


def _inherit_quotations(r: _Reading, publisher: str | None) -> None:
    """Sentences inside a quotation take its speaker; a quotation whose speaker the text never names stays the
    publication's."""
    for claim, source_index in r.inherits:
        source = r.by_sentence.get(source_index)
        if source is None or not source.attributed:
            continue
        claim.claimant, claim.claimant_type, claim.claimant_entity_id = (
            source.claimant, source.claimant_type, source.claimant_entity_id
        )  # fmt: skip
        claim.cue, claim.channel, claim.via, claim.claimant_role = (
            source.cue, source.channel, list(source.via), source.claimant_role
        )  # fmt: skip
        claim.platform = claim.platform or source.platform
    for claim, _ in r.inherits:
        if claim.cue is None:
            claim.attributed, claim.claimant, claim.claimant_type = False, publisher, "publication"


def _slavic_attribution(sentence: str) -> _Attribution | None:
    found = ukru.attribute(sentence)
    return None if found is None else _Attribution(*found)


# -- finding the attribution ------------------------------------------------------------------------------------


def _attribute(sentence: str) -> _Attribution | None:
    """The main attribution of a sentence, or None when the sentence speaks in the publication's own voice.

    Relays come first: "per the AP", "X reported, citing Y", "X quoted Y as saying" and "Y said, according to X"
    name a speaker and the carrier between the speaker and the document.
    """
    relayed = _relayed(sentence)
    if relayed is not None:
        return relayed
    m = _ACCORDING_START_RE.match(sentence)
    if m:
        who, at, role = _source_name(m.group(1).strip())
        w_start = m.start(1) + at
        return _Attribution(who, w_start, w_start + len(who), role, "according to", m.end(), len(sentence))
    m = _ACCORDING_MID_RE.search(sentence)
    if m and m.start() > 10:
        who = m.group(1).strip()
        # "Peskov said, according to TASS, that ...": the speaker is Peskov, TASS carried it.
        inner = _cut(_attribute(_blank(sentence, m.start(), m.end())), sentence, m.start(), m.end())
        if inner is not None and inner.claimant and inner.cue != "according to" and _named(inner.claimant):
            inner.via = [_carrier_name(who), *inner.via]
            return inner
        who, at, role = _source_name(who)
        w_start = m.start(1) + at
        return _Attribution(who, w_start, w_start + len(who), role, "according to", 0, m.start())
    attr = _quote_then_speaker(sentence)
    if attr is not None:
        return attr
    for match in _CUE_RE.finditer(sentence):
        attr = _verb_attribution(sentence, match)
        if attr is not None:
            return _through_outlet(sentence, attr)
    m = _SPEECH_ACT_RE.search(sentence)
    if m:
        subject = _subject(sentence[: m.start()])
        if subject is not None:
            who, w_start, w_end, role = subject
            return _Attribution(who, w_start, w_end, role, m.group(1).lower(), m.end(), len(sentence))
    for m in _PHRASE_CUE_RE.finditer(sentence):
        subject = _subject(sentence[: m.start()])
        if subject is None:
            continue
        who, w_start, w_end, role = subject
        verb = next(g for g in m.groups() if g).lower()
        if verb.startswith("call") and not (
            re.fullmatch(r"(?:(?:the|The)\s+)?[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,5}", who)
            or re.fullmatch(r"(?:the|The)\s+[\w’'-]+(?:\s+[\w’'-]+)?", who)
            or who.lower() in _PRONOUNS | {"they", "it"}
        ):
            continue  # "a village called Pochep": a name, not speech
        # "put the death toll at 31": the figure is what is claimed, so the phrase stays in the content.
        c_start = m.start() if verb.startswith("put") else m.end()
        return _Attribution(who, w_start, w_end, role, verb, c_start, len(sentence))
    return None


# Speech expressed by a phrase rather than a cue verb: "put the death toll at", "pointed the finger at", "blamed",
# "called the accusation a fabrication".
_PHRASE_CUE_RE = re.compile(
    r"\b(?:has\s+|have\s+|had\s+)?(?:(put|puts)\s+the\s+(?:\w+\s+)?(?:toll|number|figure|count)(?:\s+of\s+\w+)?\s+at"
    r"|(pointed|points)\s+the\s+finger\s+at|(blamed|blames)"
    r"|(called|calls)(?!\s+(?:on|for|in|off|up|back|out|it|him|her|them)\b))\b"
)
_ANALYSIS_BY_RE = re.compile(
    r"(?:an?|the)\s+(?:[\w-]+\s+){0,2}?(?:analysis|report|assessment|count|tally|study|review|estimate|statement|"
    r"survey|investigation|data|figures|update|advisory)\s+(?:by|from|of)\s+",
    re.IGNORECASE,
)


def _source_name(phrase: str) -> tuple[str, int, str | None]:
    """The name in "an analysis by the open-source monitoring group Frontline Fires": (name, offset, description)."""
    at = 0
    m = _ANALYSIS_BY_RE.match(phrase)
    if m and len(phrase) > m.end():
        at = m.end()
    rest = phrase[at:]
    article = re.match(r"(?:the|an?)\s+", rest, re.IGNORECASE)
    if article and rest[article.end() : article.end() + 1].islower():
        split = _name_after_description(rest[article.end() :])
        if split is not None:
            return rest[article.end() + split[0] :], at + article.end() + split[0], split[1]
    return rest, at, None


def _through_outlet(sentence: str, attr: _Attribution) -> _Attribution:
    """ "The army blamed the RSF, the Courier said": the army spoke, the Courier carried it."""
    if attr.content_start != 0 or not attr.claimant or not _is_outlet(attr.claimant):
        return attr
    inner = _attribute(sentence[: attr.content_end])
    if inner is None or not inner.claimant or not _named(inner.claimant) or inner.claimant_start is None:
        return attr
    inner.via = [*inner.via, _carrier_name(attr.claimant)]
    return inner


_OUTLET_WORDS = r"(?:[A-Z][\w.&’'-]*|news agency|newspaper|agency|broadcaster|radio|television|TV|of|de|the)"
# "..., per the AP." / "Per Reuters, ..." : a carrier, named with capitals.
_PER_RE = re.compile(
    r"(?:,\s*|(?<!\s)\s+|^)\b[Pp]er\s+((?:the\s+|The\s+)?[A-Z][\w.&’'-]*(?:\s+" + _OUTLET_WORDS + r"){0,5}?)"
    r"(?:\s*,|(?=\s*[.!?]?[”\"’]?\s*$))"
)
_CITING_RE = re.compile(
    r"(?:,\s*|^\s*)\b(?:(?:which|who)\s+(?:cited|quoted)|[Cc]iting|[Qq]uoting)\s+([^,;]{2,100}?)"
    r"(?:\s*,|(?=\s*;|\s*[.!?]?[”\"’]?\s*$|\s+that\b|\s+as\s+saying\b))"
)
_QUOTED_AS_RE = re.compile(
    r"\b(?:quoted|quotes|quoting|cited|cites)\s+([^,;]{2,80}?)\s+as\s+(?:saying|stating|telling\s+\w+)\b,?\s*(?:that\s+)?"
)
# Outlets a speaker talks to ("told Reuters"), besides names with a media word ("Yonhap news agency").
_OUTLET_NAMES = frozenset(
    name.strip()
    for name in (
        "reuters,ap,associated press,afp,agence france-presse,bbc,cnn,yonhap,tass,interfax,ria novosti,ria,ukrinform,"
        "kyiv independent,kyiv post,ukrainska pravda,bloomberg,politico,axios,nbc,nbc news,cbs,cbs news,abc,abc news,"
        "fox news,sky news,al jazeera,nhk,kyodo,xinhua,dpa,efe,ansa,guardian,new york times,washington post,"
        "wall street journal,financial times,economist,der spiegel,spiegel,le monde,meduza,rbc,kommersant,izvestia,"
        "suspilne,hromadske,voa,voice of america,rferl,radio free europe,radio liberty,anadolu,unian,npr,pbs,cbc,"
        "nikkei,asahi,yomiuri,korea herald,korea times,kcna,rt,sputnik"
    ).split(",")
)


_INTERVIEW_WITH_RE = re.compile(
    r"\binterview with\s+((?:the\s+|The\s+)?[A-Z][\w.&’'-]*(?:\s+" + _OUTLET_WORDS + r"){0,5})"
)


def _blank(sentence: str, start: int, end: int) -> str:
    """The sentence with a span replaced by spaces, so that offsets into it still index the original."""
    return sentence[:start] + " " * (end - start) + sentence[end:]


def _cut(attr: _Attribution | None, sentence: str, start: int, end: int) -> _Attribution | None:
    """Keep a relay phrase that ends the sentence (", per Reuters.") out of the content found around it."""
    if attr is not None and attr.content_start < start < attr.content_end and not sentence[end:].strip(' .!?”"’'):
        attr.content_end = start
    return attr


# Words that name newspapers and sites, beyond the media words claimant typing uses.
_OUTLET_WORD_RE = re.compile(
    r"\b(?:courier|record|chronicle|observer|review|weekly|today|brief|digest|independent|insider|express|mirror|"
    r"standard|register|bulletin|pravda|gazeta|newsroom|press|wire)\b"
)


def _carrier_name(phrase: str) -> str:
    """ "the AP" -> "AP": carriers are named without the article, as publishers are."""
    return re.sub(r"^(?:the|The)\s+", "", phrase.strip()).rstrip(",.;: ")


def _is_outlet(phrase: str) -> bool:
    name = _carrier_name(phrase).lower()
    if name in _OUTLET_NAMES:
        return True
    if re.search(r"\b(?:reporters?|journalists?|correspondents?|media)\b", name):
        return False  # people who ask, not outlets that carry
    capitalised = [w for w in _carrier_name(phrase).split() if w[:1].isupper()]
    return bool(capitalised) and bool(_TYPE_KEYWORDS[2][1].search(name) or _OUTLET_WORD_RE.search(name))


def _named(claimant: str) -> bool:
    """A claimant with a name ("Peskov", "the Kremlin"), not a pronoun or a bare title ("he", "the minister")."""
    lowered = claimant.lower()
    if lowered in _PRONOUNS or lowered in _OTHER_PRONOUNS or _TITLE_RE.match(lowered):
        return False
    return any(w[:1].isupper() for w in claimant.split())


def _relayed(sentence: str) -> _Attribution | None:
    """Attributions that name a carrier: "per X", "X reported, citing Y", "X quoted Y as saying"."""
    m = _PER_RE.search(sentence)
    if m and m.start() > 0:
        carrier = m.group(1).strip()
        if carrier.endswith(".") and not re.search(r"\b[A-Z]\.$", carrier):
            carrier = carrier[:-1]  # the full stop, not an abbreviation's ("per the U.S.")
        inner = _cut(_attribute(_blank(sentence, m.start(), m.end())), sentence, m.start(), m.end())
        if inner is not None and inner.claimant:
            # "“...,” Peskov said, per the AP": the AP carried Peskov's words.
            inner.via = [_carrier_name(carrier), *inner.via]
            return inner
        return _Attribution(
            carrier, m.start(1), m.start(1) + len(carrier), None, "per", 0, m.start(), [_carrier_name(carrier)]
        )
    m = _CITING_RE.search(sentence)
    if m:
        inner = _cut(_attribute(_blank(sentence, m.start(), m.end())), sentence, m.start(), m.end())
        if (
            inner is not None
            and inner.claimant
            and (inner.cue in ("reported", "reports") or _is_outlet(inner.claimant))
        ):
            source = m.group(1).strip()
            return _Attribution(
                source, m.start(1), m.start(1) + len(source), None, inner.cue, inner.content_start,
                inner.content_end, [_carrier_name(inner.claimant), *inner.via],
            )  # fmt: skip
    m = _QUOTED_AS_RE.search(sentence)
    if m:
        subject = _subject(sentence[: m.start()])
        if subject is not None:
            carrier = subject[0]
            source = m.group(1).strip()
            c_start, c_end = m.end(), len(sentence)
            if not sentence[c_start:].strip(' .,;:!?”"’'):
                c_start, c_end = 0, len(sentence[: subject[1]].rstrip().rstrip(","))
            return _Attribution(
                source, m.start(1), m.start(1) + len(source), None, "quoted", c_start, c_end, [_carrier_name(carrier)]
            )
    return None


def _quote_then_speaker(sentence: str) -> _Attribution | None:
    """“Quote,” X said.  /  “Quote,” said X.  /  “Quote,” X wrote on Telegram."""
    m = re.match(r"^\s*[“\"](.+?)[”\"]\s*,?\s*", sentence)
    if not m or m.end() >= len(sentence):
        return None
    rest_at = m.end()
    rest = sentence[rest_at:]
    verbs = "|".join(CUE_VERBS + WEAK_CUE_VERBS)
    after = re.match(
        r"(?:(" + verbs + r")\s+([^,;]+)(?:,\s*((?:a|an|the|who|whose)\s[^,;]+))?"
        r"|(.+?)\s+(?:" + _SUBJECT_ADVERBS + r"\s+)?(" + verbs + r")\b)",
        rest,
    )
    if not after:
        return None
    role = None
    if after.group(1):
        # '“...,” said Katerina Lianou, a war-risk underwriter': the name, then who she is.
        cue, who, w_at = after.group(1), after.group(2), rest_at + after.start(2)
        who = re.split(r"\s+(?:on|in|at|during|after|before|to|from|with|last|this|while|when|as|adding)\b", who)[0]
        who = who.rstrip(' .!?”"’')
        role = after.group(3).rstrip(' .!?”"’') if after.group(3) else None
    else:
        cue, who, w_at = after.group(5), after.group(4), rest_at + after.start(4)
    who = re.split(r"[,;]", who)[0].strip()
    if not who or len(who.split()) > 8 or _starts_with_preposition(who):
        return None
    return _Attribution(who, w_at, w_at + len(who), role, cue.lower(), m.start(1), m.end(1))


def _verb_attribution(sentence: str, match: re.Match[str]) -> _Attribution | None:
    cue = match.group(1)
    before = sentence[: match.start()]
    after_at = match.end()
    after = sentence[after_at:]
    prev_word = before.split()[-1].lower() if before.split() else ""
    if prev_word in _DETERMINERS or prev_word.endswith("’s") or prev_word.endswith("'s"):
        return None  # "the claim that", "an estimated 11,000": a noun or an adjective, not a cue
    weak = cue in WEAK_CUE_VERBS and not re.match(r"(?:\s+\S+){0,6}?\s*(?:that\b|:|[“\"])", after)
    if re.match(r"\s+(?:by|as|with)\b", after) and cue.endswith("ed"):
        return None  # passive or participle: "was reported by", "reported as"
    if cue in ("said", "reported", "believed", "alleged") and re.match(r"\s+to\s+(?:be|have|number|total)\b", after):
        return None  # "officials said to be in Kyiv": what is said of someone, not what they say
    subject = _subject(before)
    if subject is None:
        return None if weak else _inverted_speaker(sentence, match)
    who, w_start, w_end, role = subject
    c_start, c_end = _complement(sentence, after_at)
    remainder = sentence[c_start:c_end].strip(' .,;:!?”"’')
    head = sentence[:w_start].rstrip()
    if role and head.endswith(role):
        # "..., regional governor Alexander Bogomaz said." / "..., the research group Sudan Witness Lab said."
        head = re.sub(r"(?:^|\s)(?:the|a|an|The|A|An)$", "", head[: -len(role)].rstrip()).rstrip()
    head_ends = head.endswith((",", "”", '"'))
    told_whom = cue in ("told", "tells") and _AUDIENCE_ONLY.fullmatch(remainder) is not None
    if not remainder or (head_ends and (_ADVERBIAL_ONLY.fullmatch(remainder) or told_whom)):
        # "North Korea sent troops, the ministry said."  The content precedes the speaker.
        if not head_ends:
            return None
        c_start, c_end = 0, len(head.rstrip(","))
    elif weak:
        return None  # "Zelenskyy shared a picture": publishing, not speech
    via: list[str] = []
    if cue in ("told", "tells"):
        # "a source told Reuters": Reuters carried it; "told reporters" names no carrier.
        obj = re.match(r"\s+((?:the\s+|The\s+)?[A-Z][\w.&’'-]*(?:\s+" + _OUTLET_WORDS + r"){0,5})", after)
        name = re.sub(r"(?:\s+(?:of|de|the))+$", "", obj.group(1)) if obj else ""
        if name and _is_outlet(name):
            via = [_carrier_name(name)]
    return _Attribution(who, w_start, w_end, role, cue.lower(), c_start, c_end, via)


# Who was told, when the content came first: "..., the secretary told reporters." / "..., X told Reuters on Monday."
_AUDIENCE_ONLY = re.compile(
    r"(?:(?:the\s+)?(?:reporters|journalists|press|media|lawmakers|parliament|a\s+news\s+conference|a\s+briefing)|"
    r"(?:the\s+)?[A-Z][\w.&’'-]*(?:\s+[A-Z][\w.&’'-]*){0,4})"
    r"(?:\s+(?:on|in|at|late|early|this|last|during|yesterday|today)\b[^,;]{0,40})?"
)
# What may follow a cue when the content came first: "..., Zelenskyy said on Saturday."
_ADVERBIAL_ONLY = re.compile(
    r"(?:(?:on|in|at|last|this|earlier|later|late|during|yesterday|today|tonight|in a (?:statement|post|video)|"
    r"on (?:X|Telegram|Twitter|Facebook)|to reporters|to journalists|to the press|via)\b[^,;]{0,40}|(?:also|too|again))"
)


def _inverted_speaker(sentence: str, match: re.Match[str]) -> _Attribution | None:
    """ "..., said John Kirby." """
    before = sentence[: match.start()].rstrip()
    if not before.endswith((",", "”", '"')):
        return None
    tail = sentence[match.end() :]
    m = re.match(r"\s+((?:[A-Z][\w.’'-]*\s*){1,5})(?:,\s*([^.]+))?[.!?]?\s*$", tail)
    if not m:
        return None
    who = m.group(1).strip()
    w_start = match.end() + m.start(1)
    role = m.group(2).strip() if m.group(2) else None
    return _Attribution(who, w_start, w_start + len(who), role, match.group(1).lower(), 0, len(before.rstrip(",")))


# An appositive after the speaker's name: "a spokesman for ...", "who ...", "pressed by reporters".
_APPOSITIVE_RE = re.compile(r"\s*(?:a|an|the|who|which|its|his|her|[a-z]+ (?:of|for|at)|[a-z]+ed)\b")


def _subject(before: str) -> tuple[str, int, int, str | None] | None:
    """The claimant noun phrase ending right before a cue verb, with an appositive role if there is one."""
    core = _TRAILING_ADVERBS_RE.sub("", before)
    role = None
    stripped = core.rstrip()
    if stripped.endswith(","):
        # "John Kirby, a spokesman for the White House National Security Council, said"
        parts = stripped[:-1].rsplit(",", 1)
        if len(parts) == 2 and _APPOSITIVE_RE.match(parts[1]):
            role = parts[1].strip()
            stripped = parts[0]
            seg_at = stripped.rfind(",") + 1
        elif len(parts) == 2 and re.fullmatch(r"\s*(?:[A-Z][\w.’'-]+\s*){1,4}", parts[1]):
            # "A spokeswoman for the SBU, Iryna Koval, said": the role comes first, then the name.
            role_at = parts[0].rfind(",") + 1
            role = parts[0][role_at:].strip()
            if not re.match(r"(?:a|an|the)\s", role, re.IGNORECASE):
                return None
            stripped = stripped[:-1]
            seg_at = len(parts[0]) + 1
        else:
            return None
    else:
        seg_at = max(stripped.rfind(","), stripped.rfind(";"), stripped.rfind(":"), stripped.rfind("—")) + 1
    segment = stripped[seg_at:]
    lead = len(segment) - len(segment.lstrip())
    seg_text = segment.strip()
    # The close of a quotation before the speaker: '... in Kyiv,” Zelenskyy said'.
    mark = re.match(r"[”\"’“‘—–-]+\s*", seg_text)
    if mark:
        lead += mark.end()
        seg_text = seg_text[mark.end() :]
    conj = _LEADING_CONJ_RE.match(seg_text)
    if conj:
        lead += conj.end()
        seg_text = seg_text[conj.end() :]
    adverb = _LEADING_ADVERB_RE.match(seg_text)
    if adverb and len(seg_text.split()) > 1:
        lead += adverb.end()
        seg_text = seg_text[adverb.end() :]
    # A leading prepositional phrase without a comma: "On Saturday Zelenskyy said", "Last week officials said".
    pp = re.match(
        r"^(?:(?:On|In|At|During|Since|Last|Earlier|Later|This|After|Before)\s+[\w’']+\s+)(?=[A-Z])", seg_text
    )
    if pp and len(seg_text.split()) > 2:
        lead += pp.end()
        seg_text = seg_text[pp.end() :]
    clause = re.match(r".*\b(?:after|before|since|because|until|once|although|though|whereas)\s+(?=\S)", seg_text)
    if clause and clause.start() == 0 and len(seg_text) > clause.end():
        # "The strike came hours after Russia's Defence Ministry said": the speaker is the clause's subject.
        lead += clause.end()
        seg_text = seg_text[clause.end() :]
    opener = seg_text.split()[0] if seg_text.split() else ""
    if opener.lower() in _PREPOSITIONS | _OPENING_ADVERBS or re.fullmatch(r"[A-Z][a-z]+ing", opener):
        # A longer opening phrase: "In late December it said", "Earlier this week the ministry said", "Speaking on
        # television the governor said". The speaker starts at a pronoun, an article, or a capital after a
        # lower-case word; without one ("With South Korean officials"), the phrase is not a speaker at all.
        at = _after_opening_phrase(seg_text, 2 if opener.lower() in _PREPOSITIONS else 1)
        if at is None:
            return None
        lead += at
        seg_text = seg_text[at:]
    if not seg_text:
        return None
    words = seg_text.split()
    if len(words) > 2 and words[-1] in ("and", "but") and words[0][:1].isupper():
        # "RSF spokesman Osman Adam Hamid called the accusation a fabrication and said": the subject of the first
        # verb, which is the name at the start.
        chunk = re.match(
            r"(?:[A-Z][\w.’'-]*|spokes(?:man|woman|person)|chief|head|minister|governor)(?:\s+|$)", seg_text
        )
        name = re.match(
            r"(?:(?:[A-Z][\w.’'-]*|spokes(?:man|woman|person)|chief|head|minister|governor)\s+)*[A-Z][\w.’'-]*",
            seg_text,
        )
        if chunk is None or name is None:
            return None
        seg_text = name.group()
        words = seg_text.split()
    if len(words) > 12 or _STOP_SUBJECT.search(seg_text):
        return None
    first = words[0]
    if first.lower() in ("the", "a", "an") and len(words) > 1:
        first = words[1]  # "the Ukrainian military", "a spokesman", "the report"
        if first.lower() in _DETERMINERS:
            return None
        split = _name_after_description(seg_text[len(words[0]) :].lstrip()) if first[:1].islower() else None
        if split is not None and split[1].split()[-1].lower() not in _PLURAL_SPEAKERS:
            # "the independent research group Sudan Witness Lab": the name is the claimant.
            at = len(seg_text) - len(seg_text[len(words[0]) :].lstrip()) + split[0]
            lead += at
            seg_text = seg_text[at:]
            words = seg_text.split()
            role = role or split[1]
    elif first in ("his", "her", "their", "its", "His", "Her", "Their", "Its") and 2 <= len(words) <= 4:
        pass  # "his wife told the Philippine Daily Record": a relation of someone named before
    elif not (first[0].isupper() or first[0].isdigit() or first.lower() in _PRONOUNS | _OTHER_PRONOUNS):
        if not re.match(r"(?:" + "|".join(_PLURAL_SPEAKERS) + r")\b", first):
            # "regional governor Alexander Bogomaz", "maritime security firm Ambrey": the name is the claimant,
            # the description before it its role.
            split = _name_after_description(seg_text)
            if split is None:
                return None
            at, description = split
            lead += at
            seg_text = seg_text[at:]
            words = seg_text.split()
            role = role or description
    if words[-1].lower() in _DETERMINERS or words[-1].lower() in {"of", "for", "in", "on", "at", "by", "with"}:
        return None
    if first.lower() in _OTHER_PRONOUNS and first.lower() not in ("they", "it") and len(words) == 1:
        return None
    start = seg_at + lead
    return seg_text, start, start + len(seg_text), role


_PREPOSITIONS = frozenset(
    "with in on at for from by after before during since despite among amid amidst under over into through to of "
    "about against between without within along together following upon across near behind beyond like unlike via "
    "per throughout toward towards around".split()
)
_LEADING_ADVERB_RE = re.compile(
    r"(?:Separately|Still|Also|Instead|Indeed|Elsewhere|Additionally|Moreover|Furthermore|Previously|Initially|"
    r"Officially|Publicly|Afterwards|Subsequently|Similarly|Likewise|Ultimately|Finally|Recently|Notably|Meanwhile|"
    r"However|Nevertheless|Nonetheless|Otherwise|Again)\s+(?=\S)"
)
# Openers of a time phrase before the speaker: "Earlier this week the ministry said".
_OPENING_ADVERBS = frozenset("earlier later late last this early next now then today yesterday overnight".split())
_PLURAL_SPEAKERS = ("officials", "sources", "analysts", "experts", "observers", "witnesses", "residents", "authorities")


def _starts_with_preposition(phrase: str) -> bool:
    words = phrase.split()
    return bool(words) and words[0].lower() in _PREPOSITIONS


def _name_after_description(phrase: str) -> tuple[int, str] | None:
    """Where a capitalised name starts after a lower-case description, and the description; None without one."""
    words = list(re.finditer(r"\S+", phrase))
    for k in range(1, min(len(words), 6)):
        if all(w.group()[:1].isupper() for w in words[k:]) and words[k].group()[:1].isupper():
            description = phrase[: words[k].start()].strip()
            if any(w.group().lower() in _PREPOSITIONS | _DETERMINERS for w in words[:k]):
                return None
            return words[k].start(), description
    return None


def _after_opening_phrase(seg_text: str, first: int) -> int | None:
    """Where the speaker starts after a sentence-initial phrase, or None when nothing does."""
    words = list(re.finditer(r"\S+", seg_text))
    for k in range(first, len(words)):
        word, prev = words[k].group(), words[k - 1].group()
        if word.lower() in _PRONOUNS | {"it", "they", "we", "the", "a", "an"}:
            return words[k].start()
        if word.lower() in _PLURAL_SPEAKERS and not any(w.group()[:1].isupper() for w in words[k + 1 :]):
            return words[k].start()
        if word[:1].isupper() and (k == 1 or not prev[:1].isupper()) and prev.lower() not in _PREPOSITIONS:
            return words[k].start()
    return None


_TITLE_RE = re.compile(
    r"^the (?:(?:foreign|defen[cs]e|interior|prime|health|finance|deputy|economy|justice|energy|emergencies|"
    r"agriculture|education|culture|digital|environment|transport|trade|news|space|intelligence|nuclear|atomic) )?"
    r"(?:president|minister|ministry|agency|governor|mayor|spokes(?:man|woman|person)|chancellor|premier|"
    r"ambassador|commander|company|group|firm|lab|laboratory|organisation|organization|charity|monitor|operator|"
    r"department|office|service|council|committee|commission)$"
)
_TITLE_LOOKBACK = 30
_IT_REACH = 600  # characters between an organisation's claim and the "it" that refers to it
_TITLE_WINDOW = 5000
_ORG_TITLES = (
    "ministry", "agency", "company", "group", "firm", "lab", "laboratory", "organisation", "organization", "charity",
    "monitor", "operator", "department", "office", "service", "council", "committee", "commission",
)  # fmt: skip


def _is_organisation(claim: Claim, mentions: Sequence[Mention], has_model: bool) -> bool:
    """Whether an earlier claimant is an organisation (something "it" or "the company" can be), not a person."""
    if claim.claimant_type in ("anonymous", "publication") or not claim.claimant:
        return False
    if has_model:
        return not any(
            m.label == "PERSON" and m.text in claim.claimant and claim.sentence_start <= m.start < claim.sentence_end
            for m in mentions
        )
    return claim.claimant_type != "person" or bool(_ORG_WORD_RE.search(claim.claimant))


# Words that make a capitalised name an organisation's, for when no tagger says so.
_ORG_WORD_RE = re.compile(
    r"\b(?:Lines|Group|Labs?|Management|Ltd|Inc|Company|Corp|Corporation|Holdings|Shipping|Bulk|Agency|Ministry|"
    r"Command|Service|Council|Forces|Army|Navy|Office|Committee|Commission|Institute|Foundation|Monitor|Watch|Room|"
    r"Network|Centre|Center|Association|Union|Bank|Fund|Authority|Operations|Staff|Police|Guard)\b"
)


def _resolve_title(
    title: str,
    text: str,
    s_start: int,
    speakers: Sequence[Claim],
    mentions: Sequence[Mention],
    has_model: bool,
) -> tuple[str, str | None] | None:
    """ "The president", "the ministry": the last earlier named claimant the text gives that title.

    Failing that, the last name the text gives the title before the sentence ("Defence Minister Rustem Umerov",
    "Russia's Defence Ministry"); an earlier claimant with the same surname keeps its own spelling.
    """
    words = title.split()[1:]
    pattern = re.compile(r"\b" + r"\s+".join(re.escape(w).replace("defen[cs]e", "defen[cs]e") for w in words), re.I)
    # The nearest speakers only: a title refers back a few paragraphs, and each descriptor scans the text.
    candidates = [c for c in reversed(speakers) if c.claimant and _named(c.claimant)]
    for claim in candidates[:_TITLE_LOOKBACK]:
        if claim.claimant and pattern.search(_descriptor(claim, text)):
            return claim.claimant, claim.claimant_entity_id
    # A few paragraphs back is as far as a title refers; scanning further would make long texts quadratic.
    window = max(0, s_start - _TITLE_WINDOW)
    before = text[window:s_start]
    head = re.escape(words[-1])
    found: re.Match[str] | None = None
    if words[-1] in _ORG_TITLES:
        org = re.compile(
            r"((?:[A-Z][\w’'.-]*\s+){1,4}(?i:" + head + r")(?:\s+of\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)?"
            r"|(?:[Tt]he\s+)?(?i:" + head + r")\s+of\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)"
        )
        for m in org.finditer(before):
            if not m.group(1).lower().startswith(("the " + words[-1], words[-1])) or " of " in m.group(1):
                found = m
    else:
        name = r"((?:[A-Z][\w’'-]+\s+){0,2}[A-Z][\w’'-]+)"
        person = re.compile(
            r"(?i:" + r"\s+".join(re.escape(w) for w in words) + r")\s+" + name + r"|" + name
            + r",\s+(?:the|a|an)\s+(?:[\w’'-]+\s+){0,3}?(?i:" + head + r")\b"
        )  # fmt: skip
        for m in person.finditer(before):
            found = m
    if found is None:
        if words[-1] not in _ORG_TITLES:
            return None
        # "The chief engineer was hurt, the company said": the organisation that spoke last. An outlet is "the
        # agency" only as a news agency.
        for claim in candidates:
            if _is_organisation(claim, mentions, has_model) and claim.claimant:
                if claim.claimant_type != "media" or words[-1] == "agency":
                    return claim.claimant, claim.claimant_entity_id
        return None
    group = next((i for i in range(1, (found.re.groups or 0) + 1) if found.group(i)), 0)
    span_start, span_end = found.span(group)
    span_start, span_end = span_start + window, span_end + window
    named = text[span_start:span_end].strip()
    if words[-1] not in _ORG_TITLES:
        surname = named.split()[-1].lower()
        for claim in candidates:
            if claim.claimant and claim.claimant.split()[-1].lower() == surname:
                return claim.claimant, claim.claimant_entity_id
    entity = next(
        (m.entity_id for m in mentions if m.start < span_end and m.end > span_start and m.label in ("PERSON", "ORG")),
        None,
    )
    return named, entity


def _descriptor(claim: Claim, text: str) -> str:
    """A claimant with the words the text puts around its name: "Ukrainian President ... Zelenskyy", "Yonhap news
    agency"."""
    name = claim.claimant or ""
    parts = [name, claim.claimant_role or ""]
    last = name.split()[-1] if name.split() else ""
    if last:
        for m in itertools.islice(re.finditer(re.escape(last.rstrip("y")) + r"\w*", text), 5):
            parts.append(" ".join(text[max(0, m.start() - 80) : m.start()].split()[-4:]))
            parts.append(" ".join(text[m.end() : m.end() + 40].split()[:2]))
    return " ".join(parts)


def _follows_a_quote(text: str, spans: Sequence[tuple[int, int]], index: int, by_sentence: dict[int, Claim]) -> bool:
    """Whether a sentence that is one whole quotation directly follows, in the same paragraph, a quoted claim."""
    a, b = spans[index]
    previous = by_sentence.get(index - 1)
    if previous is None or not previous.direct or not previous.attributed:
        return False
    if "\n" in text[spans[index - 1][1] : a]:
        return False
    return bool(re.fullmatch(r"[“\"][^“”\"]+[”\"]", text[a:b].strip()))


def _quoted_runs(
    text: str, spans: Sequence[tuple[int, int]], attrs: Sequence[_Attribution | None]
) -> dict[int, tuple[int, int, int]]:
    """Quotations that span sentences: sentence index -> (index of the attributing sentence, start, end of the
    quoted part in that sentence).

    The speaker is named after the closing mark ('... They are in Kyiv,” Zelenskyy said.') or before the opening one
    ('Zelenskyy said: “We took two. They are in Kyiv.”'). A quotation runs on over a paragraph break only when the
    next paragraph opens with a quote mark again, as news style writes a quotation of several paragraphs.
    """
    out: dict[int, tuple[int, int, int]] = {}
    members: list[tuple[int, int, int]] = []  # (sentence index, start, end) of the open quotation so far
    open_mark = -1  # sentence-relative offset of the opening mark in the first member
    for index, (a, b) in enumerate(spans):
        sentence = text[a:b]
        if members and "\n" in text[spans[index - 1][1] : a] and not sentence.lstrip().startswith(("“", '"')):
            members = []  # the quotation was never closed: no speaker to give it
        start = 0
        closed_at: int | None = None
        for m in re.finditer(r"[“”\"]", sentence):
            mark = m.group()
            opening = mark == "“" or (mark == '"' and not members)
            if opening:
                if not members:
                    members, open_mark = [(index, m.end(), len(sentence))], m.start()
                elif members[-1][0] != index:
                    start = m.end()  # a paragraph that reopens the quotation
            elif members:
                closed_at = m.start()
                if members[-1][0] == index:
                    members[-1] = (index, members[-1][1], closed_at)
                else:
                    members.append((index, start, closed_at))
                if len({i for i, _, _ in members}) > 1:
                    _attribute_run(members, open_mark, spans, attrs, out)
                members = []
        if members and members[-1][0] != index:
            members.append((index, start, len(sentence)))
        if len(members) > 12:
            members = []  # an unbalanced mark, not a quotation
    return out


def _attribute_run(
    members: list[tuple[int, int, int]],
    open_mark: int,
    spans: Sequence[tuple[int, int]],
    attrs: Sequence[_Attribution | None],
    out: dict[int, tuple[int, int, int]],
) -> None:
    first, last = members[0][0], members[-1][0]
    closing = members[-1][2]
    after = attrs[last]
    before = attrs[first]
    source: int | None = None
    if after is not None and after.claimant_start is not None and after.claimant_start > closing:
        source = last
    elif before is not None and before.claimant_start is not None and before.claimant_start < open_mark:
        source = first
    if source is None:
        return
    for index, start, end in members:
        out[index] = (source, start, end)


def _channel(sentence: str, c_start: int, c_end: int, platform: str | None) -> str | None:
    """Where the claimant said it, read from the attribution (the sentence outside the content)."""
    outside = sentence[:c_start] + " " * (c_end - c_start) + sentence[c_end:]
    for name, pattern in _CHANNELS:
        if pattern.search(outside):
            return name
    # "put the death toll at 31 in a statement on Facebook": the channel phrase can end the content itself.
    tail = _CHANNEL_TAIL_RE.search(sentence)
    if tail:
        return next(name for name, pattern in _CHANNELS if pattern.search(tail.group()))
    if platform is not None:
        return f"post on {platform}"
    if re.search(r"\b(?:in an? (?:\w+ )?post|posted|wrote online)\b", outside):
        return "post"
    return None


_CHANNEL_TAIL_RE = re.compile(
    r"\b(?:in|at|during) (?:an?|its|his|her|their) (?:\w+ )?(?:statement|briefing|interview|(?:press|news) conference|"
    r"(?:video|televised|nightly|evening) (?:address|message))\b[^,;]{0,40}[.!?”\"’]*$",
    re.IGNORECASE,
)
_CHANNELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("press conference", re.compile(r"\b(?:press|news) conference\b", re.I)),
    ("briefing", re.compile(r"\bbriefing\b", re.I)),
    ("interview", re.compile(r"\binterview\b", re.I)),
    (
        "video address",
        re.compile(r"\b(?:video|televised|nightly|evening) (?:address|message)\b|\bin an? address\b", re.I),
    ),
    ("statement", re.compile(r"\bstatement\b", re.I)),
)


def _complement(sentence: str, at: int) -> tuple[int, int]:
    """The span of what was said: after "that" when it comes within a few words, else right after the cue."""
    after = sentence[at:]
    m = re.match(r"(?:[^“\"]{0,80}?)\bthat\b\s*", after)
    if m and not re.search(r"[.;]", after[: m.start() + len(m.group())]) and len(m.group().split()) <= 9:
        return at + m.end(), len(sentence)
    m = re.match(r"\s*(?:,|:)?\s*", after)
    start = at + (m.end() if m else 0)
    # Skip a short adverbial between the cue and a quote: "said on Saturday: “...”".
    q = re.match(r"[^“\"]{0,40}?[:,]\s*(?=[“\"])", sentence[start:])
    if q:
        start += q.end()
    return start, len(sentence)


def _trim_span(sentence: str, start: int, end: int) -> tuple[int, int]:
    while start < end and sentence[start] in " ,:;—-":
        start += 1
    while end > start and sentence[end - 1] in " .,;:!?":
        end -= 1
    # Drop enclosing quote marks when the whole content is one quotation.
    seg = sentence[start:end]
    if len(seg) > 2 and seg[0] in '“"' and seg[-1] in '”"' and seg.count("“") + seg.count('"') <= 2:
        start, end = start + 1, end - 1
        while end > start and sentence[end - 1] in " .,;:!?":
            end -= 1
    # A mark left over from a quotation that began or ends in another sentence ('They are in Kyiv,”').
    seg = sentence[start:end]
    if (seg.endswith("”") and seg.count("”") > seg.count("“")) or (seg.endswith('"') and seg.count('"') % 2):
        end -= 1
        while end > start and sentence[end - 1] in " .,;:!?":
            end -= 1
    seg = sentence[start:end]
    if (seg.startswith("“") and seg.count("“") > seg.count("”")) or (seg.startswith('"') and seg.count('"') % 2):
        start += 1
    return start, end


def _quotes_in(sentence: str, c_start: int, c_end: int) -> list[str]:
    out = []
    for m in _QUOTE_RE.finditer(sentence):
        if m.end() > c_start and m.start() < c_end + 2:
            q = next(g for g in m.groups() if g is not None)
            out.append(q.strip(" ,.").strip())
    if not out:
        # The content itself was a quotation whose marks _trim_span removed.
        if c_start > 0 and sentence[c_start - 1] in '“"' and c_end < len(sentence) and sentence[c_end] in '”",.':
            out.append(sentence[c_start:c_end])
    return out


def _hedges(sentence: str, attr: _Attribution | None, cue: str | None) -> list[str]:
    out: list[str] = []
    region = sentence
    if attr is not None and attr.claimant_start is not None and attr.claimant_end is not None:
        region = sentence[: attr.claimant_start] + " " * (attr.claimant_end - attr.claimant_start)
        region += sentence[attr.claimant_end :]
    for m in _HEDGE_RE.finditer(region):
        h = m.group().lower()
        if h == "estimated" and "an estimated" in out:
            continue
        if h not in out and not (cue and h == cue.lower()):
            out.append(h)
    if cue and cue.lower() in _HEDGING_CUES and cue.lower() not in out:
        out.insert(0, cue.lower())
    return out


def _platform(sentence: str) -> str | None:
    m = _PLATFORM_RE.search(sentence)
    if m:
        name = next(g for g in m.groups() if g is not None)
        key = "x" if name.startswith("X") else name.lower()
        return PLATFORMS.get(key, name)
    if _TWEET_RE.search(sentence):
        return "X"
    return None


# -- entities, claimant typing and pronouns ---------------------------------------------------------------------


def _link_claimant(sent_mentions: Sequence[Mention], start: int, end: int, claimant: str) -> tuple[str | None, str]:
    """The entity id of the PERSON/ORG mention inside the claimant phrase (the last one: the head of the phrase)."""
    inside = [
        m
        for m in sent_mentions
        if m.start >= start and m.end <= end and m.label in ("PERSON", "ORG", "LOC", "GPE", "NORP")
    ]
    if not inside:
        return None, claimant
    people = [m for m in inside if m.label == "PERSON"] or [m for m in inside if m.label == "ORG"] or inside
    head = people[-1]
    return head.entity_id, claimant


def _person_name(claimant: str, mentions: Sequence[Mention]) -> str:
    """The name part of "Ukrainian President Volodymyr Zelenskyy": the longest PERSON mention inside it."""
    names = [m.text for m in mentions if m.label == "PERSON" and m.text in claimant]
    return max(names, key=len) if names else claimant


def _looks_like_person(claimant: str, mentions: Sequence[Mention], s_start: int, s_end: int) -> bool:
    if any(m.label == "PERSON" and m.text in claimant for m in mentions if s_start <= m.start < s_end):
        return True
    words = claimant.split()
    if not 1 <= len(words) <= 5 or any(w.lower() in ("the", "and", "its", "of", "for") for w in words):
        return False
    if not all(w[0].isupper() for w in words):
        return False
    if claimant.lower() in _STATES:
        return False
    return not _TYPE_KEYWORDS[2][1].search(claimant) or len(words) > 1


def _resolve_pronoun(
    mentions: Sequence[Mention], s_start: int, last_person: tuple[str, str | None] | None, last_claim_end: int
) -> tuple[str, str | None] | None:
    """ "He"/"she": the nearest previous person, when the text leaves no doubt who that is.

    Candidates are the PERSON mentions since the last claim by a named individual; one distinct person, or the
    previous speaker among them, is clear. Without a tagger, the previous named speaker is used.
    """
    window_from = min(last_claim_end, s_start) if last_person else 0
    window_from = max(0, min(window_from, s_start))
    candidates = [m for m in mentions if m.label == "PERSON" and m.end <= s_start and m.start >= window_from]
    if last_person is not None:
        name, eid = last_person
        if not candidates:
            return name, eid
        last_names = {name.split()[-1].lower()}
        if any(m.text.split()[-1].lower() in last_names or (eid and m.entity_id == eid) for m in candidates):
            return name, eid
        distinct = {(m.entity_id or m.text.split()[-1].lower()) for m in candidates}
        if len(distinct) == 1:
            return candidates[-1].text, candidates[-1].entity_id
        return None
    earlier = [m for m in mentions if m.label == "PERSON" and m.end <= s_start]
    if earlier:
        return earlier[-1].text, earlier[-1].entity_id
    return None


def _claimant_type(
    claimant: str,
    role: str | None,
    text: str,
    sent_mentions: Sequence[Mention],
    mentions: Sequence[Mention],
) -> str:
    phrase = f"{claimant} {role or ''}".strip()
    lowered = claimant.lower().strip()
    if not phrase:
        return "unknown"
    named = any(w[:1].isupper() for w in claimant.split()[1:]) or (
        claimant[:1].isupper() and claimant.split()[0].lower() not in _DETERMINERS | {"one", "two", "several"}
    )
    if _ANONYMOUS_RE.search(claimant) and not re.search(r"[A-Z]", claimant[1:]):
        return "anonymous"
    for kind, pattern in _TYPE_KEYWORDS:
        if pattern.search(phrase):
            return kind
    if lowered in _STATES or lowered.removeprefix("the ") in _STATES:
        return "government"
    if any(m.label in ("LOC", "GPE") and m.text == claimant for m in sent_mentions):
        return "government"
    if named and _looks_like_person(claimant, mentions, 0, len(text)):
        # The role is often given once, at first mention: "Ukrainian President Volodymyr Zelenskyy".
        surname = re.escape(claimant.split()[-1].rstrip("y"))
        # The four words before each mention of the surname, plus an appositive after it. (Found by slicing back
        # from each hit: a regex that matched the words too re-scanned the text at every position, and was slow.)
        for m in re.finditer(surname + r"\w*(,\s+[^,]{3,80},)?", text):
            before = text[max(0, m.start() - 120) : m.start()]
            words = before.split()[-4:] if before[-1:].isspace() else []
            context = (" ".join(words) + " " if words else "") + (m.group(1) or "")
            for kind, pattern in _TYPE_KEYWORDS:
                if kind != "media" and pattern.search(context):
                    return kind
        return "person"
    if any(m.label == "ORG" for m in sent_mentions if m.text in claimant):
        return "organisation"
    return "unknown"


# -- quantities and places --------------------------------------------------------------------------------------


def _quantities(in_content: Sequence[Mention]) -> list[Quantity]:
    """The content's QUANTITY mentions with a value, as the claim's figures, with the hedges the reader found."""
    out = []
    for m in in_content:
        if m.label != "QUANTITY":
            continue
        number = _number(m.norm.get("value"))
        if number is None:
            continue
        bound = m.norm.get("bound")
        out.append(
            Quantity(
                value=number,
                text=m.text,
                unit=m.norm.get("unit"),
                counted=m.norm.get("counted"),
                start=m.start,
                end=m.end,
                approximate=bool(m.norm.get("approximate", False)),
                modifiers=[str(h) for h in m.norm.get("modifiers") or ()],
                bound="lower" if bound == "lower" else "upper" if bound == "upper" else None,
                value_max=_number(m.norm.get("value_max")),
            )
        )
    return out


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _places(sent_mentions: Sequence[Mention]) -> list[str]:
    out: list[str] = []
    for m in sent_mentions:
        if m.label in ("LOC", "GPE") and m.text not in out:
            out.append(m.text)
    return out
