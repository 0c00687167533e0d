"""tracker: a conflict event tracking database.

Sources, actors, places, events and territorial control over time, every fact
traced to its source. Everything the ``tracker`` command does is here::

    from tracker import Store
    store = Store("sqlite:///tracker.db")
    store.load(["seeds/derna-2015.yaml"])
    print(store.who_held("Derna", "2015-06-14").headline)
"""

from importlib import import_module

__version__ = "0.1.0"

# Names are imported on first use so that `tracker --help` does not pay for
# SQLAlchemy's import.
_EXPORTS = {
    "Store": "store",
    "Answer": "store",
    "FuzzyDate": "model.dates",
    "parse_fuzzy_date": "model.dates",
    "BadDate": "model.dates",
    "normalize_name": "names.normalize",
    "TrackerError": "errors",
    "BadRecord": "errors",
    "UnknownName": "errors",
    "AmbiguousName": "errors",
    "DatabaseError": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'tracker' has no attribute {name!r}")
