"""The parser version stored with every document: bump it when output changes,
so that re-ingesting replaces documents parsed by an older version."""

PARSER_VERSION = "0.5.0"
