"""Colours: the same actor in the same colour in every picture, readable by colour-blind readers.

The palette is Okabe and Ito's eight colours for colour-blind readers (2008; black
left out, it is the colour of text and marks) followed by Paul Tol's "muted" scheme
(nine colours, also chosen to stay distinct under the common colour-vision
deficiencies): sixteen colours. An actor's colour is picked by a hash of its
canonical name (CRC-32 of the normalized name), so that it is the same in every
picture and in every store. When two actors of one picture hash to the same
colour, the one whose name sorts later takes the next free colour: a rare
collision, and the legend names every actor by its canonical name.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from tracker.names.normalize import normalize_name

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
TOL_MUTED = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499")
PALETTE = OKABE_ITO + TOL_MUTED
UNKNOWN = "#BBBBBB"  # no holder known


def home_index(name: str) -> int:
    """The palette index an actor's name hashes to."""
    return zlib.crc32(normalize_name(name).encode("utf-8")) % len(PALETTE)


def colours_for(names: Iterable[str]) -> dict[str, str]:
    """The colour of each actor of one picture (canonical names)."""
    out: dict[str, str] = {}
    used: set[int] = set()
    for name in sorted(set(names), key=lambda n: (normalize_name(n), n)):
        i = home_index(name)
        for step in range(len(PALETTE)):
            j = (i + step) % len(PALETTE)
            if j not in used or len(used) >= len(PALETTE):
                out[name] = PALETTE[j]
                used.add(j)
                break
    return out


def save(fig, path: str) -> None:
    """Save a figure reproducibly: the same picture gives the same bytes (no date, fixed SVG ids)."""
    import matplotlib

    suffix = str(path).lower().rsplit(".", 1)[-1]
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(suffix)
    with matplotlib.rc_context({"svg.hashsalt": "tracker"}):
        fig.savefig(path, dpi=100, metadata=metadata)
