"""The query site: Datasette over a Yusuan database, with the source PDFs beside it.

`site.build_datasette` assembles it (metadata, stored queries, charts, the
plugins in `plugins/`); `pdfs` finds the PDFs the database was loaded from.
"""
