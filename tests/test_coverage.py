"""The coverage page: for each topic, the councils with a figure, recomputed from the CSVs; the rest are gaps."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from conftest import MINI


def councils_by_topic() -> dict[str, set[str]]:
    """Topic id -> slugs of councils with at least one figure of a measure of that topic, from the CSVs."""
    data = MINI / "datapackages"
    slugs = {r["code"]: r["slug"] for r in csv.DictReader((data / "reference/councils.csv").open(encoding="utf-8"))}
    topic_of = {r["id"]: r["topic"] for path in sorted(data.glob("*/measures.csv"))
                for r in csv.DictReader(path.open(encoding="utf-8"))}
    out: dict[str, set[str]] = {}
    for path in sorted(data.glob("*/figures.csv")):
        for r in csv.DictReader(path.open(encoding="utf-8")):
            if r["area_code"] in slugs:
                out.setdefault(topic_of[r["measure"]], set()).add(slugs[r["area_code"]])
    return out


def test_each_topic_lists_exactly_the_councils_with_a_figure(mini_site: Path) -> None:
    page = (mini_site / "coverage/index.html").read_text(encoding="utf-8")
    expected = councils_by_topic()
    total = len(list(csv.DictReader((MINI / "datapackages/reference/councils.csv").open(encoding="utf-8"))))
    sections = dict(re.findall(r'<section aria-labelledby="topic-([a-z0-9-]+)">(.*?)</section>', page, re.S))
    assert set(sections) >= set(expected) and expected
    for topic, section in sections.items():
        assert f'href="../coverage/{topic}/index.html"' in section, topic  # its councils and map: a page of its own
        body = (mini_site / "coverage" / topic / "index.html").read_text(encoding="utf-8")
        listed = re.search(r"<p>(\d+) of \d+ councils have a figure on (.*?)</p>", body, re.S)
        assert listed, topic
        named = set(re.findall(r'href="[^"]*councils/([^/"]+)/index.html"', listed.group(2)))
        assert named == expected.get(topic, set()), topic
        assert int(listed.group(1)) == len(named)
        assert f"{len(named)} of {total} councils have a figure;" in section
        assert f"The other {total - len(named)} have none yet: a gap, not a zero." in body  # gaps counted, never zeros
