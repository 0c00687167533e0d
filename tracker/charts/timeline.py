"""The control timeline: who held each place over time, as bars on lanes.

One lane per place (the place asked for and the places inside it that have
claims), or, for an actor, one lane per place it held or contested (with every
other holder of those places, so that the picture shows who it took them from).
Each source's word is a bar of its own within the lane (a view: a report, what
was derived from a dataset's events, a map series), so sources that disagree
show as parallel bars. On a bar:

* the holder's colour (:mod:`tracker.charts.palette`); contested periods are
  hatched and split between the contesting holders;
* an uncertain end (a fuzzy date, "since before", "still held as of the last
  report") is faded over its window; an open claim is solid up to its newest evidence
  (tracker.control.freshness, as who-held judges it) and faded after, stale or not;
* derived claims (from transfer events) have a dashed edge, map claims a dotted one;
* the events that began or ended a claim are marked (▼) above the lane.

The footer names every source drawn.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.charts.palette import UNKNOWN, colours_for, save
from tracker.control.spans import SpanView, source_label, span_views
from tracker.errors import TrackerError, UnknownName
from tracker.model.entities import ControlSpan, Event
from tracker.names.resolve import descendant_ids, find_actor, find_place

ORIGIN_EDGE = {"reported": "solid", "derived": "dashed", "snapshot": "dotted"}


@dataclass
class Bar:
    lane: str  # the place's name
    view: str  # the source's label (and "derived from" / "map")
    holder: str
    status: str
    start: dt.date  # the drawn start and end (open ends at the axis' edges)
    end: dt.date
    sure_start: dt.date  # inside [sure_start, sure_end) the claim surely holds; outside it is faded
    sure_end: dt.date
    origin: str
    share: tuple[int, int] = (0, 1)  # contested: this holder's part of the bar's height (index, of)


@dataclass
class Mark:
    lane: str
    day: dt.date
    label: str


@dataclass
class TimelineData:
    title: str
    first: dt.date
    last: dt.date
    lanes: list[str]
    views: dict[str, list[str]]  # lane -> its views, top to bottom
    bars: list[Bar]
    marks: list[Mark]
    sources: list[str]
    colours: dict[str, str] = field(default_factory=dict)


def _view_label(span: SpanView) -> str:
    owner = next((s for s in span.sources if s.id == span.source_id), None) or next(
        (s for s in (*span.sources, span.source) if s is not None), None)
    label = source_label(owner) if owner is not None else f"source #{span.source_id}"
    if span.origin == "snapshot":  # one view for a whole map series: its publisher's maps
        return f"maps: {owner.publisher or owner.title}" if owner is not None else "maps"
    return f"derived from {label}" if span.origin == "derived" else label


def timeline_data(session: Session, name: str, first: dt.date | None = None, last: dt.date | None = None
                  ) -> TimelineData:
    """The bars, marks and sources of the control timeline of a place or an actor."""
    place = actor = None
    try:
        place = find_place(session, name)
    except UnknownName:
        try:
            actor = find_actor(session, name)
        except UnknownName as exc:  # neither: say so, with the nearest names the actor search suggests
            raise UnknownName("place or actor", name, exc.suggestions) from None
    if place is not None:
        ids = descendant_ids(session, place.id)
        title = f"Control of {place.name}"
    else:
        assert actor is not None
        ids = sorted(set(session.scalars(select(ControlSpan.location_id).where(ControlSpan.actor_id == actor.id))))
        title = f"Places held by {actor.name}"
    spans = span_views(session, ids, first or dt.date.min, last or dt.date.max)
    if not spans:
        raise TrackerError(f"no control recorded for {name!r}" + (f" between {first} and {last}" if first or last else ""))
    days = [d for s in spans for d in (s.start_min, s.start_max, s.end_min, s.end_max) if d is not None]
    events = _marks(session, spans)
    days += [m.day for m in events]
    lo, hi = first or min(days), last or max(days)
    if lo >= hi:
        lo, hi = lo - dt.timedelta(days=15), hi + dt.timedelta(days=15)
    pad = max(dt.timedelta(days=3), (hi - lo) / 3)
    lo, hi = (first or lo - pad), (last or hi + pad)
    stale_from, evidence_to = _stale_from(session, spans, hi)
    order = {i: n for n, i in enumerate(ids)}
    lanes = [s.location.name for s in sorted(spans, key=lambda s: order.get(s.location_id or 0, 0))]
    lanes = list(dict.fromkeys(lanes))
    views: dict[str, list[str]] = {}
    bars: list[Bar] = []
    groups: dict[tuple, list[SpanView]] = {}
    for s in spans:
        lane, view = s.location.name, _view_label(s)
        views.setdefault(lane, [])
        if view not in views[lane]:
            views[lane].append(view)
        start = max(lo, s.start_min or lo)
        end = min(hi, s.end_max or hi)
        if end <= start:
            continue
        sure_start = s.start_max or (start + (hi - lo) / 10 if s.start_min is None else start)
        sure_end = s.end_min or (end - (hi - lo) / 10 if s.end_max is None else end)
        if s.end_max is None and s.id in evidence_to:  # open: solid while evidence supports it
            sure_end = max(start, evidence_to[s.id])
        if s.id in stale_from:  # past its horizon without fresh evidence: faded from there on
            sure_end = min(sure_end, stale_from[s.id])
        bar = Bar(lane, view, s.actor.name, s.status, start, end, max(start, sure_start), min(end, sure_end), s.origin)
        bars.append(bar)
        groups.setdefault((lane, view, s.status, s.start_min, s.end_max), []).append(s)
    for bar in bars:  # a contested period's holders share the bar's height
        if bar.status == "contested":
            same = [b for b in bars if (b.lane, b.view, b.status, b.start, b.end) ==
                    (bar.lane, bar.view, bar.status, bar.start, bar.end)]
            holders = sorted({b.holder for b in same})
            bar.share = (holders.index(bar.holder), len(holders))
    sources = sorted({source_label(src) for s in spans for src in (*s.sources, s.source) if src is not None})
    data = TimelineData(title, lo, hi, lanes, views, bars, [m for m in events if lo <= m.day <= hi], sources)
    data.colours = colours_for(b.holder for b in bars)
    return data


def _stale_from(session: Session, spans: list[SpanView], day: dt.date) -> tuple[dict[int, dt.date], dict[int, dt.date]]:
    """Of the open claims (tracker.control.freshness, at the axis' end): the day each stale one went stale,
    and each one's newest evidence."""
    from tracker.control.freshness import assess
    from tracker.control.spans import Claim

    claims = [Claim(s, True) for s in spans if s.end_max is None and s.id is not None]
    if not claims:
        return {}, {}
    assess(session, claims, day)
    out: dict[int, dt.date] = {}
    evidence: dict[int, dt.date] = {}
    for c in claims:
        f = c.freshness
        if f is not None and f.evidence is not None and c.span.id:
            evidence[c.span.id] = f.evidence
        if f is not None and f.stale and f.evidence is not None and f.horizon_days is not None and c.span.id:
            out[c.span.id] = f.evidence + dt.timedelta(days=f.horizon_days)
    return out, evidence


def _marks(session: Session, spans: list[SpanView]) -> list[Mark]:
    """The events that began or ended the claims drawn (captures, clashes), each once per lane."""
    wanted: list[tuple[int, str, dt.date]] = []  # (event, lane, the day of the claim's boundary it made)
    for s in spans:
        begun, ended = s.start_max or s.start_min, s.end_min or s.end_max
        if s.begun_by is not None and begun is not None:
            wanted.append((s.begun_by.id, s.location.name, begun))
        if s.ended_by is not None and ended is not None:
            wanted.append((s.ended_by.id, s.location.name, ended))
    if not wanted:
        return []
    kinds = dict((i, (sub or t)) for i, sub, t in session.execute(
        select(Event.id, Event.sub_type, Event.event_type).where(Event.id.in_([w[0] for w in wanted]))))
    out, seen = [], set()
    for event_id, lane, day in sorted(wanted, key=lambda w: w[2]):
        if (lane, day) not in seen:
            seen.add((lane, day))
            out.append(Mark(lane, day, kinds.get(event_id, "")))
    return out


def _hatch_colour(colour: str) -> str:
    """White hatching on a dark colour, black on a light one."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#ffffff" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else "#000000"


def draw_timeline(data: TimelineData, path: str, width: float = 11.0):
    """Draw the timeline to ``path`` (.png, .svg, .pdf); returns the figure and the axes, for tests to sample."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    rows: list[tuple[str, str]] = [(lane, view) for lane in data.lanes for view in data.views.get(lane, [])]
    height = 1.6 + 0.55 * len(rows) + 0.18 * len(data.sources)
    fig, ax = plt.subplots(figsize=(width, max(3.2, height)), dpi=100)
    y_of = {row: len(rows) - 1 - i for i, row in enumerate(rows)}
    for bar in data.bars:
        y = y_of[(bar.lane, bar.view)]
        index, of = bar.share
        h = 0.7 / of
        bottom = y - 0.35 + index * h
        colour = data.colours.get(bar.holder, UNKNOWN)
        hatch = "///" if bar.status == "contested" else ("..." if bar.status in ("partial", "besieged") else None)
        x0, x1 = mdates.date2num(bar.start), mdates.date2num(bar.end)
        s0, s1 = mdates.date2num(bar.sure_start), mdates.date2num(bar.sure_end)
        edge = ORIGIN_EDGE.get(bar.origin, "solid")
        # the sure part, then the faded uncertain ends
        lines = _hatch_colour(colour)
        if s1 > s0:
            ax.add_patch(Rectangle((s0, bottom), s1 - s0, h, facecolor=colour, edgecolor=lines, linewidth=0,
                                   hatch=hatch))
            ax.add_patch(Rectangle((s0, bottom), s1 - s0, h, facecolor="none", edgecolor="#333333",
                                   linestyle=edge, linewidth=0.8))
        for a, b in ((x0, min(s0, x1)), (max(s1, x0), x1)):
            if b > a:
                ax.add_patch(Rectangle((a, bottom), b - a, h, facecolor=colour, alpha=0.35, edgecolor=lines,
                                       linewidth=0, hatch=hatch))
    for mark in data.marks:
        views = data.views.get(mark.lane, [])
        if not views:
            continue
        top = max(y_of[(mark.lane, v)] for v in views) + 0.42
        ax.plot(mdates.date2num(mark.day), top, marker="v", color="black", markersize=7, zorder=5)
    ax.set_yticks([y_of[r] for r in rows])
    ax.set_yticklabels([f"{lane}\n{textwrap.shorten(view, 34, placeholder='…')}" if len(data.views[lane]) > 1
                        else lane for lane, view in rows], fontsize=8)
    ax.set_ylim(-0.7, len(rows) - 0.2)
    ax.set_xlim(mdates.date2num(data.first), mdates.date2num(data.last))
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_title(data.title, fontsize=12, loc="left")
    handles: list = [Patch(facecolor=c, edgecolor="#333333", label=n) for n, c in sorted(data.colours.items())]
    if any(b.status == "contested" for b in data.bars):
        handles.append(Patch(facecolor="white", edgecolor="#333333", hatch="///", label="contested"))
    if any(b.origin == "derived" for b in data.bars):
        handles.append(Patch(facecolor="white", edgecolor="#333333", linestyle="dashed", label="derived from events"))
    if any(b.origin == "snapshot" for b in data.bars):
        handles.append(Patch(facecolor="white", edgecolor="#333333", linestyle="dotted", label="from maps"))
    handles.append(Patch(facecolor="#999999", alpha=0.35, label="uncertain or stale end"))
    if data.marks:
        handles.append(Line2D([], [], marker="v", color="black", linestyle="none", label="transfer event"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    footer = textwrap.wrap("Sources: " + "; ".join(data.sources), 150)
    fig.text(0.01, 0.01, "\n".join(footer), fontsize=7, color="#444444", va="bottom")
    inches = fig.get_figheight()  # margins in inches: the axis labels and the footer keep their room
    fig.subplots_adjust(left=0.21, right=0.74, top=1 - 0.4 / inches, bottom=(0.62 + 0.12 * len(footer)) / inches)
    save(fig, path)
    return fig, ax
