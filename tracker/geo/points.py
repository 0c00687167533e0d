"""Points on the earth: reading ``LAT,LON`` and measuring geodesic distance."""

from __future__ import annotations

import re

from tracker.errors import TrackerError

_POINT = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*,\s*([-+]?\d+(?:\.\d+)?)\s*$")


class BadPoint(TrackerError, ValueError):
    """Text that looks like LAT,LON but lies off the globe."""


def parse_point(text: str) -> tuple[float, float] | None:
    """``"49.21,37.26"`` -> ``(49.21, 37.26)`` (lat, lon); None when the text is not a point.

    Raises BadPoint when it looks like a point but lies off the globe.
    """
    m = _POINT.match(text.replace("\u2212", "-"))  # a minus sign as the command line may pass it
    if not m:
        return None
    lat, lon = float(m[1]), float(m[2])
    if not -90 <= lat <= 90:
        raise BadPoint(f"latitude {lat} is outside -90..90 in {text!r}")
    if not -180 <= lon <= 180:
        raise BadPoint(f"longitude {lon} is outside -180..180 in {text!r}")
    return lat, lon


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic (WGS84) distance between two (lat, lon) points, in km."""
    from geopy.distance import geodesic

    return geodesic(a, b).km
