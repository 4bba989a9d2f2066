"""Sessions: a run of activities and other items, timed to the clock.

- `model`: what a session plan is (the YAML file in `sessions/`), and its schema.
- `ideas`: the bank of free self-care ideas (`sessions/_self-care-ideas.yml`) that a plan's
  self-care item names with `idea:`, and its checks.
- `load`: reading plan files safely, with the line of each key (and the bank beside them).
- `agenda`: the running order timed (minutes to plan for, default minutes of the other
  items), a module's own run-sheet, and screen breaks online.
- `checks`: a plan against the curriculum, and breaks against what the steps say.
- `view`: a session as the packs and the session pages show it, and its web page.
"""
