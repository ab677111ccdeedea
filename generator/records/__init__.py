"""Records: the models and kinds, the strict YAML reader, the trees records are read from, the loader,
the catalog, secret scanning, the JSON Schemas and the one record writer. Imports nothing above it."""
