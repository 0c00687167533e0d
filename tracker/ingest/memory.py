"""Giving the memory a finished stage freed back to the operating system.

An import's batches allocate and free tens of megabytes over and over; the C
allocator keeps what was freed in its heap, where the next stage (deriving
control from the territory events) cannot use it without growing the process
further. On glibc, ``malloc_trim`` hands those free pages back: at 1,000,000
rows derivation starts from 164-174 MB instead of 181-187 MB, and the import
peaks at 197-198 MB instead of 200 (bench/import_acled.py).
Elsewhere (macOS, musl) there is nothing to call and nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache


@lru_cache(maxsize=1)
def _trim():
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def give_back_freed_memory() -> bool:
    """Return the C heap's free pages to the system; whether there was a way to."""
    trim = _trim()
    if trim is None:
        return False
    trim(0)
    return True
