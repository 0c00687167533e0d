"""Pictures of the core's answers (the optional extra ``tracker[charts]``: matplotlib).

* :mod:`.timeline`: the control timeline of a place or an actor;
* :mod:`.bars`: the summary's figures over time, stacked;
* :mod:`.maps`: control at a date with the events of a window (static, matplotlib);
* :mod:`.html`: the same as one offline HTML file (Leaflet inlined) with a date slider;
* :mod:`.basemap`: Natural Earth's countries, shipped in ``data/``;
* :mod:`.palette`: colours stable per actor, for colour-blind readers.

Nothing outside this package and ``tracker.cli.pictures`` imports it, and matplotlib
is imported only when a picture is drawn.
"""
