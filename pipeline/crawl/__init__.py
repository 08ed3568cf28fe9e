"""`yusuan crawl`: find and fetch 预决算公开 PDFs politely and incrementally.

fetch (httpx + hishel) -> robots (protego) -> links (w3lib, parsel) -> files
(content-named) and state (database) -> runner (one polite loop over hosts).
"""

from pipeline.crawl.report import CrawlReport
from pipeline.crawl.runner import CrawlLocked, crawl
from pipeline.crawl.settings import CrawlSettings
from pipeline.crawl.sites import SHIPPED, Site, load_sites

__all__ = ["SHIPPED", "CrawlLocked", "CrawlReport", "CrawlSettings", "Site", "crawl", "load_sites"]
