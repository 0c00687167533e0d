"""The declarative base, its naming convention, and the column kinds the entities repeat.

The naming convention names every constraint, so that Alembic's batch
migrations on SQLite can find and drop them; the ``Annotated`` aliases say once
what a latitude, a fuzzy date's day or a certainty is.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar

from sqlalchemy import Column, Date, Float, ForeignKey, Index, Integer, MetaData, String, Table
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

def one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK constraint's text: ``column`` holds one of ``values``."""
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every entity is mapped to a Table (none to a join or a select), so say so: DeclarativeBase
    # types __table__ as any FromClause, which insert(), update() and delete() do not accept
    # (the annotation SQLAlchemy's maintainers suggest for this, sqlalchemy/sqlalchemy#9130).
    __table__: ClassVar[Table]


intpk = Annotated[int, mapped_column(Integer, primary_key=True)]
name_str = Annotated[str, mapped_column(String(300))]
norm_str = Annotated[str, mapped_column(String(300))]
latitude = Annotated[float | None, mapped_column(Float)]
longitude = Annotated[float | None, mapped_column(Float)]
day = Annotated[dt.date | None, mapped_column(Date)]
precision = Annotated[str | None, mapped_column(String(10))]
certainty = Annotated[str, mapped_column(String(12), default="reported")]


def link_table(name: str, left: str, left_table: str) -> Table:
    """A many-to-many link from a record to the sources asserting it."""
    return Table(
        name,
        Base.metadata,
        Column(left, ForeignKey(f"{left_table}.id", ondelete="CASCADE"), primary_key=True),
        Column("source_id", ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
        Index(f"ix_{name}_source_id", "source_id"),
    )
