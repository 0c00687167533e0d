"""tracker: a conflict event tracking database.

Sources, actors, places, events and territorial control over time, every fact
traced to its source. Everything the ``tracker`` command does is here
(docs/python.md has an example of each)::

    from tracker import Store
    store = Store("sqlite:///tracker.db")
    store.load(["seeds/derna-2015.yaml"])
    print(store.who_held("Derna", "2015-06-14").headline)

The public names: the :class:`Store`; what it answers (:class:`Answer`) and
what its writes return (:class:`Result`, :class:`Results`); the registries of
datasets (:data:`DATASETS`) and output formats (:data:`FORMATS`, :func:`write`);
import options; progress; dates; and the errors.

The package's layout names its design: ``tracker.model`` (the records),
``tracker.db`` (engines, migrations), ``tracker.names`` (names to records),
``tracker.geo`` (points, gazetteer, radius), ``tracker.ingest`` (reports,
datasets, control maps), ``tracker.control`` (claims, derivation, ageing),
``tracker.query`` (events, timelines, changes, checks, history),
``tracker.output`` (formats), ``tracker.text`` (phrase families) and
``tracker.cli`` (the command line, the only user of click).
"""

from importlib import import_module

__version__ = "0.1.0"

# Names are imported on first use so that `tracker --help` does not pay for
# SQLAlchemy's import.
_EXPORTS = {
    "Store": "store",
    "Answer": "results",
    "Result": "results",
    "Results": "results",
    "DATASETS": "ingest.datasets",
    "Dataset": "ingest.datasets",
    "FORMATS": "output.formats",
    "Format": "output.formats",
    "write": "output.formats",
    "ImportOptions": "ingest.importer",
    "ImportResult": "ingest.importer",
    "Progress": "progress",
    "FuzzyDate": "model.dates",
    "parse_fuzzy_date": "model.dates",
    "BadDate": "model.dates",
    "normalize_name": "names.normalize",
    "TrackerError": "errors",
    "BadRecord": "errors",
    "BadWindow": "errors",
    "ConflictingOption": "errors",
    "MissingSetting": "errors",
    "UnknownName": "errors",
    "AmbiguousName": "errors",
    "DatabaseError": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'tracker' has no attribute {name!r}")
