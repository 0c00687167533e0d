"""The relational model: sources, actors, places, events, control and the dataset records behind them.

``tracker.model.entities`` holds the typed SQLAlchemy classes,
``tracker.model.vocabularies`` the words they are described in,
``tracker.model.base`` the declarative base and its column kinds, and
``tracker.model.dates`` the fuzzy dates every record is dated with.
"""

from tracker.model import vocabularies
from tracker.model.base import NAMING_CONVENTION, Base
from tracker.model.entities import *  # noqa: F403 - the model's public names
from tracker.model.entities import __all__ as _entities
from tracker.model.vocabularies import *  # noqa: F403

__all__ = ["Base", "NAMING_CONVENTION", *_entities, *[n for n in dir(vocabularies) if n.isupper()]]
