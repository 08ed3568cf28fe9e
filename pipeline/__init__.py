"""Yusuan's pipeline: PDF → extract → normalize → validate → load.

The public API is `pipeline.api.parse` (files → `schemas.records.Document`);
storage lives in `db/`. Import submodules directly; this package stays empty
so that importing one stage never loads the others.
"""
