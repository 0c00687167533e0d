"""The names a summary groups by and measures (``tracker summary --by``, ``--measure``).

Plain names, no SQL: the command line offers them as choices without importing
SQLAlchemy and the models (a query command starts faster; see bench/startup.py).
"""

TIME = ("year", "month", "week", "day")
GROUPS = (*TIME, "country", "admin1", "admin2", "place", "actor", "actor-kind", "type", "sub-type", "source",
          "dataset")
MEASURES = ("events", "fatalities", "fatalities_low", "fatalities_high")
