"""`yusuan crawl`: find and fetch 预决算公开 PDFs politely, incrementally and boundedly.

fetch (httpx + hishel) -> robots (protego) -> links (w3lib, parsel) -> files
(content-named) and state (database) -> runner (one polite loop over hosts),
under a lock (one run per output folder).
"""

from pipeline.crawl.files import DiskError, DiskFull
from pipeline.crawl.lock import CrawlLocked
from pipeline.crawl.report import CrawlReport
from pipeline.crawl.runner import crawl
from pipeline.crawl.settings import CrawlSettings
from pipeline.crawl.sites import SHIPPED, Site, load_sites

__all__ = [
    "SHIPPED", "CrawlLocked", "CrawlReport", "CrawlSettings", "DiskError", "DiskFull", "Site", "crawl",
    "load_sites",
]  # fmt: skip
