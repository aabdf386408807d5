## Manual pages and documents.
