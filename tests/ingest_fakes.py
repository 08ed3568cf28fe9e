"""Stand-in parse functions for ingest tests: fast, and misbehaving on request.

They run inside the ingest worker processes, so they live in a module the
workers can import by name. A fake input file holds one word saying what the
parse should do: `ok` (the default), `reject`, `boom`, `crash`, `hang`, `slow`, or
`imports` (fail, naming which of `pipeline.api.LAZY_IMPORTS` the worker has imported).
`slow_parse` is the real parse, late on purpose.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from extractors.pdf_open import disclosure_sha256
from pipeline.api import LAZY_IMPORTS, parse
from schemas.errors import Reason, RejectedInput
from schemas.records import Check, Document, DocumentMeta, LineItem, SourceTable
from schemas.version import PARSER_VERSION

LINE_ITEMS_PER_DOC = 3


def write_inputs(folder: Path, count: int, word: str = "ok") -> list[Path]:
    """`count` distinct fake PDFs (distinct contents, so distinct sha256)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"doc-{i:03d}.pdf"
        path.write_text(f"{word}\n{i}\n", encoding="utf-8")
        paths.append(path)
    return paths


def fake_parse(paths: Sequence[str]) -> Document:
    """A small document derived from the file's bytes, or the misbehaviour it asks for.
    Each call is first noted in `parsed.log` beside the file."""
    path = paths[0]
    with open(Path(path).parent / "parsed.log", "a", encoding="utf-8") as log:
        log.write(f"{path}\n")
    data = Path(path).read_bytes()
    word = data.split(b"\n", 1)[0].decode() if data else "empty"
    if word == "empty":
        raise RejectedInput(path, Reason.EMPTY, "the file is empty (0 bytes)")
    if word == "reject":
        raise RejectedInput(path, Reason.NOT_BUDGET, "no budget tables found")
    if word == "boom":
        raise ValueError("the extractor tripped")
    if word == "imports":
        raise RuntimeError("imported: " + " ".join(m for m in LAZY_IMPORTS if m in sys.modules))
    if word == "crash":
        os._exit(3)
    if word == "hang":
        time.sleep(3600)
    if word == "slow":
        time.sleep(float(os.environ.get("YUSUAN_FAKE_DELAY", "0.4")))
    sha = disclosure_sha256(paths)
    items = [
        LineItem(
            table_kind="overview",
            table_index=0,
            row_index=i,
            page=2,
            row_label=f"第{i}行",
            column_path=["合计"],
            amount=Decimal(f"{i}.01") * 10000,
            amount_source=f"{i}.01",
            unit_source="万元",
        )  # fmt: skip
        for i in range(LINE_ITEMS_PER_DOC)
    ]
    table = SourceTable(
        kind="overview", title="收支总表", unit="万元", pages=[2], header=[["项目"], ["合计"]],
        rows=[[f"第{i}行", f"{i}.01"] for i in range(LINE_ITEMS_PER_DOC)], row_pages=[2] * LINE_ITEMS_PER_DOC,
    )  # fmt: skip
    meta = DocumentMeta(
        sha256=sha, source=os.path.basename(path), page_count=3, parser_version=PARSER_VERSION,
        region="测试区", fiscal_year=2026, doc_kind="budget", files=[os.path.basename(p) for p in paths],
    )  # fmt: skip
    return Document(
        meta=meta, tables=[table], line_items=items, checks=[Check(rule="r", status="pass", detail="ok")]
    )


def slow_parse(paths: Sequence[str]) -> Document:
    """`pipeline.api.parse`, after leaving a file named for its process id in $YUSUAN_STARTED_DIR
    and sleeping $YUSUAN_PARSE_DELAY seconds: a window for a test to kill the worker running it."""
    started = os.environ.get("YUSUAN_STARTED_DIR")
    if started:
        Path(started, str(os.getpid())).touch()
    time.sleep(float(os.environ.get("YUSUAN_PARSE_DELAY", "0")))
    return parse(paths)
