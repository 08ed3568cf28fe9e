"""All knobs of the extraction stage, validated when built."""

from __future__ import annotations

from dataclasses import dataclass

ENGINES = ("pdfplumber", "camelot-lattice", "camelot-stream")


@dataclass(frozen=True)
class ExtractSettings:
    """How to extract one disclosure.

    `engine` picks the table finder; with `camelot_fallback`, camelot's stream
    flavor is tried on pages where pdfplumber finds no table although the page
    looks tabular. `max_pages` refuses absurd files before any work is done.
    `ocr` reads pages with no text layer by OCR (`extractors.ocr`); without it
    they are refused as before. `ocr_cache` is where OCR'd copies are kept
    (default: `extractors.ocr.default_cache_dir`).
    """

    engine: str = "pdfplumber"
    camelot_fallback: bool = True
    max_pages: int = 2000
    ocr: bool = True
    ocr_cache: str | None = None

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}; choose one of {', '.join(ENGINES)}")
        if self.max_pages < 1:
            raise ValueError("max_pages must be at least 1")
