"""Ruled tables found by camelot's lattice flavor, as the same grids pdfplumber gives.

Selected with `--engine camelot-lattice`. camelot reports a full grid of
cells and which of their borders are drawn; cells with no border between
them are one merged cell, so the grid is regrouped into cells with spans.
"""

from __future__ import annotations

import warnings
from typing import Any

from extractors.grid import RawTable, boxes_to_grid
from extractors.ocr import ocr_text
from extractors.settings import Layout


def _merged_cells(cells: list[list[Any]]) -> list[list[tuple[int, int]]]:
    """Groups of grid positions that form one printed cell (union-find over missing borders)."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(p: tuple[int, int]) -> tuple[int, int]:
        while parent.setdefault(p, p) != p:
            p = parent[p]
        return p

    for r, row in enumerate(cells):
        for c, cell in enumerate(row):
            find((r, c))
            if c + 1 < len(row) and not cell.right:
                parent[find((r, c + 1))] = find((r, c))
            if r + 1 < len(cells) and not cell.bottom:
                parent[find((r + 1, c))] = find((r, c))
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for position in parent:
        groups.setdefault(find(position), []).append(position)
    return list(groups.values())


def lattice_tables(
    path: str, file_page: int, page_number: int, page_height: float, layout: Layout, ocr: bool = False
) -> list[RawTable]:
    """Every ruled table camelot finds on page `file_page` of the file at `path`.

    camelot counts pages within the file; the grids are numbered `page_number`,
    the page's number in the disclosure (which runs on across a second PDF).
    camelot finds the rules in the rendered page image, so this also reads the
    tables of a scanned page; with `ocr` the cells hold OCR output and are
    cleaned as such.
    """
    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = camelot.read_pdf(path, pages=str(file_page), flavor="lattice")
    grids = []
    for table in found:
        boxes: list[tuple[tuple[float, float, float, float], str | None]] = []
        for group in _merged_cells(table.cells):
            members = [table.cells[r][c] for r, c in sorted(group)]
            bbox = (min(m.x1 for m in members), page_height - max(m.y2 for m in members),
                    max(m.x2 for m in members), page_height - min(m.y1 for m in members))
            text = "\n".join(m.text for m in members if m.text)
            boxes.append((bbox, (ocr_text(text) if ocr else text) or None))
        grid = boxes_to_grid(boxes, page_number, "camelot-lattice", layout)
        if grid is not None and grid.n_cols >= 2:
            grids.append(grid)
    return grids
