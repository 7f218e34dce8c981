"""The two rules for text people write: one for one-line fields, one for multi-line fields.

One-line fields (a title, a name, a tag, an email address) end up in email headers, page
titles, feeds and file names; multi-line fields (a description, a comment, a response) are
Markdown shown in a page. Both rules are applied twice: by the form that reads the text and by
the store when it writes or reads a record, so text that arrives by another road (the CLI, an
import, a file written by an older version) obeys them too.

What the rules remove, and why:

- control characters (C0, DEL, C1): invisible, and a line break in a one-line field breaks the
  email header it is put in (the mail library refuses it, and every retry fails the same way);
- the bidi embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069): they
  reorder the text around them, so "U+202E gpj.exe" reads as "exe.jpg"; pages also isolate
  every person's text with `dir="auto"` or `<bdi>`, but email subjects and feeds cannot;
- noncharacters (U+FDD0-U+FDEF and the last two code points of every plane, U+FFFE, U+FFFF,
  ...) and lone surrogates: not text, refused by strict UTF-8 encoders and XML.

What they keep: every letter of every script, combining marks, emoji with their zero-width
joiners and variation selectors, tag characters (flag emoji), and the left-to-right and
right-to-left marks (U+200E, U+200F, U+061C), which writers of Arabic and Hebrew type on
purpose and which cannot reorder text beyond their own neighbours. Text is not normalised to
NFC: NFC rewrites CJK compatibility ideographs (U+F900 onwards) to other code points and
reorders some combining marks, so a name would not come back as it was typed.

This module uses the standard library only, so the store (which must not load Flask) and the
forms share one definition.
"""

from __future__ import annotations

import re

__all__ = ["LINE_BREAKS", "multi_line", "one_line"]

# Every character Unicode treats as ending a line (str.splitlines() agrees, plus \x1c-\x1e).
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"

_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_SURROGATES = "\ud800-\udfff"
# Controls that are neither line breaks nor the tab, which both rules handle on their own.
_CONTROLS = "\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f"
# Noncharacters of the first plane; those of the other planes (U+1FFFE, U+1FFFF, ... U+10FFFF)
# are found among the code points from U+1FFFE up, which a short range finds quickly (listing
# them in the character class makes every search ten times slower).
_DROP = re.compile(f"[{_CONTROLS}{_BIDI_CONTROLS}\ufdd0-\ufdef\ufffe\uffff{_SURROGATES}]+")
_HIGH = re.compile("[\U0001fffe-\U0010ffff]")

# One-line: a line break, with the spaces around it, becomes one space; a tab is a space.
_BREAK_RUN = re.compile(f"[ \t]*[{LINE_BREAKS}][{LINE_BREAKS} \t]*")
# Multi-line: each line break (\r\n counted once) becomes \n.
_BREAK = re.compile(f"\r\n|[{LINE_BREAKS}]")
# Quick tests that let clean text (nearly all of it) through without being rebuilt: one scan,
# which also stops at any code point from U+1FFFE up (where the other noncharacters are).
_TROUBLE = f"{_CONTROLS}{_BIDI_CONTROLS}\ufdd0-\ufdef\ufffe\uffff{_SURROGATES}\U0001fffe-\U0010ffff"
_NEEDS_ONE_LINE = re.compile(f"[\t{LINE_BREAKS}{_TROUBLE}]")
_NEEDS_MULTI_LINE = re.compile(f"[\r\v\f\x1c-\x1e\x85\u2028\u2029{_TROUBLE}]")


def _drop(value: str) -> str:
    """`value` without controls (other than breaks and tabs), bidi controls, noncharacters."""
    value = _DROP.sub("", value)
    if _HIGH.search(value):
        value = _HIGH.sub(_unless_noncharacter, value)
    return value


def _unless_noncharacter(found: re.Match[str]) -> str:
    char = found.group()
    return "" if ord(char) & 0xFFFE == 0xFFFE else char


def one_line(value: str | None) -> str:
    """Text for a one-line field: no line break of any kind, no control, no bidi override.

    A line break (with the spaces around it) and a tab become one space, so words typed on two
    lines stay two words; surrounding space is removed.
    """
    if not value:
        return ""
    if _NEEDS_ONE_LINE.search(value):
        value = _BREAK_RUN.sub(" ", _drop(value)).replace("\t", " ")
    return value.strip()


def multi_line(value: str | None) -> str:
    """Text for a multi-line field: the one-line rule, except that newlines and tabs stay.

    Every kind of line break (\\r\\n, \\r, U+2028, ...) becomes \\n, so Markdown and emails see
    one kind; surrounding space and blank lines are removed.
    """
    if not value:
        return ""
    if _NEEDS_MULTI_LINE.search(value):
        value = _BREAK.sub("\n", _drop(value))
    return value.strip()
