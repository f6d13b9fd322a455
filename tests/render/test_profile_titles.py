"""Profile names are wrapped or shortened to the indicator's short name, never cut with an ellipsis."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gapmap.cli.main import main
from gapmap.measures.indicators import INDICATORS


@pytest.mark.parametrize("size", ["social", "square", "a4-portrait"])
def test_no_indicator_name_is_cut(size: str, tmp_path: Path, capsys):
    out = tmp_path / "p.svg"
    assert main(["profile", "--area", "Bristol", "--size", size, "--out", str(out)]) == 0, (
        capsys.readouterr().err
    )
    texts = re.findall(r"<text[^>]*>(.*?)</text>", out.read_text(), re.S)
    drawn = " ".join(re.sub(r"<[^>]+>", "", t) for t in texts)
    assert "…" not in drawn, [t for t in texts if "…" in t]
    import pandas as pd

    shown = pd.read_csv(tmp_path / "p.csv")["indicator"].unique()
    assert len(shown) >= 10
    for ind in (INDICATORS[i] for i in shown):
        # each indicator is there, whole or by its short name (SVG text may break a title over two lines)
        assert any(
            " ".join(words) in drawn for words in [ind.title.split()[:2], (ind.short or "").split()[:2]]
        )
