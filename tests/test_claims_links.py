"""Copy links between documents: direction from evidence only, publishers normalised, order and names irrelevant."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osintkit.claims.links import CopyLink, DocInfo, echo_chains, find_links, parent_links, roots, wire_of
from osintkit.claims.publishers import parse_publisher, publisher_key, wire_site

WIRE_TEXT = (
    "KYIV, Ukraine (AP) — Ukrainian drones struck a fuel depot in a Russian border region overnight, setting off a "
    "fire that burned for several hours, the regional governor said on Wednesday. Two workers were injured and "
    "taken to hospital, he said in a post on Telegram. The defence ministry in Moscow said its air defences had "
    "destroyed forty drones over several regions, and did not mention any damage at the depot. It was the first "
    "reported strike on the facility, which lies about one hundred kilometres from the border."
)
PLAIN = WIRE_TEXT.removeprefix("KYIV, Ukraine (AP) — ")  # the same story with no wire credit
REWRITE = (
    "A fuel depot in Russia burned for hours after a drone strike, according to the Associated Press. The agency "
    "reported that two workers were hurt. Ukrainian drones struck a fuel depot in a Russian border region "
    "overnight, setting off a fire that burned for several hours, the regional governor said on Wednesday."
)


def test_publisher_aliases_and_carriers() -> None:
    assert parse_publisher("AP") == parse_publisher("The Associated Press") == parse_publisher("AP News")
    via = parse_publisher("Associated Press (via Yahoo)")
    assert via is not None and (via.name, via.carrier) == ("Associated Press", "Yahoo")
    ledger, bare = parse_publisher("The Kyiv Ledger"), parse_publisher("Kyiv Ledger")
    assert ledger is not None and bare is not None and ledger.key == bare.key
    assert publisher_key("Agence France-Presse") != publisher_key("AFP")  # keys fold spelling, the table maps names
    afp, long_form = parse_publisher("AFP"), parse_publisher("Agence France-Presse")
    assert afp is not None and long_form is not None and afp.name == long_form.name == "AFP"
    assert wire_site("Associated Press", "apnews.com") and not wire_site("Associated Press", "apple.com")
    assert not wire_site("Associated Press", "www.wtop.com")


def test_a_wire_named_as_publisher_on_another_site_is_a_carrier() -> None:
    own = DocInfo("a", "AP", WIRE_TEXT, url="https://apnews.com/article/1")
    carried = DocInfo("b", "AP", WIRE_TEXT, url="https://wtop.com/world/1")
    assert own.publisher is not None and own.publisher.carrier is None
    assert carried.publisher is not None and carried.publisher.carrier == "wtop.com"
    links = find_links([carried, own])
    parent = parent_links(links)
    assert parent["b"].original == "a" and parent["b"].direction == "wire credit"


def test_wire_credit_without_the_wire_in_the_case() -> None:
    docs = [DocInfo("x", "Paper One", WIRE_TEXT), DocInfo("y", "Associated Press (via Yahoo)", WIRE_TEXT)]
    assert wire_of(docs[0]) == "Associated Press" and wire_of(docs[1]) == "Associated Press"
    parent = parent_links(find_links(docs))
    assert parent["x"].original == parent["y"].original == "wire:Associated Press"
    assert {lk.direction for lk in parent.values()} == {"wire credit"}


def test_citation_decides_direction_even_against_publication_time() -> None:
    # The rewrite carries an earlier time (a wrong clock, a time zone slip); its citation still decides.
    wire = DocInfo("w", "Associated Press", WIRE_TEXT, published="2025-03-05T10:40:00Z")
    rewrite = DocInfo("r", "Gulf Maritime Review", REWRITE, published="2025-03-05T09:00:00Z")
    parent = parent_links(find_links([rewrite, wire]))
    assert parent["r"].original == "w" and parent["r"].direction == "citation"
    assert "according to the Associated Press" in parent["r"].evidence


def test_publication_time_then_containment_then_undetermined() -> None:
    long_text = PLAIN + (
        " Residents of nearby villages said they heard at least six explosions before dawn and saw a column of "
        "black smoke. Local officials closed a road to the depot and asked people to keep their windows shut. "
        "Analysts said the depot supplied diesel to units on the front line and that such strikes had become more "
        "frequent over the winter, as both sides reached deeper behind the lines with cheap long-range drones."
    )
    a = DocInfo("a", "Paper A", long_text)
    trimmed = DocInfo("b", "Paper B", PLAIN)
    link = parent_links(find_links([a, trimmed]))["b"]
    assert (link.original, link.direction) == ("a", "containment")  # a trimmed copy sits inside its original

    timed = [
        DocInfo("c", "Paper C", PLAIN, "2025-03-05T12:00:00Z"),
        DocInfo("d", "Paper D", PLAIN, "2025-03-05"),
    ]
    # A date alone and a time on the same day cannot be ordered: nothing decides, and the link says so.
    (undecided,) = find_links(timed)
    assert undecided.direction == "undetermined"
    timed[1].published = "2025-03-04"
    (decided,) = find_links(timed)
    assert (decided.original, decided.copy, decided.direction) == ("d", "c", "publication time")


def test_file_order_and_names_never_decide() -> None:
    """The copy-direction bug of issue #19: with no time, the order of file names picked the original."""
    docs = [DocInfo("doc-1", "Outlet One", PLAIN), DocInfo("doc-2", "Outlet Two", PLAIN.replace("AP", "XX"))]
    first = find_links(docs)
    second = find_links(list(reversed(docs)))
    assert first == second and first[0].direction == "undetermined"


@settings(max_examples=25, deadline=None)
@given(st.permutations(range(5)), st.integers(0, 10_000))
def test_links_are_invariant_to_input_order(order: list[int], salt: int) -> None:
    base = [
        DocInfo("d0", "AP", WIRE_TEXT, "2025-03-05T10:40:00Z", url="https://apnews.com/x"),
        DocInfo("d1", "Outlet One", WIRE_TEXT),
        DocInfo("d2", "Gulf Maritime Review", REWRITE),
        DocInfo("d3", "Outlet Three", WIRE_TEXT[:300], "2025-03-06"),
        DocInfo("d4", "Outlet Four", "An unrelated local story about a football match in the rain, and nothing else."),
    ]
    expected = find_links(base)
    shuffled = [base[i] for i in order]
    random.Random(salt).shuffle(shuffled)
    assert find_links(shuffled) == expected
    assert roots(find_links(shuffled)) == roots(expected)


def test_parent_links_never_cycle() -> None:
    links = [
        CopyLink("a", "b", "cites", "citation"),
        CopyLink("b", "a", "cites", "citation"),
        CopyLink("b", "c", "copy", "undetermined"),
        CopyLink("c", "a", "copy", "undetermined"),
    ]
    parent = parent_links(links)
    for node in parent:
        seen = {node}
        while node in parent:
            node = parent[node].original
            assert node not in seen
            seen.add(node)
    assert echo_chains(links)


@pytest.mark.parametrize(
    "text",
    ["— AFP\n", "(Reuters) - Officials said", "the agency said, per the AP.", "Reuters reported on Tuesday"],
)
def test_citations_of_a_wire_not_in_the_case(text: str) -> None:
    doc = DocInfo("z", "Some Blog", "A long enough story about a strike on a depot. " + text)
    links = find_links([doc])
    assert links and links[0].original.startswith("wire:") and links[0].direction in ("citation", "wire credit")


def test_a_forwarded_message_is_a_copy_with_a_known_direction() -> None:
    post = "Our drones struck the fuel depot overnight. Explosions and a large fire were recorded at the site."
    original = DocInfo("o", "General Staff", post, "2025-03-05T06:00:00+00:00")
    # The forward arrives earlier by its own clock (a time zone slip): the export's word still decides.
    forward = DocInfo("f", "Front News", post, "2025-03-05T05:00:00+00:00", forwarded_from={"name": "General Staff"})
    parent = parent_links(find_links([forward, original]))
    assert (parent["f"].original, parent["f"].direction, parent["f"].relation) == ("o", "forwarded", "forwarded")
    lone = DocInfo("g", "Other Channel", post, forwarded_from={"name": "Unknown Channel", "message_id": 7})
    (link,) = find_links([lone])
    assert (link.original, link.direction, link.details["message_id"]) == ("external:Unknown Channel", "forwarded", 7)
