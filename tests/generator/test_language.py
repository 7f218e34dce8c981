"""The language a customer wrote in, as the site's `lang` attributes say it."""

from __future__ import annotations

import pytest

from generator.language import detect, language_of

SENTENCES = {
    "en": ["The coffee is great and the staff are very friendly.",
           "I love that you answered my idea within a day, thank you!"],
    "uk": ["Відмінна кава, дуже смачно, дякую!",
           "Мені подобається, що ви відповідаєте на кожну ідею."],
    "ru": ["Очень вкусный кофе, спасибо за быструю доставку.",
           "Мне нравится, что вы отвечаете на каждый отзыв."],
    "tl": ["Ang sarap ng kape nila, salamat po!",
           "Maganda ang serbisyo at mabilis ang delivery nila sa amin."],
    "it": ["Il caffè è molto buono e il personale è gentile.",
           "Ho proposto i cornetti vegani e adesso ci sono ogni mattina."],
    "zh": ["咖啡很好喝，服务也很好。", "我很喜欢你们的燕麦奶拿铁，谢谢！"],
}  # fmt: skip


CASES = [(lang, t) for lang, texts in SENTENCES.items() for t in texts]


@pytest.mark.parametrize(("language", "text"), CASES)
def test_each_of_the_six_languages_is_detected(language: str, text: str) -> None:
    assert detect(text) == language


def test_what_the_author_said_comes_first_when_the_script_allows_it() -> None:
    assert language_of("Il caffè è molto buono.", "it") == "it"
    assert language_of("Kape, espresso", "", "tl") == "tl", "the sale's language when none stated"
    assert language_of("Great coffee, really", "en") == "en"
    assert language_of("Ciao", "de") == "de", "a language we cannot check is believed"


def test_an_english_label_on_cyrillic_or_chinese_text_is_not_believed() -> None:
    assert language_of(SENTENCES["uk"][0], "en") == "uk"
    assert language_of(SENTENCES["ru"][0], "en", "en") == "ru"
    assert language_of(SENTENCES["zh"][0], "en") == "zh"
    assert language_of(SENTENCES["uk"][0], "ru") == "uk", "nor a Russian one on Ukrainian"


def test_a_stated_language_the_words_contradict_is_not_believed() -> None:
    """Seen on the demo's site: English quotes from sales recorded in Italian read as Italian,
    an Italian one from a Tagalog sale as Tagalog."""
    english = "Got a free drink for writing this, but honestly the cold brew is the best around."
    italian = "Finalmente cornetti vegani ogni mattina: la colazione perfetta prima del lavoro."
    assert language_of(english, "it") == "en"
    assert language_of(italian, "tl") == "it"
    assert language_of("Cornetti!", "it") == "it", "too few words to doubt what was said"


def test_only_language_tags_reach_the_page() -> None:
    assert language_of("Great coffee and friendly staff", '" onmouseover="x') == "en"
    assert language_of("Great coffee", "pt_BR") == "pt-BR"


def test_nothing_is_guessed_from_too_little() -> None:
    assert detect("!!! 123") == ""
    assert detect("Mmm") == ""
