"""The published site's search index: Chinese is cut into words (mkdocs.yml, search plugin)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from feedback_app.demo import seed_demo
from feedback_app.store import Store
from generator.publish import publish

CHINESE = "咖啡很好喝，店员也很友好。"  # a seeded testimonial: "...the staff are very friendly"


@pytest.mark.backends("tinydb")  # the published site does not depend on the store
def test_chinese_text_is_indexed_word_by_word(store: Store, site_project: Path) -> None:
    """lunr splits text only at the separator: an unsegmented run of Chinese is one "word",
    found only from its first character. jieba's words, joined by a zero-width space that the
    separator splits at, let a reader find 店员 (staff) in the middle of a sentence."""
    assert importlib.util.find_spec("jieba"), "jieba (pyproject.toml) is missing: pip install -e ."
    seed_demo(store)
    site = site_project / "site"
    publish(store, site_project, site, "http://board.example", "http://127.0.0.1/")
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = [doc["text"] for doc in index["docs"] if "店员" in doc["text"]]
    assert texts, "the Chinese testimonial is in the index"
    assert all("\u200b店员\u200b" in text for text in texts), texts
    assert all(text.replace("\u200b", "").count(CHINESE) for text in texts), "text unchanged"
    separator = index["config"]["separator"]
    assert re.fullmatch(separator, "\u200b"), "the browser splits where jieba cut"
