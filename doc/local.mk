## Manual pages and documents.
EXTRA_DIST += doc/store.md doc/tui.md
