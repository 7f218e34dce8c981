"""Finding ideas by words, in any language.

Text is normalised (NFKC, case-folded) so "ÉTÉ", "été" and full-width letters match. Words
are split on spaces; Chinese, Japanese and Korean text, written without spaces, is split into
overlapping pairs of characters, so "无糖饮品" is found by "无糖" and by "饮品".
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise", "similarity", "terms"]

_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def terms(text: str, min_length: int = 1) -> list[str]:
    """The searchable pieces of `text`: words, and pairs of characters inside CJK runs."""
    found: list[str] = []
    for word in _WORD.findall(normalise(text)):
        runs = _CJK.findall(word)
        if runs:
            for run in runs:
                found += [run] if len(run) < 2 else [run[i : i + 2] for i in range(len(run) - 1)]
            rest = _CJK.sub(" ", word).split()
            found += [w for w in rest if len(w) >= min_length]
        elif len(word) >= min_length:
            found.append(word)
    return list(dict.fromkeys(found))


def similarity(query_terms: list[str], haystack: str) -> float:
    """Share of the query's terms found in the (normalised) haystack."""
    if not query_terms:
        return 0.0
    return sum(1 for t in query_terms if t in haystack) / len(query_terms)
