"""Every `scripts/` command runs as the README writes it, from the repository alone (no data from outside it)."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import ROOT


def test_make_teams_reads_its_bundled_evidence_table_by_default():
    # Run without an argument it once crashed (IndexError); now it names its default, which is in the repository.
    out = subprocess.run(
        [sys.executable, "scripts/make_teams.py", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "data/sources/teams_evidence.csv" in out
    assert (ROOT / "data" / "sources" / "teams_evidence.csv").is_file()


def test_make_levels_reads_only_files_in_boundaries():
    # The four inputs its main() reads, taken from the code, all exist in boundaries/ (its default folder).
    tree = ast.parse((ROOT / "scripts" / "make_levels.py").read_text())
    names = {
        n.right.value
        for n in ast.walk(tree)
        if isinstance(n, ast.BinOp) and isinstance(n.left, ast.Name) and n.left.id == "geo"
        if isinstance(n.right, ast.Constant)
    }
    assert len(names) == 4 and all((ROOT / "boundaries" / name).is_file() for name in names), names
    assert 'ROOT / "boundaries"' in (ROOT / "scripts" / "make_levels.py").read_text()
    assert "shared" not in (ROOT / "scripts" / "make_levels.py").read_text()


def test_no_script_reads_outside_the_repository():
    for path in (ROOT / "scripts").glob("*.py"):
        text = path.read_text()
        assert "ROOT.parent" not in text and "../shared" not in text, path.name
