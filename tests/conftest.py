"""Shared fixtures. Each section belongs to the stage named in its heading."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from schemas.records import (
    Check,
    Document,
    DocumentMeta,
    Fact,
    Indicator,
    LineItem,
    Project,
    Section,
    SourceTable,
    ThreePublic,
    Unaccounted,
)

# --- Storage and ingest (db/, pipeline/batch/ingest.py): SQLite and a throwaway PostgreSQL ---------------


@dataclass(frozen=True)
class PgServer:
    """A PostgreSQL server the test session started in a temporary directory."""

    host: str
    port: int
    user: str
    data: Path | None = None
    command: tuple[str, ...] = ()
    """How to run its binaries (`runuser -u postgres --` as root) and where they are, for stop/start."""
    options: str = ""

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def _pg_ctl(self, *args: str) -> None:
        assert self.data is not None
        *prefix, bindir = self.command
        subprocess.run([*prefix, str(Path(bindir) / "pg_ctl"), "-D", str(self.data), *args], check=True,
                       capture_output=True, cwd=self.data.parent)  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-m", mode, "-w", "stop")

    def start(self) -> None:
        assert self.data is not None
        self._pg_ctl("-l", str(self.data.parent / "server.log"), "-w", "-o", self.options, "start")


def _pg_bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    return candidates[0].parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _unprivileged_user() -> str | None:
    """initdb refuses to run as root: as root, run the server as `postgres` or `nobody`."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")


@contextmanager
def pg_server_started() -> Iterator[PgServer]:
    """initdb + pg_ctl start on a free loopback port; stopped and deleted at the end."""
    bindir = _pg_bindir()
    if bindir is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    run_as = _unprivileged_user()
    prefix = ["runuser", "-u", run_as, "--"] if run_as else []
    root = Path(tempfile.mkdtemp(prefix="yusuan-pg-"))
    if run_as:
        entry = pwd.getpwnam(run_as)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    data, port = root / "data", _free_port()
    subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "yusuan", "-A", "trust", "-E", "UTF8",
         "--locale=C", "--no-sync"], check=True, capture_output=True, cwd=root,
    )  # fmt: skip
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
    server = PgServer("127.0.0.1", port, "yusuan", data, (*prefix, str(bindir)), options)
    server.start()
    try:
        yield server
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True, cwd=root)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The session's PostgreSQL server (never stopped by a test: see `pg_private`)."""
    with pg_server_started() as server:
        yield server


@pytest.fixture
def pg_private() -> Iterator[PgServer]:
    """A PostgreSQL server of the test's own, which it may stop and start (an outage)."""
    with pg_server_started() as server:
        yield server


def admin(server: PgServer, sql: str) -> None:
    import psycopg

    with psycopg.connect(
        host=server.host, port=server.port, user=server.user, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(sql)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, then a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'yusuan.db'}"
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin(server, f"CREATE DATABASE {name}")
    yield server.url(name)
    admin(server, f"DROP DATABASE {name} WITH (FORCE)")


def sample_document(
    sha256: str = "a" * 64, parser_version: str = "0.1.0", source: str = "sample.pdf"
) -> Document:
    """A small hand-built disclosure touching every record type and the awkward amounts."""
    meta = DocumentMeta(
        sha256=sha256,
        source=source,
        page_count=12,
        parser_version=parser_version,
        title="北京市财政局2026年部门预算",
        region="北京市",
        department="北京市财政局",
        fiscal_year=2026,
        reporting_level="department",
        doc_kind="budget",
        published_on=date(2026, 2, 10),
        files=[source],
    )
    table = SourceTable(
        kind="general_budget_expenditure",
        title="一般公共预算支出情况表",
        unit="万元",
        pages=[5, 6],
        header=[["科目编码"], ["科目名称"], ["合计"], ["基本支出", "工资福利支出"]],
        rows=[[None, "合计", "44156.640120", "0.000001"], ["2013201", "行政运行", "12345678901.234", None]],
        row_pages=[5, 6],
    )
    amounts = [Decimal("44156.640120") * 10000, Decimal("0.01"), Decimal("123456789012.34"), Decimal("-5.50")]
    items = [
        LineItem(
            table_kind="general_budget_expenditure",
            table_index=0,
            row_index=i,
            page=5 + i % 2,
            row_label=label,
            column_path=["合计"],
            amount=amount,
            amount_source=str(amount / 10000),
            unit_source="万元",
            measure="total",
            functional_code=code,
            functional_name=name,
            economic_code="30101" if i == 1 else None,
            economic_name="基本工资" if i == 1 else None,
            is_total=code is None,
        )
        for i, (label, code, name, amount) in enumerate(
            [
                ("合计", None, None, amounts[0]),
                ("一般公共服务支出", "201", "一般公共服务支出", amounts[1]),
                ("财政事务", "20106", "财政事务", amounts[2]),
                ("行政运行（财政事务）", "2010601", "行政运行", amounts[3]),
            ]
        )
    ]
    return Document(
        meta=meta,
        sections=[Section(heading="一、部门职责", level=1, page=2, text="负责全市财政工作。")],
        tables=[table],
        line_items=items,
        three_public=ThreePublic(total=Decimal("1234500.00"), reception=Decimal("0.01"), page=9),
        projects=[
            Project(name="财政信息化建设", page=10, amount=Decimal("3000000"), start="2026-01", end="2026-12")
        ],
        indicators=[
            Indicator(
                scope="project",
                project="财政信息化建设",
                level1="产出指标",
                level2="数量指标",
                level3="系统上线数",
                target_raw="≥3个",
                page=11,
                operator=">=",
                value=Decimal("3"),
                unit="个",
            ),
            Indicator(scope="department", level3="制度健全性", target_raw="健全", page=12),
        ],
        facts=[
            Fact(
                key="total_expenditure",
                label="支出预算",
                value=Decimal("441566401.2"),
                unit="yuan",
                page=3,
                sentence="2026年支出预算44156.640120万元。",
            )
        ],
        checks=[
            Check(rule="overview_balanced", status="pass", detail="收入合计 = 支出合计", page=4),
            Check(rule="three_public_sum", status="fail", detail="三公合计不等于分项之和", page=None),
        ],
        unaccounted=[
            Unaccounted(page=5, text="0.000001", reason="column_without_measure",
                        location="table 0 (general_budget_expenditure) row 0 '合计', column 基本支出/工资福利支出",
                        table_index=0, row_index=0, column_index=3),
        ],
        amounts_printed=6,
    )


@pytest.fixture
def make_document() -> Callable[..., Document]:
    """`make_document(sha256=..., parser_version=..., source=...)` builds `sample_document`."""
    return sample_document


# --- Extraction, normalization and validation: fixture PDFs and the real corpus -----------------------

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def fixture_names() -> list[str]:
    """Every fixture PDF that has ground truth beside it."""
    return sorted(p.stem for p in FIXTURES.glob("*.pdf") if p.with_suffix(".json").exists())


@pytest.fixture(scope="session")
def parsed() -> Callable[[str], Document]:
    """Parse a fixture once per test session (parsing is pure, so sharing is safe)."""
    from pipeline.api import parse

    cache: dict[str, Document] = {}

    def get(name: str) -> Document:
        if name not in cache:
            cache[name] = parse([FIXTURES / f"{name}.pdf"])
        return cache[name]

    return get


def corpus_dir() -> Path:
    """The real disclosures: $YUSUAN_CORPUS, else ../shared/corpus beside the repository."""
    return Path(os.environ.get("YUSUAN_CORPUS", ROOT.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The corpus folder; skipped with a reason where it is absent, a failure in CI."""
    folder = corpus_dir()
    if not (folder / "MANIFEST.tsv").exists():
        message = f"real corpus not found at {folder} (set YUSUAN_CORPUS)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return folder


@pytest.fixture(scope="session")
def parsed_corpus(corpus: Path) -> Callable[..., Document]:
    """Parse corpus PDFs once per session; several names make one disclosure."""
    from pipeline.api import parse

    cache: dict[tuple[str, ...], Document] = {}

    def get(*names: str) -> Document:
        if names not in cache:
            cache[names] = parse([corpus / n for n in names])
        return cache[names]

    return get
