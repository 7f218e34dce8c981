"""Finding ideas by words, in any language.

Text is normalised (NFKC, case-folded) so "ÉTÉ", "été" and full-width letters match. Words
are split on spaces; Chinese, Japanese and Korean text, written without spaces, is split into
overlapping pairs of characters, so "无糖饮品" is found by "无糖" and by "饮品" (and, as each
character is indexed too, by "糖").

An idea's search terms are computed here, in Python, by `index_terms`, and kept with the idea
by every backend (an in-memory index for TinyDB, a GIN-indexed array column in PostgreSQL): a
search finds the ideas whose terms include every term of the query, so both backends find
exactly the same ideas.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["index_terms", "normalise", "similarity", "terms"]

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


def index_terms(text: str) -> frozenset[str]:
    """Every term a search may ask for that `text` holds: its `terms`, plus each single
    character of its CJK runs (a one-character query is its own term)."""
    found = set(terms(text))
    for run in _CJK.findall(normalise(text)):
        found.update(run)
    return frozenset(found)


def similarity(query_terms: list[str], indexed: frozenset[str]) -> float:
    """Share of the query's terms among an idea's `index_terms`."""
    if not query_terms:
        return 0.0
    return sum(1 for t in query_terms if t in indexed) / len(query_terms)
