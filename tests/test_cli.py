"""The `yusuan` command as a user runs it, and its documentation."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from conftest import FIXTURES, ROOT
from pipeline.commands.cli import main
from schemas.contract import validate


def _yusuan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=ROOT)


def test_parse_prints_contract_json() -> None:
    result = _yusuan("parse", str(FIXTURES / "jiyuan-bianban-2021-budget.pdf"))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    validate(document)
    assert document["document"]["fiscal_year"] == 2021 and len(document["tables"]) == 14


@pytest.mark.parametrize(("name", "reason"), [
    ("zero-byte.pdf", "empty"), ("not-a-pdf.pdf", "not_pdf"), ("truncated.pdf", "corrupt"),
    ("corrupt.pdf", "corrupt"), ("encrypted.pdf", "encrypted"), ("image-only.pdf", "image_only"),
    ("not-a-budget.pdf", "not_budget"), ("absurd-pages.pdf", "too_many_pages"),
])
def test_parse_refuses_bad_input_by_name_and_reason(name: str, reason: str) -> None:
    no_ocr = ["--no-ocr"] if reason == "image_only" else []  # with OCR on, a scan is read (tests/test_ocr.py)
    result = _yusuan("parse", *no_ocr, str(FIXTURES / "bad" / name))
    assert result.returncode == 2 and result.stdout == ""
    assert name in result.stderr and f": {reason}:" in result.stderr


def test_eval_prints_per_document_and_overall_figures() -> None:
    result = _yusuan("eval", str(FIXTURES), "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert len(figures["documents"]) == len(list(FIXTURES.glob("*.json")))
    assert figures["overall"]["table_kind_accuracy"] == 1.0
    assert figures["overall"]["cells"]["f1"] >= 0.99


def _commands(group: click.Group) -> list[click.Command]:
    return [group.commands[name] for name in sorted(group.commands)]


def test_every_command_and_option_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in _commands(main):
        assert re.search(rf"yusuan {command.name}\b", readme), f"yusuan {command.name} is not documented"
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--"):
                    assert opt in readme, f"yusuan {command.name} {opt} is not documented"


def test_quick_start_is_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [line for line in block.splitlines()[1:] if line.strip() and not line.startswith("#")]
    assert commands == ["make demo", "make test"]
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("make test")


def test_ci_script_exists() -> None:
    assert Path(ROOT / ".ci" / "run").stat().st_mode & 0o111


def _refused_port() -> int:
    """A loopback port nothing listens on."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("command", [["stats"], ["export", "--format", "json"], ["ingest", str(FIXTURES / "bad")]])
@pytest.mark.parametrize("url, reason", [
    ("sqlite:////proc/yusuan-test/x.db", "unable to open database file"),
    ("postgresql+psycopg://reader:s3cret@127.0.0.1:{port}/yusuan", "connection refused"),
])
def test_a_database_that_cannot_be_opened_is_one_line_and_exit_2(command: list[str], url: str, reason: str) -> None:
    url = url.format(port=_refused_port())
    result = _yusuan(*command, "--db", url)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0] == f"yusuan: cannot open database {url.replace('s3cret', '***')}: {reason}"
    assert "s3cret" not in result.stderr + result.stdout
