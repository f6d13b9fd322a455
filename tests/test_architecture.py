"""The package layout holds: no import circles, each layer imports only those below it (the same contracts
`lint-imports` checks in CI, read from pyproject.toml), small modules, a thin app.py (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import copy
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "gapmap"
MAX_LINES = 450


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("gapmap")


def _layers() -> list[grimp.Layer]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return [
        grimp.Layer(*(m.strip().removeprefix("gapmap.") for m in layer.split("|")), independent=True)
        for layer in contract["layers"]
    ]


def test_no_module_imports_another_that_imports_it_back(graph: grimp.ImportGraph) -> None:
    circles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                circles.append(" -> ".join([module, *back]))
    assert circles == []


def test_every_package_is_in_a_layer() -> None:
    named = {tail for layer in _layers() for tail in layer.module_tails}
    packages = {p.name for p in SRC.iterdir() if (p / "__init__.py").exists()}
    modules = {p.stem for p in SRC.glob("*.py") if p.stem != "__init__"}
    assert packages | modules == named


def test_the_layers_hold(graph: grimp.ImportGraph) -> None:
    assert graph.find_illegal_dependencies_for_layers(layers=_layers(), containers={"gapmap"}) == set()


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("gapmap.measures.indicators", "gapmap.app.state"),  # a measure reaching up into the app
        ("gapmap.files.io", "gapmap.geo.areas"),  # bytes in and out knowing geography
        ("gapmap.survey.validate", "gapmap.teams.store"),  # the two inputs are independent
        ("gapmap.present.chartspec", "gapmap.render.layout"),  # a spec depending on drawing
    ],
)
def test_an_upward_or_sideways_import_breaks_the_contract(
    graph: grimp.ImportGraph, importer: str, imported: str
) -> None:
    changed = copy.deepcopy(graph)
    changed.add_import(importer=importer, imported=imported)
    found = changed.find_illegal_dependencies_for_layers(layers=_layers(), containers={"gapmap"})
    assert found, f"{importer} -> {imported} should break the layers contract"


def test_app_and_cli_are_independent(graph: grimp.ImportGraph) -> None:
    assert not graph.chain_exists(importer="gapmap.app", imported="gapmap.cli", as_packages=True)
    assert not graph.chain_exists(importer="gapmap.cli", imported="gapmap.app", as_packages=True)


def test_lint_imports_passes() -> None:
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout or "broken" not in result.stdout.split("Contracts:")[-1]


def test_modules_are_small_or_say_why() -> None:
    long = []
    for path in sorted(SRC.rglob("*.py")):
        lines = path.read_text().count("\n")
        doc = ast.get_docstring(ast.parse(path.read_text())) or ""
        if lines > MAX_LINES and "long because" not in doc:
            long.append(f"{path.relative_to(SRC)}: {lines} lines")
    assert long == []


def test_app_py_is_only_the_entry_point() -> None:
    text = (ROOT / "app.py").read_text()
    assert text.count("\n") < 40
    assert not (SRC / "pipeline.py").exists()
