"""The HTML control map: one self-contained file that opens offline.

Leaflet (shipped in tracker/charts/data, BSD-2-Clause) and every datum are
inlined; there is no tile layer, the basemap is Natural Earth's countries as a
GeoJSON layer, and the stylesheet's image URLs are removed, so the page makes
no request at all. A date slider runs over the snapshot dates and control
periods: the map areas of each series' latest snapshot on or before the day,
and each place coloured by who its claims say held it that day. Pop-ups cite
the sources; a layer control toggles basemap, areas, places and events.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from importlib import resources

from tracker.charts.maps import MapData
from tracker.charts.palette import UNKNOWN

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{leaflet_css}</style>
<style>
html, body {{ margin: 0; height: 100%; font: 13px/1.4 system-ui, sans-serif; }}
#map {{ position: absolute; top: 64px; bottom: 28px; left: 0; right: 0; background: #dfe9f2; }}
#bar {{ position: absolute; top: 0; left: 0; right: 0; height: 64px; padding: 6px 12px; box-sizing: border-box; }}
#bar h1 {{ font-size: 15px; margin: 0 0 4px 0; }}
#slider {{ width: 50%; vertical-align: middle; }}
#foot {{ position: absolute; bottom: 0; left: 0; right: 0; height: 28px; padding: 4px 12px; box-sizing: border-box;
        font-size: 11px; color: #444; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }}
.legend {{ background: white; padding: 6px 8px; border-radius: 4px; }}
.legend i {{ display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: middle; }}
</style>
</head>
<body>
<div id="bar"><h1>{title}</h1>
<label>Date <input id="slider" type="range" min="0" max="{days}" value="{start}"> <b id="day"></b></label></div>
<div id="map"></div>
<div id="foot">{footer}</div>
<script>{leaflet_js}</script>
<script>
const DATA = {data};
const day0 = new Date(DATA.first + "T00:00:00Z");
function dayOf(n) {{ return new Date(day0.getTime() + n * 86400000).toISOString().slice(0, 10); }}
function esc(s) {{ return String(s).replace(/[&<>"]/g, c => ({{"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}})[c]); }}
const map = L.map("map", {{zoomSnap: 0.25, attributionControl: false}});
map.fitBounds([[DATA.bbox[1], DATA.bbox[0]], [DATA.bbox[3], DATA.bbox[2]]]);
const basemap = L.geoJSON(DATA.basemap, {{style: {{color: "#8c8c8c", weight: 1, fillColor: "#f4f1ea", fillOpacity: 1}},
  interactive: false}}).addTo(map);
const areas = L.layerGroup().addTo(map), places = L.layerGroup().addTo(map), events = L.layerGroup().addTo(map);
function colour(name) {{ return DATA.colours[name] || "{unknown}"; }}
function drawAreas(day) {{
  areas.clearLayers();
  const latest = {{}};
  for (const [series, dates] of Object.entries(DATA.snapshots)) {{
    const before = dates.filter(d => d <= day);
    if (before.length) latest[series] = before[before.length - 1];
  }}
  for (const a of DATA.areas) {{
    if (!a.shown_on.includes(latest[a.series])) continue;
    L.geoJSON(a.geometry, {{style: {{color: colour(a.holder), weight: 1, fillColor: colour(a.holder),
      fillOpacity: a.status === "contested" ? 0.2 : 0.45, dashArray: a.status === "contested" ? "4 3" : null}}}})
      .bindPopup("<b>" + esc(a.holder) + "</b>: " + esc(a.status) + "<br>map " + esc(a.series) + " of " +
                 esc(latest[a.series])).addTo(areas);
  }}
}}
function drawPlaces(day) {{
  places.clearLayers();
  for (const p of DATA.places) {{
    const now = p.spans.filter(s => (!s.from || s.from <= day) && (!s.until || day < s.until));
    const holders = [...new Set(now.map(s => s.holder))];
    const status = now.length === 0 ? "no claim" : (holders.length > 1 || now.some(s => s.status === "contested") ?
      "contested" : now[0].status);
    const text = "<b>" + esc(p.name) + "</b> on " + day + ": " + esc(status) + (holders.length ? " (" +
      holders.map(esc).join(" vs ") + ")" : "") + now.map(s => "<br>" + esc(s.holder) + " " + esc(s.status) + " " +
      esc(s.period) + " — " + esc(s.sources.join("; ")) + (s.quote ? "<br><i>" + esc(s.quote) + "</i>" : "")).join("");
    L.circleMarker([p.lat, p.lon], {{radius: 7, color: "#000", weight: status === "contested" ? 3 : 1,
      dashArray: status === "contested" ? "3 2" : null, fillColor: holders.length ? colour(holders[0]) : "#fff",
      fillOpacity: 1}}).bindPopup(text).bindTooltip(p.name).addTo(places);
  }}
}}
for (const e of DATA.events) {{
  L.circleMarker([e.lat, e.lon], {{radius: 3 + Math.sqrt(e.fatalities) * 1.5, color: "#fff", weight: 0.5,
    fillColor: "#222", fillOpacity: 0.5}}).bindPopup(esc(e.label) + "<br>" + esc(e.sources.join("; "))).addTo(events);
}}
L.control.layers(null, {{"Basemap (Natural Earth)": basemap, "Map areas": areas, "Places": places,
  "Events": events}}, {{collapsed: false}}).addTo(map);
const legend = L.control({{position: "bottomright"}});
legend.onAdd = function () {{
  const div = L.DomUtil.create("div", "legend");
  div.innerHTML = Object.entries(DATA.colours).map(([n, c]) => '<i style="background:' + c + '"></i>' + esc(n))
    .join("<br>");
  return div;
}};
legend.addTo(map);
const slider = document.getElementById("slider");
function show() {{
  const day = dayOf(Number(slider.value));
  document.getElementById("day").textContent = day;
  drawAreas(day); drawPlaces(day);
}}
slider.addEventListener("input", show);
show();
</script>
</body>
</html>
"""


def _clip(geometry: dict, bbox) -> dict | None:
    """The part of a shape inside the map's frame (a shape of the whole front is megabytes)."""
    from shapely.geometry import box, mapping, shape

    try:
        clipped = shape(geometry).intersection(box(*bbox).buffer(0.05))
    except Exception:  # an invalid shape that the map still drew: keep it whole
        return geometry
    if clipped.is_empty:
        return None
    return mapping(clipped.simplify(0.0005, preserve_topology=True))


def _css() -> str:
    css = (resources.files("tracker.charts") / "data" / "leaflet.css").read_text("utf-8")
    return re.sub(r"url\([^)]*\)", "none", css)  # its icons' images: nothing fetched


def write_html(data: MapData, store, path: str) -> None:
    """Write the self-contained HTML map of ``data`` (with every snapshot and claim in its frame) to ``path``."""
    from tracker.control.areas import area_periods

    with store.reading(control=True) as session:
        snapshots, areas = area_periods(session, data.bbox)
    area_items = []
    for a in areas:
        geometry = _clip(a.geometry, data.bbox) if a.geometry else None
        if geometry is not None and a.shown_on:
            area_items.append({"geometry": geometry, "holder": a.holder, "status": a.status, "series": a.series,
                               "shown_on": [d.isoformat() for d in a.shown_on]})
    days = [d for dates in snapshots.values() for d in dates]
    for p in data.places:
        for s in p.spans:
            days += [dt.date.fromisoformat(v) for v in (s["from"], s["until"]) if v]
    days.append(data.at)
    first, last = min(days) - dt.timedelta(days=1), max(days) + dt.timedelta(days=1)
    payload = {
        "first": first.isoformat(), "bbox": list(data.bbox), "colours": data.colours,
        "snapshots": {k: [d.isoformat() for d in v] for k, v in snapshots.items()},
        "areas": area_items,
        "basemap": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": n}, "geometry": g} for n, g in data.basemap]},
        "places": [{"name": p.name, "lat": p.lat, "lon": p.lon, "spans": p.spans} for p in data.places],
        "events": [{"lat": e.lat, "lon": e.lon, "fatalities": e.fatalities, "label": e.label, "sources": e.sources}
                   for e in data.events],
    }
    colours = dict(data.colours)
    for item in area_items:
        colours.setdefault(str(item["holder"]), UNKNOWN)
    payload["colours"] = colours
    footer = "Sources: " + "; ".join(data.sources) + ". Basemap: Natural Earth (public domain). Map: Leaflet."
    js = (resources.files("tracker.charts") / "data" / "leaflet.js").read_text("utf-8")
    page = _PAGE.format(title=html.escape(data.title), leaflet_css=_css(), leaflet_js=js,
                        data=json.dumps(payload, ensure_ascii=False).replace("</", "<\\/"),
                        days=(last - first).days, start=(data.at - first).days, footer=html.escape(footer),
                        unknown=UNKNOWN)
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
