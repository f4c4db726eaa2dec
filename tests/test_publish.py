"""The publishing loop in a built site: the changelog and feeds from git, chart zips, framing rules, determinism."""

from __future__ import annotations

import csv
import filecmp
import gzip
import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, build, run_here
from gitrepo import commit, edit, make_repo, set_value

A = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
CHANGED = "cambridgeshire-nhs-overdue-asc-debt-31-march-2024"
SILLY = "Merge branch 'xyzzy-plugh' into main\n\nSplit frobnitz.py along its seams"  # for developers only


@pytest.fixture(scope="module")
def history_repo(tmp_path_factory: pytest.TempPathFactory, mini_site: Path) -> Path:
    """The mini project under git: the seed, then one changed figure."""
    repo = make_repo(tmp_path_factory.mktemp("published") / "repo")
    edit(repo, set_value(CHANGED, "13500000"))
    commit(repo, SILLY, 1767312000)
    return repo


def built_clone(repo: Path, dest: Path, warm: Path) -> Path:
    """A fresh clone of repo, built (chart caches copied in, so only pages are made)."""
    subprocess.run(["git", "clone", "-q", str(repo), str(dest)], check=True, timeout=60, capture_output=True)
    if (warm / ".cache").is_dir():  # another test may have emptied it; then the build is only slower
        shutil.copytree(warm / ".cache", dest / ".cache")
    return build(dest)


def same_tree(a: Path, b: Path) -> list[str]:
    """Paths that differ between two folders (or exist in one only)."""
    compared = filecmp.dircmp(a, b)
    out = [*compared.left_only, *compared.right_only, *compared.diff_files]
    out += [name for name in compared.common_files if not filecmp.cmp(a / name, b / name, shallow=False)]
    for sub in compared.common_dirs:
        out += [f"{sub}/{p}" for p in same_tree(a / sub, b / sub)]
    return sorted(set(out))


def test_two_builds_of_one_commit_are_byte_identical(history_repo: Path, mini_site: Path, tmp_path: Path) -> None:
    first = built_clone(history_repo, tmp_path / "one", mini_site.parent)
    second = built_clone(history_repo, tmp_path / "two", mini_site.parent)
    assert (first / "changes" / "index.html").is_file() and (first / "feed.xml").is_file()
    assert same_tree(first, second) == []


def test_changes_page_and_council_feed_tell_of_the_change(history_repo: Path, mini_site: Path,
                                                          tmp_path: Path) -> None:
    site = built_clone(history_repo, tmp_path / "site", mini_site.parent)
    changes = (site / "changes" / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2026-01-02">2 January 2026</time>: 1 figure changed</h2>' in changes
    assert "NHS overdue adult social care debt</a>, 31 March 2024: changed from £13m to £13.5m." in changes
    council = (site / "councils" / "cambridgeshire" / "index.html").read_text(encoding="utf-8")
    assert "Recent changes to these figures" in council and "changed from £13m to £13.5m" in council
    assert '<link rel="alternate" type="application/atom+xml"' in council
    assert 'href="../../councils/cambridgeshire/feed.xml"' in council
    assert "data last changed <time datetime=\"2026-01-02\">2 January 2026</time>" in council
    feed = ET.parse(site / "councils" / "cambridgeshire" / "feed.xml").getroot()
    entry = feed.find(f"{A}entry")
    assert entry is not None and entry.findtext(f"{A}title") == "2 January 2026: 1 figure changed"
    assert "changed from £13m to £13.5m" in (entry.findtext(f"{A}content") or "")
    norfolk = ET.parse(site / "councils" / "norfolk" / "feed.xml").getroot()
    assert [str(e.findtext(f"{A}title"))[:15] for e in norfolk.findall(f"{A}entry")] == ["1 January 2026:"]
    # the commit's message is for developers: no page, feed or download says it
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".xml", ".csv", ".json", ".md", ".txt"):
            text = path.read_text(encoding="utf-8")
            assert "xyzzy" not in text and "frobnitz" not in text and "Seed the mini data" not in text, path


def test_a_build_after_a_new_commit_equals_a_forced_one(history_repo: Path, mini_site: Path, tmp_path: Path) -> None:
    """The releases' views kept by the last build (sitegen.build.reuse.viewed) are those a forced build words."""
    site = built_clone(history_repo, tmp_path / "clone", mini_site.parent)
    repo = site.parent
    edit(repo, set_value(CHANGED, "14000000"))
    commit(repo, "Another change", 1767398400)
    build(repo)
    kept = tmp_path / "kept"
    shutil.copytree(site, kept)
    assert run_here(repo, "build", "--force", "-q").returncode == 0
    assert same_tree(kept, site) == []
    changes = (site / "changes" / "index.html").read_text(encoding="utf-8")
    assert "changed from £13.5m to £14m" in changes and "changed from £13m to £13.5m" in changes


FOOTER = re.compile(r'Data last changed <time datetime="([\d-]+)">([^<]+)</time>')
CITED = re.compile(r'data last changed <time datetime="([\d-]+)">([^<]+)</time>')


def test_one_data_last_changed_date_on_every_page(history_repo: Path, mini_site: Path, tmp_path: Path) -> None:
    """The footer, the citation, the sitemap and the downloads' citations: the last data commit's date, one value."""
    site = built_clone(history_repo, tmp_path / "site", mini_site.parent)
    pages = sorted(p for p in site.rglob("index.html") if not p.is_relative_to(site / "embed"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert FOOTER.findall(text) == [("2026-01-02", "2 January 2026")], page
        assert set(CITED.findall(text)) <= {("2026-01-02", "2 January 2026")}, page
    assert CITED.findall((site / "councils" / "cambridgeshire" / "index.html").read_text(encoding="utf-8"))
    lastmods = {m.text for m in ET.parse(site / "sitemap.xml").getroot().iter(f"{SITEMAP}lastmod")}
    assert lastmods == {"2026-01-02"}
    with zipfile.ZipFile(site / "charts" / "council-cambridgeshire-nhs-debt-gbp.zip") as archive:
        assert "(data last changed 2 January 2026)" in archive.read(
            "council-cambridgeshire-nhs-debt-gbp/README.md").decode()
    with zipfile.ZipFile(site / "data" / "nhs-debts" / "nhs-debts.zip") as archive:
        assert "(version of 2026-01-02)" in archive.read("nhs-debts/README.md").decode()


def test_without_history_the_changes_page_says_so(mini_site: Path) -> None:
    page = (mini_site / "changes" / "index.html").read_text(encoding="utf-8")
    assert "not a git repository" in page
    assert ET.parse(mini_site / "feed.xml").getroot().findall(f"{A}entry") == []


def test_every_chart_has_an_embed_page_and_a_zip_with_its_sources(mini_site: Path) -> None:
    charts = sorted(p.stem for p in (mini_site / "charts").glob("*.svg"))
    assert charts
    for chart_id in charts:
        assert (mini_site / "embed" / chart_id / "index.html").is_file(), chart_id
        with zipfile.ZipFile(mini_site / "charts" / f"{chart_id}.zip") as archive:
            assert sorted(archive.namelist()) == [f"{chart_id}/README.md", f"{chart_id}/chart.svg",
                                                  f"{chart_id}/data.csv"]
            svg = archive.read(f"{chart_id}/chart.svg")
            assert svg == (mini_site / "charts" / f"{chart_id}.svg").read_bytes()
            readme = archive.read(f"{chart_id}/README.md").decode()
            rows = list(io.StringIO(archive.read(f"{chart_id}/data.csv").decode()))
            assert "## Sources" in readme and "## Licence" in readme and "## How to cite" in readme
            assert len(rows) > 1
            for row in rows[1:]:
                assert "http" in row  # every figure carries its source's URL
    cambs = "council-cambridgeshire-nhs-debt-gbp"
    with zipfile.ZipFile(mini_site / "charts" / f"{cambs}.zip") as archive:
        data = archive.read(f"{cambs}/data.csv").decode()
        readme = archive.read(f"{cambs}/README.md").decode()
    assert ",13000000," in data and ",1400000," in data  # full precision, not £13.0m
    assert "https://example.org/test/embed/council-cambridgeshire-nhs-debt-gbp/" in readme
    assert '"NHS debt: Cambridgeshire", https://example.org/test/councils/cambridgeshire/ (data last changed' \
        in readme  # the citation names the page the chart is on


def test_main_pages_refuse_framing_and_embeds_allow_it(mini_site: Path) -> None:
    rules = (mini_site / "_headers").read_text(encoding="utf-8")
    assert "/test/councils/*\n  X-Frame-Options: DENY\n  Content-Security-Policy: frame-ancestors 'none'\n" in rules
    assert "/test/embed/*\n  Content-Security-Policy: frame-ancestors *\n" in rules
    assert "/test/*" not in rules  # no catch-all a host would also apply to embed pages
    page = (mini_site / "councils" / "cambridgeshire" / "index.html").read_text(encoding="utf-8")
    assert '<textarea id="embed-council-cambridgeshire-nhs-debt-gbp" readonly' in page
    assert "&lt;iframe src=&#34;https://example.org/test/embed/council-cambridgeshire-nhs-debt-gbp/&#34;" in page
    assert 'href="../../charts/council-cambridgeshire-nhs-debt-gbp.zip" download' in page


def test_sitemap_and_feeds_are_xml_whatever_the_base_url_holds(tmp_path: Path) -> None:
    """An `&` in base_url (allowed in a URL's path) is escaped: sitemap.xml and every feed still parse."""
    base = "https://example.net/care&health/"
    repo = make_repo(tmp_path / "repo")
    settings = repo / "sitegen.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("https://example.org/test/", base),
                        encoding="utf-8")
    edit(repo, set_value(CHANGED, "13500000"))
    commit(repo, "Cambridgeshire: corrected NHS debt", 1767312000)
    site = build(repo)
    locs = [loc.text for loc in ET.parse(site / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert f"{base}councils/cambridgeshire/" in locs and all(str(loc).startswith(base) for loc in locs)
    for path in ("feed.xml", "councils/cambridgeshire/feed.xml"):
        feed = ET.parse(site / path).getroot()
        assert feed.findtext(f"{A}id") == base + path
        hrefs = [str(link.get("href")) for link in feed.iter(f"{A}link")]
        assert base + path in hrefs and all(href.startswith(base) for href in hrefs)
        assert feed.findtext(f"{A}entry/{A}title") == "2 January 2026: 1 figure changed"
    assert (site / "robots.txt").read_text(encoding="utf-8").endswith(f"Sitemap: {base}sitemap.xml\n")


def test_embed_pages_are_noindex_and_left_out_of_the_sitemap(mini_site: Path) -> None:
    embeds = sorted((mini_site / "embed").glob("*/index.html"))
    assert embeds
    for page in embeds:
        assert '<meta name="robots" content="noindex">' in page.read_text(encoding="utf-8"), page
    locs = [str(loc.text) for loc in ET.parse(mini_site / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert "https://example.org/test/councils/cambridgeshire/" in locs
    assert not [loc for loc in locs if "/embed/" in loc]
    council = (mini_site / "councils" / "cambridgeshire" / "index.html").read_text(encoding="utf-8")
    assert 'name="robots"' not in council  # the pages to find stay findable


def fragments(site: Path) -> dict[str, str]:
    """The search index's text of each page (Pagefind's fragments are gzipped JSON after a signature), by URL."""
    out = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        record = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        out[record["url"]] = record["content"]
    return out


def test_search_snippets_keep_a_council_s_fields_apart(mini_site: Path) -> None:
    """Pagefind drops the whitespace between elements: each field's name and value end in punctuation."""
    [content] = [text for url, text in fragments(mini_site).items()
                 if url.endswith("/councils/cambridgeshire/index.html")]
    assert "Type: County council. Region: East of England. Population: " in content
    assert not re.search(r"(Type|Region|Population)[A-Z0-9]", content), content


def data_figures() -> dict[str, dict[str, str]]:
    """Every figure row of the repository's data packages, by id, as the CSVs hold it."""
    rows: dict[str, dict[str, str]] = {}
    for path in sorted((ROOT / "datapackages").glob("*/figures.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows |= {row["id"]: row for row in csv.DictReader(handle)}
    return rows


def test_a_chart_download_keeps_every_attribute_of_every_figure(real_site: Path) -> None:
    """Lancashire's "more than £200m", said by the ICB's chief executive, keeps who said it in every download."""
    data, seen = data_figures(), set()
    for path in sorted((real_site / "charts").glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            text = archive.read(f"{path.stem}/data.csv").decode()
            readme = archive.read(f"{path.stem}/README.md").decode()
        for row in csv.DictReader(io.StringIO(text)):
            source = data[row["id"]]
            for column in ("said_by", "qualifier", "status", "claimant", "flag", "note", "source_item"):
                assert row[column] == source[column], (path.name, row["id"], column)
            assert float(row["precision"] or 0) == float(source["precision"] or 0), (path.name, row["id"])
            assert row["source_url"].startswith("http") and row["source_title"]
            seen.add(row["id"])
        assert "Published at http" in readme and "/embed/" not in readme.split("How to cite")[1], path.name
    lancashire = "lancashire-bcf-total-2024-25"
    assert lancashire in seen
    with (real_site / "councils" / "lancashire" / "figures.csv").open(encoding="utf-8", newline="") as handle:
        [row] = [r for r in csv.DictReader(handle) if r["id"] == lancashire]
    assert (row["said_by"], row["qualifier"], row["status"]) == (
        "The chief executive of NHS Lancashire and South Cumbria ICB", "at_least", "reported")
