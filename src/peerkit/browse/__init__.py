"""The browse feature: one curriculum index (`index`), the pages built from it (`pages`:
catalogue, activity library, reflection bank, module map, planner), the module map's SVG
(`modulemap`), and their templates, scripts and stylesheet (`templates/`, `assets/`)."""
