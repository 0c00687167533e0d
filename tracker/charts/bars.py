"""Event charts: the figures of ``tracker summary`` as bars over time, stacked by type, actor or country.

The numbers are the summary's own (tracker.query.summary through ``Store.summary``,
the same filters as ``tracker events``), so a chart and a table of the same
question always agree. The title says what is counted and the subtitle the
filters; the footer names the datasets and sources counted.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from tracker.charts.palette import PALETTE, UNKNOWN, colours_for, save

STACK_GROUP = {"type": "type", "actor": "actor", "country": "country"}
MEASURES = {"events": "events", "fatalities": "fatalities"}
MOST_STACKED = 12  # more groups than this: the smallest are drawn as "other"


@dataclass
class BarsData:
    title: str
    subtitle: str
    periods: list[str]
    stacks: list[str]  # the stacked groups, largest first ("" when not stacked)
    values: dict[tuple[str, str], float]  # (period, group) -> value
    measure: str
    unit: str
    sources: list[str]


def _describe(filters: dict) -> str:
    said = []
    for key, value in filters.items():
        if value in (None, False, (), []):
            continue
        name = {"start": "from", "end": "to", "event_type": "type", "near": "near", "radius_km": "radius km"}.get(key, key)
        said.append(f"{name.replace('_', ' ')}: {value}")
    return "; ".join(said)


def _every_period(periods: list[str], by: str) -> list[str]:
    if by not in ("day", "month", "year") or len(periods) < 2:
        return periods
    if by == "day":
        import datetime as dt

        first, last = dt.date.fromisoformat(periods[0]), dt.date.fromisoformat(periods[-1])
        return [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    if by == "year":
        return [str(y) for y in range(int(periods[0]), int(periods[-1]) + 1)]
    (y, m), (last_y, last_m) = (map(int, periods[0].split("-")), map(int, periods[-1].split("-")))
    out = []
    while (y, m) <= (last_y, last_m):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def bars_data(store, by: str, stack: str | None, measure: str, **filters) -> BarsData:
    """The summary of the events that match ``filters``, by period (and stacked group)."""
    groups = [by] + ([STACK_GROUP[stack]] if stack else [])
    rows = store.summary(by=groups, **filters).all()
    if not rows:
        from tracker.errors import TrackerError

        raise TrackerError("no events match: nothing to chart" + (f" ({_describe(filters)})" if filters else ""))
    sources = [f"{r['dataset']} ({r['events']:,} events)" for r in store.summary(by=["dataset"], **filters).all()]
    values: dict[tuple[str, str], float] = {}
    totals: dict[str, float] = {}
    for r in rows:
        group = str(r.get(STACK_GROUP[stack]) or "unknown") if stack else ""
        value = float(r[MEASURES[measure]] or 0)
        values[(str(r[by]), group)] = values.get((str(r[by]), group), 0) + value
        totals[group] = totals.get(group, 0) + value
    stacks = sorted(totals, key=lambda g: (-totals[g], g))
    if len(stacks) > MOST_STACKED:
        keep, rest = stacks[:MOST_STACKED - 1], set(stacks[MOST_STACKED - 1:])
        merged: dict[tuple[str, str], float] = {}
        for (period, group), v in values.items():
            key = (period, "other" if group in rest else group)
            merged[key] = merged.get(key, 0) + v
        values, stacks = merged, keep + ["other"]
    periods = _every_period(sorted({p for p, _ in values}), by)  # a month without events is a bar of 0
    what = "Fatalities (best estimate)" if measure == "fatalities" else "Events"
    where = filters.get("country") or filters.get("admin1") or filters.get("place")
    title = f"{what}{' in ' + str(where) if where else ''} by {by}" + (f", by {stack}" if stack else "")
    unit = "fatalities" if measure == "fatalities" else "events"
    return BarsData(title, _describe(filters), periods, stacks, values, measure, unit, sources)


def draw_bars(data: BarsData, path: str, width: float = 11.0):
    """Draw the chart to ``path`` (.png, .svg, .pdf); returns the figure and the axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, 5.2), dpi=100)
    xs = list(range(len(data.periods)))
    bottoms = [0.0] * len(xs)
    if data.stacks == [""]:
        colours = {"": PALETTE[4]}
    else:
        # actors take their own colour; types and countries the palette's by name, all stable across charts
        colours = colours_for(s for s in data.stacks if s != "other")
        colours["other"] = UNKNOWN
    for group in data.stacks:
        heights = [data.values.get((p, group), 0) for p in data.periods]
        ax.bar(xs, heights, bottom=bottoms, color=colours.get(group, UNKNOWN), edgecolor="white", linewidth=0.5,
               label=textwrap.shorten(group, 38, placeholder="…") if group else data.unit, width=0.8)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    step = max(1, len(xs) // 16)
    ax.set_xticks(xs[::step])
    ax.set_xticklabels(data.periods[::step], rotation=45 if len(xs) > 8 else 0, ha="right" if len(xs) > 8 else "center",
                       fontsize=8)
    ax.set_ylabel(data.unit.capitalize())
    ax.set_xlabel(data.title.split(" by ")[1].split(",")[0].capitalize() if " by " in data.title else "")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_title(data.title, fontsize=12, loc="left", pad=16 if data.subtitle else 6)
    if data.subtitle:
        ax.text(0, 1.015, data.subtitle, transform=ax.transAxes, fontsize=8, color="#555555", va="bottom")
    if data.stacks != [""]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    footer = "Sources: " + "; ".join(data.sources) if data.sources else "No events match."
    lines = textwrap.wrap(footer, 160)[:4]
    fig.text(0.01, 0.01, "\n".join(lines), fontsize=7, color="#444444", va="bottom")
    fig.subplots_adjust(left=0.08, right=0.75, top=0.88, bottom=0.2 + 0.03 * len(lines))
    save(fig, path)
    return fig, ax
