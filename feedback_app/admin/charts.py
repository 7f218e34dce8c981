"""The dashboard's six charts: each one's figures (from `stats`) put into words and numbers
for a table, and drawn as an SVG picture with pygal.

pygal adds scripts to every chart (a config script even with `js=[]`), which our pages' CSP
refuses anyway: `render` takes every <script> out before the SVG is written, so what is
served is a still picture with its own <style>. The dashboard shows it with <img> (an image
never runs script) and, beside it, the same numbers as a table for screen readers and for
copying.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pygal
from babel import dates
from flask_babel import get_locale
from flask_babel import gettext as _
from pygal.style import Style

from ..store import Store
from ..templating import localized_number, status_label
from . import stats

__all__ = ["CHARTS", "Chart", "format_cell", "render_svg"]

Cell = str | int | float | None


@dataclass(frozen=True)
class Chart:
    """One chart: its picture's data and the table of the same numbers."""

    title: str
    alt: str  # what the picture shows, in one sentence, for people who cannot see it
    kind: str  # "line", "stacked" (bars) or "horizontal" (bars)
    x_labels: list[str]
    series: list[tuple[str, list[float | None]]]
    columns: list[str]
    rows: list[list[Cell]]
    # Written beside each point of the first series ("n=3": the answers a score is made of).
    notes: list[str] = field(default_factory=list)
    ranges: tuple[float, float] | None = None


def _week(monday: date) -> str:
    """A week as its Monday's day and month in the reader's language ("24 Nov", "11月24日")."""
    return dates.format_skeleton("MMMd", monday, locale=get_locale())


def _week_long(monday: date) -> str:
    """A week as its Monday's full date ("24 Nov 2026"), under the heading "Week starting"."""
    return dates.format_skeleton("yMMMd", monday, locale=get_locale())


def _touchpoint(name: str) -> str:
    return name or _("(not given)")


def _nps(store: Store, now: datetime) -> Chart:
    found = stats.nps_by_week(store, now)
    weeks = [(w.week, w.groups) for w in found]
    return Chart(
        title=_("Net Promoter Score by week"),
        alt=_("A line of the Net Promoter Score (from -100 to 100) for each of the last "
              "%(num)d weeks, each point marked with its number of answers (n); the table "
              "below has the numbers.",
              num=len(weeks)),
        kind="line",
        x_labels=[_week(week) for week, _g in weeks],
        series=[(_("NPS"), [g.nps for _w, g in weeks])],
        notes=[_("n=%(num)d", num=g.answers) for _w, g in weeks],
        ranges=(-100, 100),
        columns=[_("Week starting"), _("NPS"), _("Answers"), *_group_columns()],
        rows=[[_week_long(week), g.nps, g.answers, *_group_cells(g)] for week, g in weeks],
    )  # fmt: skip


def _effort(store: Store, now: datetime) -> Chart:
    places = stats.effort_by_touchpoint(store)
    return Chart(
        title=_("Effort by touchpoint"),
        alt=_("Bars of how easy customers found each touchpoint, on average, from 1 (very "
              "hard) to 7 (very easy); the table below has the numbers."),
        kind="horizontal",
        x_labels=[_touchpoint(p.touchpoint) for p in places],
        series=[(_("Average effort (1–7)"), [p.average for p in places])],
        ranges=(1, 7),
        columns=[_("Touchpoint"), _("Average effort (1 very hard – 7 very easy)"), _("Answers")],
        rows=[[_touchpoint(p.touchpoint), p.average, p.answers] for p in places],
    )  # fmt: skip


def _answers(store: Store, now: datetime) -> Chart:
    places = stats.answers_by_touchpoint(store)
    return Chart(
        title=_("Survey answers by touchpoint"),
        alt=_("Stacked bars of the survey answers about each touchpoint, split into "
              "promoters, passives and detractors; the table below has the numbers."),
        kind="stacked",
        x_labels=[_touchpoint(p.touchpoint) for p in places],
        series=[(_("Promoters"), [p.groups.promoters for p in places]),
                (_("Passives"), [p.groups.passives for p in places]),
                (_("Detractors"), [p.groups.detractors for p in places])],
        columns=[_("Touchpoint"), _("Answers"), *_group_columns()],
        rows=[[_touchpoint(p.touchpoint), p.groups.answers, *_group_cells(p.groups)]
              for p in places],
    )  # fmt: skip


def _group_columns() -> list[str]:
    """The headings of the three NPS groups' columns, in every table that splits answers."""
    return [_("Promoters (9–10)"), _("Passives (7–8)"), _("Detractors (0–6)")]


def _group_cells(groups: stats.NpsGroups) -> list[int]:
    return [groups.promoters, groups.passives, groups.detractors]


def _ideas(store: Store, now: datetime) -> Chart:
    counts = stats.ideas_by_status(store)
    return Chart(
        title=_("Ideas by status"),
        alt=_("Bars of how many ideas are in each status; the table below has the numbers."),
        kind="horizontal",
        x_labels=[status_label(s) for s, _n in counts],
        series=[(_("Ideas"), [n for _s, n in counts])],
        columns=[_("Status"), _("Ideas")],
        rows=[[status_label(s), n] for s, n in counts],
    )  # fmt: skip


def _votes(store: Store, now: datetime) -> Chart:
    weeks = stats.votes_by_week(store, now)
    return Chart(
        title=_("Votes per week"),
        alt=_("Stacked bars of the promotions and demotions cast in each of the last %(num)d "
              "weeks; the table below has the numbers.", num=len(weeks)),
        kind="stacked",
        x_labels=[_week(w.week) for w in weeks],
        series=[(_("Promotions"), [w.promotions for w in weeks]),
                (_("Demotions"), [w.demotions for w in weeks])],
        columns=[_("Week starting"), _("Promotions"), _("Demotions")],
        rows=[[_week_long(w.week), w.promotions, w.demotions] for w in weeks],
    )  # fmt: skip


def _followups(store: Store, now: datetime) -> Chart:
    timing = stats.followup_timing(store, now)
    labels = [_("Reached in time"), _("Reached late"), _("Overdue, not reached"),
              _("Not reached yet, still in time")]  # fmt: skip
    counts = [timing.in_time, timing.late, timing.overdue, timing.waiting]
    shares = [timing.in_time_percent, timing.late_percent, None, None]
    return Chart(
        title=_("Follow-ups resolved in time"),
        alt=_("Bars of the unhappy customers reached within the promised time, reached late, "
              "and not reached yet; the table below has the numbers."),
        kind="horizontal",
        x_labels=labels,
        series=[(_("Follow-ups"), list(counts))],
        columns=[_("Follow-ups"), _("Customers"), _("Share of those reached (%)")],
        rows=[[label, count, share]
              for label, count, share in zip(labels, counts, shares, strict=True)],
    )  # fmt: skip


# Each chart by the name in its address (/admin/charts/<name>.svg), in the dashboard's order.
CHARTS: dict[str, Callable[[Store, datetime], Chart]] = {
    "nps": _nps,
    "effort": _effort,
    "answers": _answers,
    "ideas": _ideas,
    "votes": _votes,
    "followups": _followups,
}

_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1d2330",
    foreground_strong="#1d2330",
    foreground_subtle="#5b6475",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    value_font_size=13,
    opacity=".9",
    opacity_hover="1",
    colors=("#2b59c3", "#b45309", "#b42318", "#067647", "#7c3aed", "#0f766e"),
)

_KINDS: dict[str, Callable[..., Any]] = {
    "line": pygal.Line,
    "stacked": pygal.StackedBar,
    "horizontal": pygal.HorizontalBar,
}


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _without_scripts(root: Any) -> Any:
    """Take every <script> out of the SVG tree (pygal's xml_filters hook)."""
    for parent in list(root.iter()):
        for child in list(parent):
            if _local(child.tag) == "script":
                parent.remove(child)
    return root


def _titled(title: str) -> Callable[[Any], Any]:
    """A filter naming the picture: pygal writes <title>Pygal</title> unless the title is
    also drawn inside the chart, and the dashboard already captions each chart."""

    def name_it(root: Any) -> Any:
        for element in root.iter():
            if _local(element.tag) == "title" and element.text == "Pygal":
                element.text = title
        return root

    return name_it


def render_svg(chart: Chart) -> bytes:
    """The chart as a standalone SVG document: no script, no link out, its own <style>."""
    several = len(chart.series) > 1
    options: dict[str, Any] = dict(
        js=[], style=_STYLE, width=640, height=360,
        show_legend=several, legend_at_bottom=True, legend_at_bottom_columns=3,
        truncate_label=-1, truncate_legend=-1, print_values=bool(chart.notes),
        no_data_text=_("No data yet"), margin=12, margin_bottom=30, margin_right=30, dots_size=3,
        order_min=0,  # counts: no ticks between whole numbers
    )  # fmt: skip
    if len(chart.x_labels) > 6 and chart.kind != "horizontal":  # weeks: every other one named
        options.update(x_labels_major_every=2, show_minor_x_labels=False)
    if chart.ranges is not None:
        options["range"] = chart.ranges
    drawing = _KINDS[chart.kind](**options)
    drawing.add_xml_filter(_without_scripts)
    drawing.add_xml_filter(_titled(str(chart.title)))
    # pygal draws horizontal bars from the bottom up: reversed, they read top-down like the table
    order = (lambda items: items[::-1]) if chart.kind == "horizontal" else list
    drawing.x_labels = order(chart.x_labels)
    for n, (name, values) in enumerate(chart.series):
        if n == 0 and chart.notes:
            noted = [_noted(v, note) for v, note in zip(values, chart.notes, strict=True)]
            drawing.add(name, order(noted))
        else:
            drawing.add(name, order(values))
    svg: bytes = drawing.render()
    return svg


def _noted(value: float | None, note: str) -> dict[str, Any]:
    """A point that prints `note` beside it instead of its value."""
    return {"value": value, "formatter": lambda _value: note}


def format_cell(value: Cell) -> str:
    """A table cell as the reader's locale writes it ("–" for no value)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return localized_number(value)  # type: ignore[arg-type]
