"""The offline basemap: Natural Earth's countries (1:50m), read from the TopoJSON shipped with tracker.

TopoJSON keeps each border once, as an *arc* of delta-encoded, quantized
points; a polygon's ring is a list of arcs (a negative index: the arc reversed,
``~i``). :func:`countries` decodes them to GeoJSON geometries.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources


@cache
def _topology() -> dict:
    text = (resources.files("tracker.charts") / "data" / "ne_countries_50m.topo.json").read_text("utf-8")
    return json.loads(text)


@cache
def _arcs() -> list[list[tuple[float, float]]]:
    topo = _topology()
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def _ring(indexes: list[int]) -> list[tuple[float, float]]:
    arcs = _arcs()
    ring: list[tuple[float, float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        ring.extend(points if not ring else points[1:])  # consecutive arcs share their end point
    return ring


@cache
def countries() -> tuple[tuple[str, dict], ...]:
    """Every country as (name, GeoJSON geometry)."""
    out = []
    for g in _topology()["objects"]["countries"]["geometries"]:
        if g["type"] == "Polygon":
            geometry = {"type": "Polygon", "coordinates": [_ring(r) for r in g["arcs"]]}
        elif g["type"] == "MultiPolygon":
            geometry = {"type": "MultiPolygon", "coordinates": [[_ring(r) for r in p] for p in g["arcs"]]}
        else:
            continue
        out.append((g.get("properties", {}).get("name", ""), geometry))
    return tuple(out)


def countries_in(bbox: tuple[float, float, float, float]) -> list[tuple[str, dict]]:
    """The countries with a polygon overlapping ``bbox`` (min_lon, min_lat, max_lon, max_lat), as MultiPolygons
    of those polygons only (Alaska's islands stay out of a map of Ukraine)."""
    min_lon, min_lat, max_lon, max_lat = bbox
    out = []
    for name, geometry in countries():
        polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        near = []
        for poly in polys:
            xs = [x for x, _ in poly[0]]
            ys = [y for _, y in poly[0]]
            if max(xs) >= min_lon and min(xs) <= max_lon and max(ys) >= min_lat and min(ys) <= max_lat:
                near.append(poly)
        if near:
            out.append((name, {"type": "MultiPolygon", "coordinates": near}))
    return out
