"""Which language a customer's text is in, for the `lang` attribute of what the site shows.

A screen reader picks its voice from `lang`, a browser its hyphenation and Chinese fonts. What
the author told us comes first (the language they used the interface in, or their sale's);
detection is only the fallback. The interface is English-only today, so a stated "en" is often
just the default: a stated language is not believed when the text's script or its words
clearly say another.

Detection knows exactly the six languages our customers write in (en, uk, ru, tl, it, zh):
the script decides Chinese and Cyrillic; Ukrainian and Russian are told apart by the letters
only one of them has, then by common words; English, Italian and Tagalog by common words. A
library would be more accurate on texts in many languages, but lingua-language-detector 2.1.1
is a 96 MB wheel (measured): too much for six languages that script and common words separate.
Pure: text in, a language code out ("" when it cannot tell: the page's language applies).
"""

from __future__ import annotations

import re

__all__ = ["LANGUAGES", "detect", "language_of"]

LANGUAGES = ("en", "uk", "ru", "tl", "it", "zh")
_SCRIPT_OF = {"en": "latin", "it": "latin", "tl": "latin", "uk": "cyrillic", "ru": "cyrillic",
              "zh": "han"}  # fmt: skip

_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")  # what may reach a lang attribute
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_ONLY_UK = set("іїєґ")
_ONLY_RU = set("ыэъё")
_COMMON_WORDS = {
    "en": "the and is are was were it this that to of for with very my we you not but "
          "have has they our great love would could should just so can i me",
    "it": "il lo la gli le di che è e un una per non con mi molto sono ho del della "
          "questo questa ma anche più ci si ottimo bello grazie",
    "tl": "ang ng mga sa na at ay ko ako hindi po siya kami namin ito iyon para "
          "salamat talaga masarap maganda lang din rin naman kayo niyo yung nang",
    "uk": "і й що це не на в у з та як але дуже мені ми ви він вона все було буде "
          "тут там ще для від щоб її його дякую",
    "ru": "и что это не на в с как но очень мне мы вы он она все было будет тут там "
          "еще ещё для от чтобы её его спасибо",
}  # fmt: skip
_COMMON = {lang: frozenset(words.split()) for lang, words in _COMMON_WORDS.items()}


def _script(text: str) -> str:
    """The script most of the letters are in ("" for none)."""
    counts = {
        "han": len(_HAN.findall(text)),
        "cyrillic": len(_CYRILLIC.findall(text)),
        "latin": len(_LATIN.findall(text)),
    }
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else ""


def _by_words(text: str, candidates: tuple[str, ...]) -> str:
    words = [w.casefold() for w in _WORD.findall(text)]
    scores = {lang: sum(w in _COMMON[lang] for w in words) for lang in candidates}
    best = max(candidates, key=lambda lang: scores[lang])
    tied = [lang for lang in candidates if scores[lang] == scores[best]]
    return best if scores[best] and len(tied) == 1 else ""


def detect(text: str) -> str:
    """The language of `text` among LANGUAGES, or "" when it cannot tell."""
    script = _script(text)
    if script == "han":
        return "zh"
    if script == "cyrillic":
        letters = set(text.casefold())
        uk, ru = bool(letters & _ONLY_UK), bool(letters & _ONLY_RU)
        if uk != ru:
            return "uk" if uk else "ru"
        return _by_words(text, ("uk", "ru"))
    if script == "latin":
        return _by_words(text, ("en", "it", "tl"))
    return ""


def language_of(text: str, *stated: str) -> str:
    """The first `stated` language (in order of trust) that the text agrees with, else what
    `detect` finds. A stated language is not believed when the text's script is another, or
    when its words clearly say another language of that script (an English quote from a
    customer whose sale was recorded in Italian); a language we do not know the script of is
    believed as stated. Anything that is not a language tag is ignored (it is printed into an
    attribute)."""
    script, found = _script(text), detect(text)
    for lang in stated:
        tag = lang.strip().replace("_", "-")
        if not _TAG.fullmatch(tag):
            continue
        base = tag.split("-")[0].casefold()
        known = _SCRIPT_OF.get(base)
        if known is None or not script or (known == script and found in ("", base)):
            return tag
    return found
