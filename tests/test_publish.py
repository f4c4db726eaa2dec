"""The publishing loop in a built site: the changelog and feeds from git, chart zips, framing rules, determinism."""

from __future__ import annotations

import filecmp
import io
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from conftest import build
from gitrepo import commit, edit, make_repo, set_value

A = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
CHANGED = "cambridgeshire-nhs-overdue-asc-debt-31-march-2024"


@pytest.fixture(scope="module")
def history_repo(tmp_path_factory: pytest.TempPathFactory, mini_site: Path) -> Path:
    """The mini project under git: the seed, then one changed figure."""
    repo = make_repo(tmp_path_factory.mktemp("published") / "repo")
    edit(repo, set_value(CHANGED, "13500000"))
    commit(repo, "Cambridgeshire: corrected NHS debt", 1767312000)
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
    assert "Cambridgeshire: corrected NHS debt" in changes
    assert "value £13,000,000 → £13,500,000" in changes and '<time datetime="2026-01-02">' in changes
    council = (site / "councils" / "cambridgeshire" / "index.html").read_text(encoding="utf-8")
    assert "Recent changes to these figures" in council and "£13,000,000 → £13,500,000" in council
    assert '<link rel="alternate" type="application/atom+xml"' in council
    assert 'href="../../councils/cambridgeshire/feed.xml"' in council
    assert "data last changed <time datetime=\"2026-01-02\">2 January 2026</time>" in council
    feed = ET.parse(site / "councils" / "cambridgeshire" / "feed.xml").getroot()
    entry = feed.find(f"{A}entry")
    assert entry is not None and entry.findtext(f"{A}title") == "Cambridgeshire: corrected NHS debt"
    assert "value £13,000,000 → £13,500,000" in (entry.findtext(f"{A}content") or "")
    norfolk = ET.parse(site / "councils" / "norfolk" / "feed.xml").getroot()
    assert [e.findtext(f"{A}title") for e in norfolk.findall(f"{A}entry")] == ["Seed the mini data"]


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
        assert feed.findtext(f"{A}entry/{A}title") == "Cambridgeshire: corrected NHS debt"
    assert (site / "robots.txt").read_text(encoding="utf-8").endswith(f"Sitemap: {base}sitemap.xml\n")
