"""All knobs of the extraction stage, validated when built.

`ExtractSettings` says how to extract (engine, fallbacks, limits); its
`layout` holds every tolerance and threshold the readers of a page use, each
with its meaning in one line, so a publisher whose layout needs another value
is one setting away, and an impossible value fails at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

ENGINES = ("pdfplumber", "camelot-lattice", "camelot-stream")


@dataclass(frozen=True)
class Layout:
    """Tolerances and thresholds of page reading, in PDF points unless said otherwise."""

    # Text lines (page_content.py)
    line_y_tolerance: float = 4.0
    """Characters whose tops differ by at most this many points are on one line."""
    detached_share: float = 1.2
    """A run of digits printed less than this many type sizes below a line rejoins it."""
    space_share: float = 0.4
    """A gap wider than this share of the type size between two characters is a space."""
    max_title_chars: int = 60
    """A line longer than this is a sentence, never a table's or the document's title."""

    # Ruled grids (grid.py, rules.py)
    edge_tolerance: float = 1.0
    """Ruling lines closer than this are one line; a cell edge within it of a line sits on it."""
    sliver_width: float = 12.0
    """An empty box narrower than this is a border artefact, not a column."""
    double_rule_gap: float = 7.0
    """Parallel rules at most this far apart with no text between are one double or thick-and-thin rule (rules.py)."""

    # Headers and stitching (header.py, tables.py)
    max_header_rows: int = 6
    """A table's header spans at most this many rows; more, and the table has no header."""
    inner_caption_rows: int = 4
    """Rows at the top of a ruled frame searched for a title or unit line printed inside it."""
    header_scan_rows: int = 3
    """Rows read for header terms when a table has no title: a header, or a form's first labels."""
    repeat_share: float = 0.6
    """A row whose cells match the header at least this share is the header printed again."""
    form_cell_overlap: float = 0.25
    """A form's cell continued overleaf stands under a column it overlaps by at least this share of its width."""
    extra_header_lines: int = 2
    """A repeated header may wrap onto this many more lines than the first one did."""
    run_on_cells: int = 2
    """A row broken at a page foot runs on overleaf in at most this many cells (its long ones)."""
    near_bottom: float = 0.7
    """A table ending below this share of the page height may go on overleaf."""
    wrap_gap: float = 1.0
    """A line less than this many type sizes under a table's note continues the note (it wrapped)."""
    wrap_indent: float = 2.0
    """A line starting this far right of the note's start is a new paragraph, not the note wrapped."""

    # Unruled tables (text_tables.py)
    row_tolerance: float = 3.0
    """Words whose tops differ by at most this many points are on one row of an unruled table."""
    min_body_lines: int = 2
    """An unruled region needs this many lines with figures to be a table."""
    indent: float = 2.0
    """A word starting this far right of a column's start still belongs to it (indented names)."""
    same_column: float = 8.0
    """Header leaf words whose centres are closer than this head one column."""
    word_gap: float = 4.0
    """Header words closer than this are one wrapped header cell."""
    wrap_pitch_slack: float = 0.25
    """A header line aligned under another continues its cell if at most this share further down than the header's line pitch."""

    # Narrative and metadata (sections.py, metadata.py, contents_page.py)
    max_heading_chars: int = 36
    """A line longer than this is body text, never a heading."""
    larger_by: float = 1.5
    """Points above the body's type size that make an unnumbered line a heading."""
    title_scan_pages: int = 3
    """Pages read for the document's title, kind, region, department and cover heading."""
    year_scan_pages: int = 9
    """Pages searched for the fiscal year when the title does not state it."""
    max_cover_heading_chars: int = 100
    """The first page's largest line longer than this is a paragraph, not the cover's heading."""
    contents_scan_pages: int = 6
    """Pages searched for a printed table of contents (目录)."""
    min_name_chars: int = 3
    """A department's name is at least this many glyphs long."""

    # A cover read by OCR (metadata.py, identity.py)
    ocr_size_share: float = 0.15
    """OCR lines whose sizes differ by less than this share are one type size (OCR sizes a line by its box)."""
    ocr_glyph_context: int = 3
    """Glyphs beside a cover glyph, on each side, that must match where another page states it."""
    ocr_confirmations: int = 2
    """Times the other pages must state a name OCR read on the cover before it is trusted or corrected."""

    # Running headers and footers (running_heads.py)
    running_min_pages: int = 3
    """A line repeated on fewer pages than this is no running header or footer, whatever the share."""
    running_min_share: float = 0.3
    """Share of a file's pages with text a running header or footer must be printed on."""
    running_tolerance: float = 3.0
    """Points a running line may move between pages (another page size, another font's ascent)."""

    # Page routing (fast_pages.py)
    max_plain_segments: int = 5
    """A page drawing at most this many rules or rectangles holds no grid: the fast text reader reads it."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value <= 0:
                raise ValueError(f"layout setting {f.name} must be positive, not {value!r}")
        for share in ("repeat_share", "near_bottom", "ocr_size_share", "running_min_share", "form_cell_overlap"):
            if getattr(self, share) > 1:
                raise ValueError(f"layout setting {share} is a share of 1, not {getattr(self, share)!r}")


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
    trailer_bytes: int = 1024 * 1024
    """A file's last bytes searched for `startxref` / `%%EOF`: with neither there it is refused as
    corrupt at once (truncated, or zeros behind a `%PDF` header), before pdfminer scans it all."""
    layout: Layout = field(default_factory=Layout)
    ocr: bool = True
    ocr_cache: str | None = None
    ocr_dpi: int = 300
    """Resolution Tesseract reads a scanned page at."""
    ocr_seconds_per_page: float = 120.0
    """Seconds OCR may spend on each page of a file before it is given up."""

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}; choose one of {', '.join(ENGINES)}")
        if self.max_pages < 1 or self.trailer_bytes < 1024:
            raise ValueError("max_pages must be at least 1 and trailer_bytes at least 1024")
        if self.ocr_dpi < 72 or self.ocr_seconds_per_page <= 0:
            raise ValueError("ocr_dpi must be at least 72 and ocr_seconds_per_page positive")
        if not isinstance(self.layout, Layout):
            raise TypeError("layout must be a Layout")
