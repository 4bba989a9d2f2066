"""Print-ready packs as PDF: `build` (print templates, cache, WeasyPrint), `cards` (card
sheets and their fit), `layout` (what the laid-out page says), `handout`, and `prints` (the
site's safety prints). What a pack prints, the session, is `peerkit.sessions.view`."""
