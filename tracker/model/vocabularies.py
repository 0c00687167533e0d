"""The words tracker's records are described in: actor and place kinds, certainties, statuses, roles.

Kept as plain strings with CHECK constraints (tracker.model.base.one_of) so that
both backends hold them the same way, and a new term is one migration.
"""

from __future__ import annotations

ACTOR_KINDS = (
    "state forces",
    "rebel group",
    "political militia",
    "identity militia",
    "rioters",
    "protesters",
    "civilians",
    "external force",
    "other",
)
LOCATION_KINDS = (
    "country",
    "admin1",
    "admin2",
    "admin3",
    "city",
    "town",
    "village",
    "district",
    "neighbourhood",
    "facility",
    "area",
    "other",
)
# The administrative kinds: a country and its areas. A place of one of them is never the same
# place as a city or a village of the same name (Darnah the district, Darnah the city).
AREA_KINDS = ("country", "admin1", "admin2", "admin3")
COORD_PRECISIONS = ("exact", "near", "region")
CERTAINTIES = ("confirmed", "reported", "likely", "alleged", "rumoured")
CONTROL_STATUSES = ("held", "contested", "partial", "besieged")
# Where a control span comes from: an analyst's report, derived from events, or a map snapshot.
CONTROL_ORIGINS = ("reported", "derived", "snapshot")
# A drafted record (tracker draft) is pending until an analyst reviews it; NULL: not a draft.
REVIEW_STATES = ("pending", "reviewed")
RELATION_KINDS = (
    "affiliate_of",
    "member_of",
    "controlled_by",
    "splinter_of",
    "allied_with",
    "hostile_to",
    "successor_of",
    "associated_with",
    "supported_by",
)
ROLES = ("actor1", "actor2", "assoc_actor1", "assoc_actor2", "perpetrator", "target", "participant")
DATE_PRECISIONS = ("day", "week", "month", "year", "range")
SOURCE_KINDS = ("report", "dataset", "snapshot")
RELIABILITY = ("A", "B", "C", "D", "E", "F")
CREDIBILITY = ("1", "2", "3", "4", "5", "6")
