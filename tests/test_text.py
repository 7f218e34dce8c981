"""People's text in and out: Unicode kept, control characters gone, no executable markup."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient

from feedback_app import text
from feedback_app.text import plain_text, render_markdown
from feedback_app.textrules import multi_line
from tests.conftest import app_store, csrf_token, sign_in

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<img src=javascript:alert(1)>",
    "<img src=`javascript:alert(1)`>",
    '<img """><script>alert(1)</script>">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "[click](vbscript:msgbox(1))",
    '[x](https://ok.example "title" onmouseover=alert(1))',
    "![img](javascript:alert(1))",
    '![img](x "onerror=alert(1)")',
    '<https://ok.example/"onmouseover="alert(1)>',
    "<javascript:alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>@import 'http://evil.example/x.css';</style>",
    "<link rel=stylesheet href=http://evil.example/x.css>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<form action=javascript:alert(1)><input type=submit></form>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<p onclick=alert(1)>click</p>",
    "<b onmouseover=alert(1)>bold</b>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "<scrIpt>alert(1)</scRipt>",
    '<a href="  javascript:alert(1)">x</a>',
    "``<script>alert(1)</script>``",
    "    <script>alert(1)</script>",
    "> <img src=x onerror=alert(1)>",
]

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
                "h3", "h4", "hr", "del"}  # fmt: skip
PAGE_TAGS = ALLOWED_TAGS | {"html", "head", "meta", "title", "link", "body", "header", "nav",
    "main", "footer", "section", "h1", "h2", "div", "form", "input", "button", "label",
    "ul", "span", "textarea", "script"}  # fmt: skip


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.found


def _assert_inert(html: str, allowed: set[str]) -> None:
    for tag, attrs in _tags(html):
        assert tag in allowed, f"<{tag}> in {html!r}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{name}= in {html!r}"
            if name in ("href", "src", "action"):
                target = (value or "").strip().lower()
                assert target.startswith(("http://", "https://", "mailto:", "/", "#", "?")) or (
                    target == ""
                ), f"{name}={value!r} in {html!r}"


def test_there_are_at_least_fifty_payloads() -> None:
    assert len(XSS) >= 50


@pytest.mark.parametrize("payload", XSS)
def test_markdown_output_has_no_executable_markup(payload: str) -> None:
    html = str(render_markdown(payload))
    _assert_inert(html, ALLOWED_TAGS)
    assert "<script" not in html.lower()


def test_markdown_keeps_formatting_and_marks_links() -> None:
    html = str(render_markdown("**Так** _sì_ [site](https://ok.example)\n\n- один\n- 二"))
    assert "<strong>Так</strong>" in html and "<em>sì</em>" in html
    assert 'rel="nofollow ugc noopener"' in html
    assert "<li>один</li>" in html and "<li>二</li>" in html


def test_typed_html_shows_as_text() -> None:
    assert "&lt;b&gt;bold&lt;/b&gt;" in str(render_markdown("<b>bold</b>"))


@pytest.mark.parametrize("payload", XSS)
def test_plain_fields_are_escaped_on_pages(app: Flask, client: FlaskClient, payload: str) -> None:
    user = app_store(app).users.add("x@example.com", name="x")
    sign_in(client, user.id)
    token = csrf_token(client, "/account")
    client.post("/account", data={"csrf_token": token, "name": payload[:80]})
    page = client.get("/account").get_data(as_text=True)
    _assert_inert(page, PAGE_TAGS)
    scripts = [attrs for tag, attrs in _tags(page) if tag == "script"]
    assert scripts == [], "no script tag at all on the page"


def test_the_multi_line_rule_keeps_every_language_and_emoji() -> None:
    text = "Олена · Тарас · Ирина · Sang-ayon ako · Caffè · 李伟 · 👩‍👩‍👧 · مرحبا"
    assert multi_line(f"  {text}\x00\x07\x1b ") == text
    assert multi_line("line one\r\nline two\rthree") == "line one\nline two\nthree"
    assert multi_line(None) == ""


PATHOLOGICAL = {
    "nested lists": "- " * 600 + "x",
    "nested ordered lists": "1. " * 600 + "x",
    "nested quotes": ">" * 600 + " x",
    "quotes and lists": "> - " * 300 + "x",
    "indented lists": "\n".join("  " * i + "- x" for i in range(600)),
    "deeply indented code": "- x\n" + " " * 9000 + "y",
    "nested emphasis": "*" * 5000 + "x" + "*" * 5000,
    "open brackets": "[" * 5000,
    "open links": "[a](<" * 2000,
    "backticks": "`" * 100_000,
    "uneven backticks": "``a`" * 2500,
    "rules": "***\n" * 2500,
    "a long text": "word " * 200_000,
}


@pytest.mark.parametrize("source", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_markdown_is_shown_as_escaped_text(source: str) -> None:
    html = str(render_markdown(source + "<b>"))
    assert html.startswith("<p>") and html.endswith("&lt;b&gt;</p>")
    assert plain_text(source + "<b>").endswith("<b>"), "excerpts keep the typed words"


def test_ordinary_markdown_is_still_rendered() -> None:
    source = "**Так** [site](https://ok.example) `код`\n\n- один\n    - 二\n\n> sì\n\n" * 40
    html = str(render_markdown(source))
    assert html.count("<strong>Так</strong>") == 40 and html.count("<code>код</code>") == 40
    assert html.count("<blockquote>") == 40 and html.count("<li>二</li>") == 40


def test_escaped_text_keeps_paragraphs_and_lines() -> None:
    assert str(render_markdown("- " * 600 + "\n\nline one\nline two")).endswith(
        "<p>line one<br>\nline two</p>"
    )


def test_a_recursion_the_precheck_missed_is_caught_and_leaves_the_renderer_working(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(text, "MARKDOWN_MAX_DEPTH", 10_000)
    assert str(render_markdown("- " * 600 + "deep")).endswith(" - deep</p>")
    assert str(render_markdown("*still* working")) == "<p><em>still</em> working</p>"
