"""MkDocs glue: the only part of peerkit that imports mkdocs."""
