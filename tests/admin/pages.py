"""Reading console pages as a person would: the attention counts and the charts' tables."""

from __future__ import annotations

from html.parser import HTMLParser


class _Reader(HTMLParser):
    """Collects the attention list's items and every chart's table rows."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: list[dict[str, str]] = []
        self.links: list[list[str]] = []  # [href, text] of every link in the attention list
        self.tables: dict[str, list[list[str]]] = {}
        self.images: dict[str, str] = {}
        self._in_attention = False
        self._in_link = False
        self._item: dict[str, str] | None = None
        self._chart = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "ul" and found.get("class") == "attention":
            self._in_attention = True
        elif tag == "li" and self._in_attention:
            self._item = {"class": found.get("class") or "", "href": "", "text": ""}
        elif tag == "a" and self._item is not None:
            self._item["href"] = self._item["href"] or found.get("href") or ""
            self.links.append([found.get("href") or "", ""])
            self._in_link = True
        elif tag == "figure" and (found.get("id") or "").startswith("chart-"):
            self._chart = (found.get("id") or "")[len("chart-"):]
            self.tables[self._chart] = []
        elif tag == "img" and self._chart:
            self.images[self._chart] = f"{found.get('src')}|{found.get('alt')}"
        elif tag == "tr" and self._chart:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul" and self._in_attention:
            self._in_attention = False
        elif tag == "li" and self._item is not None:
            self._item["text"] = " ".join(self._item["text"].split())
            self.counts.append(self._item)
            self._item = None
        elif tag == "a" and self._in_link:
            self.links[-1][1] = " ".join(self.links[-1][1].split())
            self._in_link = False
        elif tag == "figure":
            self._chart = ""
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._chart].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._item is not None:
            self._item["text"] += data
            if self._in_link:
                self.links[-1][1] += data
        if self._cell is not None:
            self._cell.append(data)


def read_dashboard(page: str) -> _Reader:
    reader = _Reader()
    reader.feed(page)
    return reader
