"""The datasets tracker imports, one module each, and their registry.

>>> from tracker.ingest.datasets import DATASETS
>>> sorted(DATASETS)
['acled', 'ucdp']

A new dataset is a module with a :class:`~tracker.ingest.datasets.base.Dataset`
subclass and one line here.
"""

from __future__ import annotations

from tracker.errors import TrackerError
from tracker.ingest.datasets.acled import DATASET as ACLED
from tracker.ingest.datasets.base import Dataset
from tracker.ingest.datasets.ucdp import DATASET as UCDP

DATASETS: dict[str, Dataset] = {d.scheme: d for d in (ACLED, UCDP)}


def dataset_named(name: str) -> Dataset:
    """The importer of a dataset by its scheme name: ``acled`` or ``ucdp``."""
    try:
        return DATASETS[name]
    except KeyError:
        raise TrackerError(f"no importer for dataset {name!r} ({', '.join(sorted(DATASETS))})") from None


__all__ = ["DATASETS", "Dataset", "dataset_named"]
