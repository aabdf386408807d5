## Manual pages and documents.
EXTRA_DIST += doc/store.md
