"""A prospect searches the published site in each seed language and finds the text they mean.

Each search but the Tagalog one is a word in another form than the text's, or inside a longer
run of text, so that Material's prefix match alone finds none of them: Chinese needs the text
cut into words (jieba, mkdocs.yml's separator), Russian, Ukrainian and Italian need stemming on
both sides (mkdocs.yml's languages, and the worker that stems the words typed,
site_src/overrides). Tagalog has no stemmer: its whole words must survive the others' stemmers.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_site import site_url  # noqa: F401  (the fixture: the demo, published)

SEARCHES = [
    # (language, word typed, text it must find)
    ("Chinese", "友好", "咖啡很好喝，店员也很友好。"),  # "friendly", inside a clause
    ("Russian", "карта", "Сделайте карту лояльности в приложении"),  # nominative; text: карту
    ("Ukrainian", "каву", "Найкраща кава в місті"),  # accusative; text: кава
    ("Italian", "cornetto", "Cornetti vegani al mattino"),  # singular; text: plural
    ("Tagalog", "kape", "Ang sarap ng kape at mabait ang mga barista."),  # whole word
]


@pytest.mark.backends("tinydb")  # the published site does not depend on the store
def test_a_word_in_each_seed_language_finds_its_text(
    site_url: str,  # noqa: F811
    page: Page,
) -> None:
    page.goto(site_url + "/")
    search = page.get_by_role("textbox", name="Search")
    search.click()
    missed = []
    for language, word, text in SEARCHES:
        search.fill("")
        # Chinese, Cyrillic: the word arrives whole, as from an input method or another
        # keyboard layout, then a key is released (Material searches on keyup).
        page.keyboard.insert_text(word)
        page.keyboard.press("End")
        found = page.locator(".md-search-result__item").filter(has_text=text)
        try:
            expect(found.first).to_be_visible(timeout=10_000)
            missing = found.first.locator(".md-search-result__terms del")
            expect(missing, "no word typed is shown as missing").to_have_count(0)
        except AssertionError:
            missed.append(f"{language}: searching {word!r} does not find {text!r}")
    assert missed == []
