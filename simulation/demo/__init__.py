"""The classroom demo (``attachment-sim demo``), one room per job:

- ``state``: the settings one Reset applies, the populations it builds and steps (``Classroom``)
- ``trial``: the class's intervention trial in numbers (its moments, arms and changes)
- ``views``, ``background_views``: the Vega-Lite views of the run, and of the background jobs
- ``reports``: what the demo says in words (one infant's Strange Situation is told by
  ``simulation.narration``, shared with ``attachment-sim ssp``)
- ``exports``: what a class takes away (PNG and SVG, a GIF, CSV)
- ``jobs``: many runs and several generations on a background worker
- ``lessons``: the lesson presets
- ``app`` (the page), ``controls`` and ``panels``: the Solara user interface, the only modules
  that import Solara
- ``browser``: headless Chromium for the browser tests and the benchmark
"""
