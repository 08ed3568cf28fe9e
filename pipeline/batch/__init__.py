"""Batches: group files into disclosures, parse them in a pool, load each in one transaction."""
