"""Every layout tolerance lives in the validated settings object, and the readers use it."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from extractors.settings import ExtractSettings, Layout
from pipeline.api import parse

SEED = str(FIXTURES / "jiyuan-bianban-2021-budget.pdf")
_NUMERIC_CONSTANT = re.compile(r"^_?[A-Z][A-Z_]* = -?\d+(\.\d+)?\b", re.M)


def test_every_layout_setting_says_what_it_means() -> None:
    source = (ROOT / "extractors" / "settings.py").read_text(encoding="utf-8")
    for f in fields(Layout):
        assert re.search(rf"    {f.name}: \w+ = [\d.]+\n    \"\"\"[^\n]+\"\"\"", source), f"{f.name} has no one-line meaning"


def test_no_extractor_keeps_a_numeric_tolerance_of_its_own() -> None:
    found = {
        path.name: _NUMERIC_CONSTANT.findall(path.read_text(encoding="utf-8"))
        for path in Path(ROOT / "extractors").glob("*.py")
        if path.name != "settings.py"
    }
    assert not {name: hits for name, hits in found.items() if hits}


@pytest.mark.parametrize("bad", [
    {"edge_tolerance": 0}, {"repeat_share": 1.5}, {"near_bottom": -0.1}, {"max_header_rows": 0},
])
def test_an_impossible_setting_fails_when_built(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Layout(**bad)  # type: ignore[arg-type]


def test_an_unknown_setting_fails_when_built() -> None:
    with pytest.raises(TypeError):
        Layout(edge_tolerence=1.0)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        ExtractSettings(layout={"edge_tolerance": 1.0})  # type: ignore[arg-type]


def test_the_readers_use_the_settings_they_are_given() -> None:
    default = parse([SEED])
    one_header_row = parse([SEED], ExtractSettings(layout=Layout(max_header_rows=1)))
    table = next(t for t in default.tables if t.kind == "department_expenditure")
    assert table.report is not None and table.report.header_rows > 1
    assert [t.header for t in one_header_row.tables] != [t.header for t in default.tables]
