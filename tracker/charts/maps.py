"""Control maps: who held what at a date, with the events of a window, over an offline basemap.

What is drawn comes from the core's answers: the areas each map series showed at
the date (:func:`tracker.control.areas.areas_at`), who held each place with claims
of its own (:func:`tracker.control.claims.who_held`, so the same answer as
``tracker who-held``), and the events of ``--from``..``--to`` (``Store.events``, the
same filters as ``tracker events``). The basemap is Natural Earth's countries
(:mod:`tracker.charts.basemap`); no tile server is asked for anything.

A static picture (.png, .svg, .pdf) is drawn by matplotlib; an .html map is one
self-contained file (Leaflet and the data inlined; :mod:`tracker.charts.html`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from sqlalchemy import select

from tracker.charts.basemap import countries_in
from tracker.charts.palette import UNKNOWN, colours_for, save
from tracker.control.areas import AreaShown, areas_at
from tracker.control.claims import who_held
from tracker.control.spans import source_label, span_views
from tracker.errors import TrackerError
from tracker.model.entities import ControlSpan, Location
from tracker.names.resolve import find_place

KM_PER_DEGREE = 111.32


@dataclass
class PlacePoint:
    name: str
    lat: float
    lon: float
    answer: str  # held | contested | disputed | ... (who-held's verdict)
    holders: list[str]
    headline: str
    sources: list[str]
    spans: list[dict] = field(default_factory=list)  # every claim at the place, for the HTML map's slider


@dataclass
class EventPoint:
    lat: float
    lon: float
    date: str
    type: str
    fatalities: int
    label: str
    sources: list[str]


@dataclass
class MapData:
    title: str
    at: dt.date
    bbox: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat
    areas: list[AreaShown]
    places: list[PlacePoint]
    events: list[EventPoint]
    basemap: list[tuple[str, dict]]
    colours: dict[str, str]
    sources: list[str]
    window: tuple[str, str] | None = None


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``MIN_LON,MIN_LAT,MAX_LON,MAX_LAT`` (the order of GeoJSON and of ``--bbox`` in GDAL's tools)."""
    try:
        a, b, c, d = (float(v) for v in text.split(","))
    except ValueError:
        raise TrackerError(f"--bbox {text!r}: give MIN_LON,MIN_LAT,MAX_LON,MAX_LAT (four numbers)") from None
    if not (-180 <= a < c <= 180 and -90 <= b < d <= 90):
        raise TrackerError(f"--bbox {text!r}: need -180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90")
    return a, b, c, d


def bbox_around(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    dlat = km / KM_PER_DEGREE
    dlon = km / (KM_PER_DEGREE * max(0.05, math.cos(math.radians(lat))))
    return (max(-180.0, lon - dlon), max(-90.0, lat - dlat), min(180.0, lon + dlon), min(90.0, lat + dlat))


def _inside(bbox, lat, lon) -> bool:
    return lat is not None and lon is not None and bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]


def map_data(store, at: dt.date, bbox=None, place: str | None = None, radius_km: float | None = None,
             start: str | None = None, end: str | None = None, **filters) -> MapData:
    """Everything a control map of ``at`` draws, framed by ``bbox`` or by ``place`` and ``radius_km``."""
    with store.reading(control=True) as session:
        if place is not None:
            centre = find_place(session, place)
            if centre.latitude is None or centre.longitude is None:
                raise TrackerError(f"{centre.name} has no coordinates to centre a map on")
            bbox = bbox_around(centre.latitude, centre.longitude, radius_km or 50.0)
        if bbox is None:
            raise TrackerError("frame the map: --bbox MIN_LON,MIN_LAT,MAX_LON,MAX_LAT or --place P --radius KM")
        areas = areas_at(session, at, bbox)
        held_ids = set(session.scalars(select(ControlSpan.location_id).distinct()))
        rows = session.execute(select(Location.id, Location.name, Location.latitude, Location.longitude)
                               .where(Location.id.in_(held_ids), Location.latitude.between(bbox[1], bbox[3]),
                                      Location.longitude.between(bbox[0], bbox[2]))).all() if held_ids else []
        places = []
        for location_id, name, lat, lon in sorted(rows, key=lambda r: r[1]):
            holding = who_held(session, location_id, at.isoformat())
            shown = holding.fresh if holding.answer != "unknown" else []
            srcs = sorted({s for c in shown for s in c.record()["sources"]})
            views = span_views(session, [location_id], dt.date.min, dt.date.max)
            spans = [{"holder": v.actor.name, "status": v.status, "from": (v.start_max or v.start_min or "").__str__(),
                      "until": (v.end_min or v.end_max or "").__str__(), "period": v.period(), "origin": v.origin,
                      "sources": sorted({source_label(x) for x in (*v.sources, v.source) if x is not None}),
                      "quote": v.quote or ""} for v in views]
            places.append(PlacePoint(name, lat, lon, holding.answer, holding.holders if shown else [],
                                     holding.headline(), srcs, spans))
    events: list[EventPoint] = []
    window = None
    if start or end:
        window = (start or "…", end or "…")
        for e in store.events(start=start, end=end, **filters):
            if _inside(bbox, e["latitude"], e["longitude"]):
                who = " vs ".join(a for a in (", ".join(e["actor1"]), ", ".join(e["actor2"])) if a)
                events.append(EventPoint(e["latitude"], e["longitude"], str(e["date"]), e["type"],
                                         int(e["fatalities_best"] or 0),
                                         f"{e['date']} {e['type']}: {who} at {e['place']}", list(e["sources"])))
    holders = [a.holder for a in areas] + [h for p in places for h in p.holders]
    holders += [s["holder"] for p in places for s in p.spans]
    sources = sorted({a.source for a in areas} | {s for p in places for s in p.sources}
                     | {s for e in events for s in e.sources})
    title = f"Control on {at.isoformat()}" + (f", events {window[0]} to {window[1]}" if window else "")
    return MapData(title, at, bbox, areas, places, events, countries_in(bbox), colours_for(holders), sources, window)


def _polygons(geometry: dict) -> list[list[list[tuple[float, float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


def draw_map(data: MapData, path: str, width: float = 10.0):
    """Draw the map to ``path`` (.png, .svg, .pdf); returns the figure and the axes (for tests to sample)."""
    import textwrap

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, PathPatch
    from matplotlib.path import Path as MPath

    min_lon, min_lat, max_lon, max_lat = data.bbox
    mid = math.radians((min_lat + max_lat) / 2)
    aspect = 1 / max(0.05, math.cos(mid))  # equirectangular, true to scale along the middle latitude
    ratio = (max_lat - min_lat) * aspect / (max_lon - min_lon)
    fig, ax = plt.subplots(figsize=(width, max(3.0, min(14.0, width * 0.72 * ratio)) + 1.2), dpi=100)
    ax.set_facecolor("#dfe9f2")  # the sea: land is drawn over it, so the coast is the land's edge

    def patch(geometry, **style):
        verts, codes = [], []
        for poly in _polygons(geometry):
            for ring in poly:
                if len(ring) < 3:
                    continue
                verts.extend([tuple(p[:2]) for p in ring] + [tuple(ring[0][:2])])
                codes.extend([MPath.MOVETO] + [MPath.LINETO] * (len(ring) - 1) + [MPath.CLOSEPOLY])
        if verts:
            ax.add_patch(PathPatch(MPath(verts, codes), **style))

    for _, geometry in data.basemap:
        patch(geometry, facecolor="#f4f1ea", edgecolor="#8c8c8c", linewidth=0.8, zorder=1)
    for area in data.areas:
        colour = data.colours.get(area.holder, UNKNOWN)
        hatch = "///" if area.status == "contested" else None
        patch(area.geometry, facecolor=colour, alpha=0.45 if area.certainty in ("reported", "confirmed") else 0.25,
              edgecolor=colour, linewidth=0.6, hatch=hatch, zorder=2)
    if data.events:
        ax.scatter([e.lon for e in data.events], [e.lat for e in data.events],
                   s=[12 + 10 * math.sqrt(e.fatalities) for e in data.events], facecolor="#222222", alpha=0.45,
                   edgecolor="white", linewidth=0.4, zorder=7)  # over the place markers: events at a place's point
    for p in data.places:
        colour = data.colours.get(p.holders[0], UNKNOWN) if p.holders else "#ffffff"
        ax.scatter([p.lon], [p.lat], s=70, facecolor=colour, edgecolor="black", linewidth=0.9, zorder=4,
                   hatch="////" if p.answer in ("contested", "disputed", "divided") else None)
        if p.answer in ("contested", "disputed", "divided") and len(p.holders) > 1:
            ax.scatter([p.lon], [p.lat], s=18, facecolor=data.colours.get(p.holders[1], UNKNOWN), edgecolor="none",
                       zorder=5)
        ax.annotate(p.name, (p.lon, p.lat), xytext=(5, 4), textcoords="offset points", fontsize=8, zorder=6,
                    color="#111111")
    ax.set_xlim(min_lon, max_lon)
    ax.set_ylim(min_lat, max_lat)
    ax.set_aspect(aspect)
    ax.tick_params(labelsize=7)
    ax.set_title(data.title, fontsize=12, loc="left")
    handles: list = [Patch(facecolor=c, alpha=0.6, edgecolor=c, label=n) for n, c in sorted(data.colours.items())]
    if any(a.status == "contested" for a in data.areas) or any(p.answer == "contested" for p in data.places):
        handles.append(Patch(facecolor="white", edgecolor="#333333", hatch="///", label="contested"))
    if data.events:
        handles.append(Line2D([], [], marker="o", color="#222222", alpha=0.5, linestyle="none",
                              label="event (size: fatalities)"))
    handles.append(Line2D([], [], marker="o", markerfacecolor="white", markeredgecolor="black", linestyle="none",
                          label="place (colour: holder)"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    footer = "Sources: " + "; ".join(data.sources) + ". Basemap: Natural Earth (public domain)."
    lines = textwrap.wrap(footer, 140)[:5]
    fig.text(0.01, 0.01, "\n".join(lines), fontsize=7, color="#444444", va="bottom")
    fig.subplots_adjust(left=0.06, right=0.72, top=0.92, bottom=0.08 + 0.03 * len(lines))
    save(fig, path)
    return fig, ax
