"""Site search: what of each page Pagefind indexes, the bundle the site ships, and Pagefind's refusals."""

from __future__ import annotations

import base64
import gzip
import json
import re
from pathlib import Path

import pytest

from sitegen.cache import Cache
from sitegen.errors import SitegenError
from sitegen.publish.search import TEXTS, Indexing, known_texts
from sitegen.publish.search_service import Service, payload_of
from sitegen.publish.search_text import searchable

# what search.js loads through pagefind.js: the entry, the worker, the one language's WebAssembly and metadata
BUNDLE_FILES = {"pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.en.pagefind"}


def records(site: Path) -> dict[str, dict[str, object]]:
    """Each indexed page's record (Pagefind's fragments are gzipped JSON after a signature), by URL."""
    out = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        record = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        out[str(record["url"])] = record
    return out


def test_every_page_marked_for_search_is_indexed_and_no_other(mini_site: Path) -> None:
    marked = {f"/{p.relative_to(mini_site).as_posix()}" for p in mini_site.rglob("*.html")
              if "data-pagefind-body" in p.read_text(encoding="utf-8")}
    assert marked and set(records(mini_site)) == marked
    assert not any("/embed/" in url or url.endswith(("/search/index.html", "/404.html")) for url in marked)


def test_a_council_is_found_by_its_sentences_not_its_chart_tools(mini_site: Path) -> None:
    page = (mini_site / "councils/cambridgeshire/index.html").read_text(encoding="utf-8")
    record = records(mini_site)["/councils/cambridgeshire/index.html"]
    content = str(record["content"])
    assert dict(record["meta"])["title"] == "Cambridgeshire County Council"  # type: ignore[call-overload]
    assert "Type: County council. Region: East of England." in content
    assert "Learning Disability Partnership dissolved amid debt acrimony" in content  # a source's title
    assert "NHS overdue adult social care debt rose from £1.4m at 31 March 2023" in content  # what it shows
    for tool in ("Embed this chart", "Copy this code into your page", "Download: data (CSV)"):
        assert tool in page and tool not in content, tool  # the same words under every chart
    assert "<table" in page and int(str(record["word_count"])) < len(re.sub(r"<[^>]+>", " ", page).split()) / 2


def test_the_site_ships_only_the_bundle_files_search_js_loads(mini_site: Path) -> None:
    bundle = mini_site / "pagefind"
    top = {p.name for p in bundle.iterdir() if p.is_file()}
    assert {n for n in top if not n.endswith(".pf_meta")} == BUNDLE_FILES
    assert len([n for n in top if n.endswith(".pf_meta")]) == 1
    assert {p.name for p in bundle.iterdir() if p.is_dir()} == {"index", "fragment"}
    assert '"wasm":"en"' in (bundle / "pagefind-entry.json").read_text(encoding="utf-8")  # never wasm.unknown
    search_js = (mini_site / "static/js/search.js").read_text(encoding="utf-8")
    assert '"pagefind/pagefind.js"' in search_js


def test_a_page_s_searchable_part_is_its_body_less_tables_drawings_and_chart_tools() -> None:
    page = ('<!DOCTYPE html><html lang="en"><head><title>Kent – site</title></head><body><header>Menu</header>'
            '<main id="main" data-pagefind-body><h1>Kent £1</h1><p>Summary.</p>'
            '<div class="table-scroll"><table class="x"><tr><td>Essex</td></tr></table></div>'
            '<div class="chart-actions"><div><p>Embed</p></div><p>Download</p></div><p>After.</p>'
            '<svg viewBox="0 0 1 1"><svg><text>hex</text></svg></svg><tablet>kept</tablet>'
            '<section class="neighbours"><section><h2>Near</h2></section></section><p>End.</p></main>'
            '<footer><p class="cite">Cite</p></footer></body></html>')
    assert searchable(page.encode()) == (
        '<html><body><main id="main" data-pagefind-body><h1>Kent £1</h1><p>Summary.</p>'
        '<div class="table-scroll"></div><p>After.</p><tablet>kept</tablet><p>End.</p></main></body></html>')
    assert searchable(page.replace(" data-pagefind-body", "").encode()) is None  # search page, 404, embeds
    # a body element of another name runs to that name's last closing tag: Pagefind reads that element alone
    other = "<body><div class='x' data-pagefind-body><p>A</p></div><div>B</div></body>"
    assert searchable(other.encode()) == "<html><body><div class='x' data-pagefind-body><p>A</p></div><div>B</div>" \
                                         "</body></html>"


def test_pagefind_s_refusal_is_one_line_naming_the_page() -> None:
    service = Service()
    try:
        with pytest.raises(SitegenError) as raised:
            service.ask({"type": "AddFile", "index_id": service.index + 1, "url": "/x/", "file_path": None,
                         "file_contents": "<html></html>"}, "IndexedFile", "councils/x/index.html")
    finally:
        service.close()
    message = str(raised.value)
    assert message.startswith("Pagefind could not index councils/x/index.html: ") and "\n" not in message


def test_pagefind_stopping_during_a_build_is_one_line_naming_the_page_then_sent(tmp_path: Path) -> None:
    """Pages go to Pagefind without waiting for each answer: a service that dies is still said, not a traceback."""
    for name in ("a", "b"):
        (tmp_path / f"{name}.html").write_text(f"<html><body><main data-pagefind-body><h1>{name}</h1><p>Some words "
                                               f"about {name}.</p></main></body></html>", encoding="utf-8")
    indexing = Indexing(tmp_path)
    indexing.add("a.html")
    indexing.service.process.kill()
    indexing.service.process.wait()
    indexing.add("b.html")
    with pytest.raises(SitegenError) as raised:
        indexing.finish()
    indexing.stop()
    assert str(raised.value) == "Pagefind could not index /b.html: it stopped"


def test_pages_sent_without_waiting_are_all_indexed(tmp_path: Path) -> None:
    names = [f"p{n:03d}" for n in range(400)]  # answers of more than a pipe holds (64 KB), unread until the end
    for name in names:
        (tmp_path / f"{name}.html").write_text(f"<html><body><main data-pagefind-body><h1>Page {name}</h1><p>"
                                               f"{'words ' * 20}{name}</p></main></body></html>", encoding="utf-8")
    indexing = Indexing(tmp_path)
    for name in names:
        indexing.add(f"{name}.html")
    files = indexing.finish()
    entry = json.loads(files["pagefind/pagefind-entry.json"])
    assert sum(language["page_count"] for language in entry["languages"].values()) == len(names)


def test_what_a_page_indexed_is_kept_by_its_hash_and_an_unchanged_page_is_not_read_again(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", Cache(tmp_path / "cache", "search", "code")
    site.mkdir()
    (site / "a.html").write_text("<html><body><main data-pagefind-body><h1>Alpha</h1><p>Kept words.</p><table><tr>"
                                 "<td>cut</td></tr></table></main></body></html>", encoding="utf-8")
    (site / "embed.html").write_text("<html><body><p>Not indexed.</p></body></html>", encoding="utf-8")

    def index(pages: list[tuple[str, str]]) -> int:
        indexing = Indexing(site, cache)
        for relpath, sha in pages:
            indexing.add(relpath, sha)
        entry = json.loads(indexing.finish()["pagefind/pagefind-entry.json"])
        return sum(language["page_count"] for language in entry["languages"].values())

    assert index([("a.html", "sha-a"), ("embed.html", "sha-e")]) == 1
    kept = known_texts(cache)
    assert set(kept) == {"sha-a", "sha-e"} and kept["sha-e"] == ""
    assert "Kept words." in kept["sha-a"] and "cut" not in kept["sha-a"]
    (site / "a.html").unlink()  # the same hash: taken from the cache, the file never opened
    (site / "embed.html").unlink()
    assert index([("a.html", "sha-a"), ("embed.html", "sha-e")]) == 1
    cache.put_bytes(TEXTS, ".json", b'["not", "a", "map"]')  # whole, yet of the wrong shape: nothing known
    assert known_texts(cache) == {}


def test_an_answer_that_cannot_be_read_is_pagefind_s_error_not_a_traceback() -> None:
    answer = base64.b64encode(json.dumps({"message_id": 2, "payload": {"type": "IndexedFile"}}).encode())
    assert payload_of(answer, 2) == {"type": "IndexedFile"}
    for garbled, sent in ((answer, 3), (b"Some log line", 2), (base64.b64encode(b"[1]"), 2)):
        assert payload_of(garbled, sent) == {"type": "Error", "message": "an answer that could not be read"}


def test_a_period_s_ranking_is_not_indexed_on_its_measure_page(real_site: Path) -> None:
    """152 councils in a table: indexed, a council's name found every period of every measure before its page."""
    path = "measures/asc-income-from-nhs/2014-15/index.html"
    page = (real_site / path).read_text(encoding="utf-8")
    content = str(records(real_site)[f"/{path}"]["content"])
    assert content.startswith("Adult social care income from the NHS, 2014-15.")
    assert "152 of 152 councils have a figure for 2014-15." in content  # its summary
    for council in ("Hartlepool", "Kent", "Cornwall"):
        assert council in page and council not in content, council
    assert "Per head divides each figure" in page and "Per head divides each figure" not in content


def test_the_values_worth_a_second_look_are_on_the_coverage_page_not_in_its_index(real_site: Path) -> None:
    """Each names a council and a measure: indexed, every jump would be a false hit for both."""
    page = (real_site / "coverage/index.html").read_text(encoding="utf-8")
    content = str(records(real_site)["/coverage/index.html"]["content"])
    assert "Derby: Adult social care income from the Better Care Fund, 2016-17" in page
    assert "Data quality: values worth a second look" in page
    assert "Derby" not in content and "worth a second look" not in content
    assert "councils have at least one figure" in content  # the page's own summary stays
