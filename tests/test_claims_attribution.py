"""Attribution that credits the speaker, not the outlet (issue 19, part 6): speech after a quotation, relays
("per the AP", "X reported, citing Y", "Y told X"), quotations over several sentences, coreference, channels.

Every text here is written for these tests.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osintkit.claims import extract_claims
from osintkit.claims.extract import claim_id
from osintkit.model import Claim, Document

PUBLISHER = "Harbour Gazette"


def _doc(text: str) -> Document:
    return Document(
        id="doc-test0000000000",
        text=text,
        sha256="0" * 64,
        loader="text",
        retrieved="2025-03-02T12:00:00Z",
        source=PUBLISHER,
        published="2025-03-02T00:00:00Z",
    )


def _claims(text: str) -> list[Claim]:
    # No mentions: attribution is syntactic, so these run without the model.
    return extract_claims(_doc(text), mentions=[])


def _one(sentence: str) -> Claim:
    claims = _claims(sentence)
    assert len(claims) == 1, [c.sentence for c in claims]
    return claims[0]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("“We have restored power to the city,” Zelenskyy wrote on Telegram.",
         {"claimant": "Zelenskyy", "cue": "wrote", "content": "We have restored power to the city", "direct": True,
          "channel": "post on Telegram", "platform": "Telegram", "via": []}),
        ("“The ferry crossed safely,” Mayor Ana Lind posted on X.",
         {"claimant": "Mayor Ana Lind", "cue": "posted", "direct": True, "channel": "post on X", "platform": "X"}),
        ("Two drones were shot down overnight, the governor mentioned.",
         {"claimant": "the governor", "cue": "mentioned", "content": "Two drones were shot down overnight",
          "direct": False}),
        ("Moscow accused Kyiv of shelling the power plant.",
         {"claimant": "Moscow", "cue": "accused", "content": "Kyiv of shelling the power plant",
          "claimant_type": "government"}),
        ("“We will respond in kind,” Peskov said, per the AP.",
         {"claimant": "Peskov", "cue": "said", "content": "We will respond in kind", "direct": True, "via": ["AP"]}),
        ("“Nobody on board was hurt,” per the AP.",
         {"claimant": "the AP", "cue": "per", "content": "Nobody on board was hurt", "direct": True, "via": ["AP"],
          "claimant_type": "media"}),
        ("Three cargo ships left the port on Sunday, per Reuters.",
         {"claimant": "Reuters", "cue": "per", "content": "Three cargo ships left the port on Sunday",
          "via": ["Reuters"]}),
        ("Three cargo ships left the port, according to the harbour office.",
         {"claimant": "the harbour office", "cue": "according to", "via": []}),
        ("Peskov said, according to TASS, that the talks were over.",
         {"claimant": "Peskov", "cue": "said", "content": "the talks were over", "via": ["TASS"]}),
        ("“The talks are over,” Peskov said, according to TASS.",
         {"claimant": "Peskov", "content": "The talks are over", "direct": True, "via": ["TASS"]}),
        ("Yonhap reported, citing the NIS, that more troops had arrived in Kursk.",
         {"claimant": "the NIS", "cue": "reported", "content": "more troops had arrived in Kursk", "via": ["Yonhap"],
          "claimant_type": "intelligence"}),
        ("More troops had arrived in Kursk, Yonhap reported, citing the NIS.",
         {"claimant": "the NIS", "content": "More troops had arrived in Kursk", "via": ["Yonhap"]}),
        ("Citing military sources, TASS reported that the village was taken.",
         {"claimant": "military sources", "content": "the village was taken", "via": ["TASS"]}),
        ("Ria Novosti reported, quoting the regional governor, that the fire was out.",
         {"claimant": "the regional governor", "content": "the fire was out", "via": ["Ria Novosti"]}),
        ("TASS quoted Dmitry Peskov as saying that the talks were over.",
         {"claimant": "Dmitry Peskov", "cue": "quoted", "content": "the talks were over", "via": ["TASS"]}),
        ("A port official told Reuters that the cranes were intact.",
         {"claimant": "A port official", "cue": "told", "content": "the cranes were intact", "via": ["Reuters"]}),
        ("A port official told reporters that the cranes were intact.",
         {"claimant": "A port official", "cue": "told", "via": []}),
        ("In an interview with the BBC, the general said the offensive had stalled.",
         {"claimant": "the general", "channel": "interview", "via": ["BBC"]}),
        ("The ministry said in a statement that the strike hit a fuel depot.",
         {"claimant": "The ministry", "channel": "statement", "content": "the strike hit a fuel depot"}),
        ("Kirby told reporters at a briefing that the troops had suffered losses.",
         {"claimant": "Kirby", "channel": "briefing"}),
        ("In a video address, Zelenskyy said the army held the line.",
         {"claimant": "Zelenskyy", "channel": "video address"}),
        ("Zelenskyy said at a press conference that two soldiers were captured.",
         {"claimant": "Zelenskyy", "channel": "press conference"}),
        ("“The bridge is open again,” she said in a post.",
         {"claimant": "she", "channel": "post", "direct": True}),
        ("“Insurers will price every ferry as a target,” said Lena Marsh, a marine underwriter in Bergen.",
         {"claimant": "Lena Marsh", "claimant_role": "a marine underwriter in Bergen", "direct": True}),
        ("A fire broke out at the depot, regional governor Pavel Orlik said on Sunday.",
         {"claimant": "Pavel Orlik", "claimant_role": "regional governor", "content": "A fire broke out at the depot"}),
        ("The convoy was the third this week, shipping security firm Keelwatch said in an advisory.",
         {"claimant": "Keelwatch", "claimant_role": "shipping security firm"}),
        ("The damage was severe, the independent research group Harbour Lens said.",
         {"claimant": "Harbour Lens", "claimant_role": "independent research group"}),
        ("Satellites saw a large fire, according to an analysis by the monitoring group Ember Watch.",
         {"claimant": "Ember Watch", "cue": "according to"}),
        ("The captain was unhurt, his wife told the Island Courier.",
         {"claimant": "his wife", "cue": "told", "via": ["Island Courier"]}),
        ("The militia, which has held the pass since May, denied any role.",
         {"claimant": "The militia", "cue": "denied", "negated": True}),
        ("The army blamed the militia for the strike.", {"claimant": "The army", "cue": "blamed"}),
        ("The ministry, pressed by reporters, said two drones fell.",
         {"claimant": "The ministry", "claimant_role": "pressed by reporters", "content": "two drones fell"}),
        ("The air force put the number of missiles at three.",
         {"claimant": "The air force", "cue": "put", "content": "put the number of missiles at three"}),
        ("The army has pointed the finger at the militia.", {"claimant": "The army", "cue": "pointed"}),
        ("The volunteers' kitchen council, a relief group, put the death toll at 31.",
         {"claimant": "The volunteers' kitchen council", "cue": "put", "content": "put the death toll at 31"}),
        ("The militia called the accusation a fabrication in a Telegram post, according to AFP.",
         {"claimant": "The militia", "cue": "called", "via": ["AFP"], "channel": "post on Telegram"}),
        ("The army blamed the militia, which denied it, the Courier said.",
         {"claimant": "The army", "via": ["Courier"]}),
        ("Drones hit the depot, according to the Associated Press, which cited the General Staff.",
         {"claimant": "the General Staff", "via": ["Associated Press"], "content": "Drones hit the depot"}),
        ("Militia spokesman Omar Dalil called the report a lie and said the fighters had left.",
         {"claimant": "Militia spokesman Omar Dalil", "cue": "said", "content": "the fighters had left"}),
    ],
)  # fmt: skip
def test_attribution(sentence: str, expected: dict[str, Any]) -> None:
    claim = _one(sentence)
    assert claim.attributed, sentence
    for key, value in expected.items():
        assert getattr(claim, key) == value, (key, getattr(claim, key))


@pytest.mark.parametrize(
    ("sentence", "claimant"),
    [
        ("“We are discussing it,” with South Korean officials said.", None),
        ("Zelenskyy met with South Korean officials said to be in Kyiv.", None),
        ("In a meeting with South Korean officials Zelenskyy said the men could be exchanged.", "Zelenskyy"),
        ("In December it said that the plant was safe.", None),  # no organisation spoke before: nobody to be "it"
        ("Separately the ministry said the dam held.", "the ministry"),
        ("Notably the governor said power was back.", "the governor"),
        ("Earlier this week the ministry said the dam held.", "the ministry"),
        ("Late on Friday the governor said power was back.", "the governor"),
        ("Speaking on television the governor said power was back.", "the governor"),
        ("Last week officials said the road was open.", "officials"),
        (
            "The strike came hours after Russia's Defence Ministry said its forces took a village.",
            "Russia's Defence Ministry",
        ),
        ("They live in a village called Pochep near the border.", None),
        ("The ferry was called back to port on Monday.", None),
    ],
)
def test_phrases_that_are_not_claimants(sentence: str, claimant: str | None) -> None:
    claim = _one(sentence)
    if claimant is None:
        assert not claim.attributed and claim.claimant == PUBLISHER and claim.claimant_type == "publication"
    else:
        assert claim.attributed and claim.claimant == claimant


def test_quotation_over_several_sentences_attributed_after() -> None:
    text = (
        "The mayor spoke after the storm. “We have restored the route. Ships are moving again. Nobody will stop "
        "them,” Mayor Ana Lind wrote on Telegram."
    )
    claims = _claims(text)
    assert [c.content for c in claims[1:]] == [
        "We have restored the route", "Ships are moving again", "Nobody will stop them",
    ]  # fmt: skip
    for c in claims[1:]:
        assert (c.claimant, c.cue, c.direct, c.attributed) == ("Mayor Ana Lind", "wrote", True, True), c.sentence
        assert (c.channel, c.platform) == ("post on Telegram", "Telegram")
        assert c.quotes == [c.content]
    assert not claims[0].attributed  # the lead-in is the publication's


def test_quotation_over_several_sentences_attributed_before_and_over_paragraphs() -> None:
    text = (
        "Kremlin spokesman Dmitry Peskov spoke to reporters: “We are not going to comment. The operation goes on.\n"
        "“It will go on as planned.”\n"
        "The bridge was closed."
    )
    claims = _claims(text)
    quoted = [c for c in claims if c.direct]
    assert [c.content for c in quoted] == ["We are not going to comment", "The operation goes on",
                                           "It will go on as planned"]  # fmt: skip
    assert {c.claimant for c in quoted} == {"Kremlin spokesman Dmitry Peskov"}
    assert all(c.attributed for c in quoted)
    last = claims[-1]
    assert last.content == "The bridge was closed" and not last.attributed and last.claimant == PUBLISHER


def test_a_quotation_that_follows_a_quoted_claim_keeps_its_speaker() -> None:
    claims = _claims("“It is a lie,” Peskov said. “Nothing of the sort happened on Sunday.”\nThe port reopened.")
    assert [(c.claimant, c.direct) for c in claims] == [("Peskov", True), ("Peskov", True), (PUBLISHER, False)]


def test_unclosed_or_unattributed_quotation_stays_the_publications() -> None:
    claims = _claims("“Power is back in most homes. Repairs go on.”\nThe mayor visited the site.")
    assert len(claims) == 3
    assert all(not c.attributed and c.claimant == PUBLISHER and c.cue is None for c in claims)


def test_titles_and_pronouns_resolve_to_the_last_named_claimant() -> None:
    text = (
        "Ukrainian President Volodymyr Zelenskyy said on Sunday that the grain corridor was open. "
        "Defence Minister Rustem Umerov visited the port of Odesa on Monday. "
        "The minister said the air defences had been reinforced. "
        "The president added that talks with Turkey would continue. "
        "Russia's Defence Ministry claimed that its forces had struck a depot. "
        "The ministry said the strike used drones. "
        "Yonhap news agency reported that the ship had left Busan. "
        "The agency said it carried grain. "
        "In December it said that the route was safe. "
        "Kirby said the report was accurate. He added that more aid would follow."
    )
    by_start = {c.sentence.split()[0] + " " + c.sentence.split()[1]: c for c in _claims(text)}
    assert by_start["The minister"].claimant == "Rustem Umerov"
    assert by_start["The president"].claimant == "Ukrainian President Volodymyr Zelenskyy"
    assert by_start["The president"].claimant_type == "government"
    assert by_start["The ministry"].claimant == "Russia's Defence Ministry"
    assert by_start["The agency"].claimant == "Yonhap news agency"
    assert by_start["In December"].claimant == "Yonhap news agency"
    assert by_start["He added"].claimant == "Kirby"


def test_the_company_and_the_group_are_the_organisation_that_spoke_last() -> None:
    text = (
        "The ship's Athens-based manager, Kestrel Bulk Lines, said the vessel had 21 crew. "
        "Two sailors were hurt, the company said in a statement. "
        "No navy ships were damaged, it added. "
        "Harbour Lens, a research group, said it had satellite images. "
        "The images show burn scars, the group said."
    )
    by_start = {c.sentence.split()[0]: c for c in _claims(text)}
    assert by_start["Two"].claimant == "Kestrel Bulk Lines" and by_start["Two"].channel == "statement"
    assert by_start["No"].claimant == "Kestrel Bulk Lines"
    assert by_start["The"].claimant == "Harbour Lens"


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        ("Olena Varga, the Moldovan president, visited the port on Monday. The president said the grain would move.",
         "Olena Varga"),
        ("The Ministry of Defence of Ukraine published footage. The ministry said the strike used drones.",
         "The Ministry of Defence"),
        ("Kyiv Mayor Vitali Klitschko toured the site. Power is back, the mayor said.", "Vitali Klitschko"),
    ],
)  # fmt: skip
def test_a_title_names_who_the_text_gave_it_before(text: str, claimant: str) -> None:
    assert _claims(text)[-1].claimant == claimant


def test_it_refers_back_only_a_little_way() -> None:
    near = _claims("The ministry said the dam held. It added that the water was falling.")
    assert [c.claimant for c in near] == ["The ministry", "The ministry"]
    filler = " ".join(["Rain fell across the valley for days and the rivers rose over the roads."] * 10)
    far = _claims(f"The ministry said the dam held. {filler} It said repairs would take a year.")
    assert far[-1].claimant == PUBLISHER and not far[-1].attributed


def test_per_the_ap_quotes_the_speaker_just_named() -> None:
    named = _claims("The mayor, Ana Lind, said the port was open. “We will rebuild every pier,” per the AP.")
    assert [(c.claimant, c.via) for c in named] == [("Ana Lind", []), ("Ana Lind", ["AP"])]
    nobody = _claims("The port reopened on Monday. “We will rebuild every pier,” per the AP.")
    assert (nobody[1].claimant, nobody[1].via, nobody[1].claimant_type) == ("the AP", ["AP"], "media")


def test_the_document_itself_is_not_a_carrier() -> None:
    claim = _one("Camp residents told the Harbour Gazette that drones had circled for days.")
    assert (claim.claimant, claim.cue, claim.via) == ("Camp residents", "told", [])


def test_a_channel_phrase_at_the_end_of_the_content() -> None:
    claim = _one("The kitchen council put the death toll at 31, including nine children, in a statement on Facebook.")
    assert (claim.claimant, claim.channel, claim.platform) == ("The kitchen council", "statement", "Facebook")


def test_a_title_with_nobody_to_name_stays_as_written() -> None:
    assert _one("The troops were flown to Kyiv, the ministry said on Sunday.").claimant == "the ministry"


def test_the_outlet_is_the_claimant_only_when_nobody_else_is_named() -> None:
    text = (
        "Shelling went on in the region overnight.The ministry said two people died.“We will rebuild,” the "
        "governor wrote on Telegram, per Reuters. Rain is expected on Monday."
    )
    claims = _claims(text)
    assert [(c.claimant, c.attributed) for c in claims] == [
        (PUBLISHER, False), ("The ministry", True), ("the governor", True), (PUBLISHER, False),
    ]  # fmt: skip
    assert claims[2].via == ["Reuters"] and claims[2].channel == "post on Telegram"
    assert sum(c.claimant == PUBLISHER for c in claims) == 2


def test_ids_stay_stable_and_offsets_index_the_text() -> None:
    text = "“We have restored the route. Ships are moving,” Mayor Ana Lind said, per the AP. The port reopened."
    first, again = _claims(text), _claims(text)
    assert [c.id for c in first] == [c.id for c in again]
    for c in first:
        assert text[c.content_start : c.content_end] == c.content
        assert text[c.sentence_start : c.sentence_end] == c.sentence
        assert c.id == claim_id(c.doc_id, c.sentence_start, c.sentence_end, c.content_start, c.content_end)
        assert Claim.from_dict(c.to_dict()) == c
    assert [(c.claimant, c.via) for c in first[:2]] == [("Mayor Ana Lind", ["AP"])] * 2


def test_with_the_shipped_tagger() -> None:
    text = (
        "Ukrainian President Volodymyr Zelenskyy spoke in Kyiv on Sunday. “We have brought two soldiers home. "
        "They are with their families,” he wrote on Telegram.\n"
        "Russian Defence Minister Andrei Belousov did not comment. The minister said on Monday that the exchange "
        "was agreed, per Reuters."
    )
    claims = extract_claims(_doc(text))  # the shipped model and the rules
    quoted = [c for c in claims if c.direct]
    assert len(quoted) == 2
    for c in quoted:
        assert c.claimant is not None and "Zelenskyy" in c.claimant
        assert (c.channel, c.via, c.attributed) == ("post on Telegram", [], True)
    minister = next(c for c in claims if c.sentence.startswith("The minister"))
    assert minister.claimant is not None and "Belousov" in minister.claimant
    assert minister.via == ["Reuters"] and minister.content == "the exchange was agreed"


_pieces = st.sampled_from(
    ["“", "”", '"', ",", ".", " ", "\n", "Peskov", "said", "the ministry", "per the AP", "citing", "Reuters",
     "reported", "according to", "TASS", "he", "it", "wrote on Telegram", "The minister", "We", "will", "go",
     "that", "In December", "with South Korean officials", "the company", "told", "blamed", "called", "put the toll at",
     "31", "region.The"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(_pieces, max_size=40).map(" ".join) | st.text(max_size=120))
def test_any_text_gives_claims_that_index_it(text: str) -> None:
    for c in _claims(text):
        assert text[c.sentence_start : c.sentence_end] == c.sentence
        assert text[c.content_start : c.content_end] == c.content
        assert c.sentence_start <= c.content_start <= c.content_end <= c.sentence_end
        assert c.attributed or c.claimant == PUBLISHER
        assert c.direct is bool(c.quotes)


@pytest.mark.parametrize(
    "text",
    [
        "a" + " " * 30_000 + "b said that c.",  # every search used to re-scan the run of blanks: 53 s
        "It rained" + " " * 30_000 + "per The AP.",
        "The ministry said" + " also" * 5_000 + " that it rained.",
    ],
)
def test_long_runs_of_blanks_stay_linear(text: str) -> None:
    import time

    started = time.perf_counter()
    claims = _claims(text)
    assert time.perf_counter() - started < 5, "quadratic scan"
    assert claims and all(text[c.content_start : c.content_end] == c.content for c in claims)


def test_content_before_told_whom() -> None:
    """ "..., the secretary told reporters.": what was told comes first; reporters are the audience, not the claim."""
    from osintkit.claims import extract_claims

    text = "Two workers were hurt in the fire, Labour Secretary Ana Cruz told reporters."
    (claim,) = extract_claims(text, mentions=[])
    assert (claim.claimant, claim.content, claim.cue) == (
        "Labour Secretary Ana Cruz",
        "Two workers were hurt in the fire",
        "told",
    )
    (carried,) = extract_claims("Two workers were hurt, the governor told Reuters on Monday.", mentions=[])
    assert carried.content == "Two workers were hurt" and carried.via == ["Reuters"]
