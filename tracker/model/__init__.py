"""The relational model: sources, actors, places, events, control and the dataset records behind them.

``tracker.model.entities`` holds the typed SQLAlchemy classes; ``tracker.model.dates``
the fuzzy dates every record is dated with.
"""

from tracker.model.entities import *  # noqa: F401,F403 - the model's public names
from tracker.model.entities import __all__ as _entities

__all__ = list(_entities)
