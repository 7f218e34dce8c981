"""The one-line and multi-line rules for people's text, by example and by property."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback_app.textrules import LINE_BREAKS, multi_line, one_line

BIDI_CONTROLS = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
NONCHARACTERS = [chr(c) for c in range(0xFDD0, 0xFDF0)] + [
    chr(plane * 0x10000 + last) for plane in range(17) for last in (0xFFFE, 0xFFFF)
]
CONTROLS = [chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]]
SURROGATES = [chr(c) for c in range(0xD800, 0xE000)]
# Forbidden everywhere; the tab and the newline are allowed in multi-line text only.
FORBIDDEN = set(BIDI_CONTROLS + NONCHARACTERS + CONTROLS + SURROGATES) | set(LINE_BREAKS)
FORBIDDEN_MULTI_LINE = FORBIDDEN - {"\n", "\t"}

WORLD = [
    "Більше безлактозних десертів, будь ласка — ґанок і їжак",
    "Сделайте карту лояльности, ёлки-палки",
    "Mas maraming upuan sa labas, salamat po",
    "Cornetti vegani al mattino, perché è più buono",
    "增加无糖饮品选项，谢谢！",
    "家族 👩‍👩‍👧‍👦 · 👍🏽 · 🏳️‍🌈 · 🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    "مرحبا بالعالم ‏(RLM)‎ · שלום",
    "e\u0301 vs é · 한국어 · \uf900 compatibility ideograph · नमस्ते",
]


@pytest.mark.parametrize("text", WORLD)
def test_every_script_and_emoji_comes_back_byte_identical(text: str) -> None:
    assert one_line(text).encode() == text.encode()
    assert multi_line(text).encode() == text.encode()
    assert multi_line(f"{text}\n\n{text}") == f"{text}\n\n{text}"


def test_one_line_turns_every_line_break_into_one_space() -> None:
    for brk in [*LINE_BREAKS, "\r\n", "\n\n\n", " \r\n\t "]:
        assert one_line(f"Oat milk{brk}for free") == "Oat milk for free", repr(brk)
    assert one_line("Oat\tmilk") == "Oat milk"
    assert one_line("  Oat milk\n") == "Oat milk"
    assert one_line(None) == "" and one_line("") == ""


def test_multi_line_keeps_newlines_and_tabs_and_unifies_line_breaks() -> None:
    assert multi_line("one\r\ntwo\rthree\u2028four\u2029five\x85six\vseven\fend") == (
        "one\ntwo\nthree\nfour\nfive\nsix\nseven\nend"
    )
    assert multi_line("- item\n\n\tcode") == "- item\n\n\tcode"
    assert multi_line(None) == ""


@pytest.mark.parametrize("rule", [one_line, multi_line])
def test_spoofing_and_invisible_characters_are_removed(rule: object) -> None:
    assert rule("\u202egpj.exe") == "gpj.exe"  # type: ignore[operator]
    assert rule("a\u2066b\u2069c\u202ad\u202ce") == "abcde"  # type: ignore[operator]
    assert rule("a\x00b\x1bc\x7fd\x9fe") == "abcde"  # type: ignore[operator]
    assert rule("a\ufffeb\uffffc\ufdd0d\U0010ffffe\U0001fffe") == "abcde"  # type: ignore[operator]
    assert rule("a\ud800b\udfffc") == "abc"  # type: ignore[operator]


# Any code point, surrogates included, with the forbidden ones made frequent.
_ANY = st.one_of(
    st.characters(codec=None, categories=None),
    st.sampled_from(sorted(FORBIDDEN | {" ", "\r\n"})),
)
TEXTS = st.lists(_ANY, max_size=60).map("".join)


def _allowed(forbidden: set[str]) -> st.SearchStrategy[str]:
    chars = st.characters(codec=None, categories=None).filter(lambda c: c not in forbidden)
    return st.text(chars, max_size=60).filter(lambda t: t == t.strip())


@given(TEXTS)
def test_one_line_is_idempotent_and_leaves_nothing_forbidden(text: str) -> None:
    once = one_line(text)
    assert one_line(once) == once
    assert not set(once) & FORBIDDEN
    assert once == once.strip()


@given(TEXTS)
def test_multi_line_is_idempotent_and_leaves_nothing_forbidden(text: str) -> None:
    once = multi_line(text)
    assert multi_line(once) == once
    assert not set(once) & FORBIDDEN_MULTI_LINE
    assert once == once.strip()


@given(_allowed(FORBIDDEN))
def test_one_line_text_of_allowed_characters_passes_unchanged(text: str) -> None:
    assert one_line(text) == text


@given(_allowed(FORBIDDEN_MULTI_LINE))
def test_multi_line_text_of_allowed_characters_passes_unchanged(text: str) -> None:
    assert multi_line(text) == text
