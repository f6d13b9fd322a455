"""The one output writer: atomic, umask mode, symlinks written through, non-files refused, nothing left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from gapmap.cli.main import main
from gapmap.files import output
from gapmap.problems import InputError
from tests.conftest import require


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_regular_file_replaced_with_the_umask_mode(tmp_path: Path, umask_027):
    out = tmp_path / "t.csv"
    out.write_text("old")
    os.chmod(out, 0o600)
    output.write_text(out, "new")
    assert (out.read_text(), stat.S_IMODE(out.stat().st_mode), leftovers(tmp_path)) == ("new", 0o640, [])


def test_cli_output_gets_umask_mode_not_0600(tmp_path: Path):
    old = os.umask(0o022)
    try:
        assert main(["indicators", "--indicator", "respondents", "--out", str(tmp_path / "i.csv")]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "i.csv").stat().st_mode) == 0o644


def test_symlink_is_written_through_to_its_target(tmp_path: Path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert main(["indicators", "--indicator", "respondents", "--out", str(link)]) == 0
    assert link.is_symlink() and real.read_text().startswith("indicator,")


def test_fifo_is_refused_with_exit_1_naming_it(tmp_path: Path, capsys):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    code = main(["indicators", "--indicator", "respondents", "--out", str(fifo)])
    err = capsys.readouterr().err
    assert (code, str(fifo) in err, "named pipe" in err, stat.S_ISFIFO(fifo.stat().st_mode)) == (
        1,
        True,
        True,
        True,
    )
    assert leftovers(tmp_path) == []


def test_device_is_refused(tmp_path: Path, capsys):
    # Our own null device in tmp_path, never /dev/null: code that replaces devices must not break the machine.
    dev = tmp_path / "null"
    try:
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        require(False, "creating a device node needs CAP_MKNOD")
    code = main(["indicators", "--indicator", "respondents", "--out", str(dev)])
    err = capsys.readouterr().err
    assert (code, "a device" in err, str(dev) in err, stat.S_ISCHR(dev.stat().st_mode)) == (
        1,
        True,
        True,
        True,
    )


def test_directory_is_refused_naming_the_users_path_not_a_temporary(tmp_path: Path, capsys):
    folder = tmp_path / "maps"
    folder.mkdir()
    code = main(
        ["render", "--indicator", "respondents", "--no-teams", "--format", "html", "--out", str(folder)]
    )
    err = capsys.readouterr().err
    assert (code, f"Expected a file to write at {folder}; found a folder" in err, ".tmp" in err) == (
        1,
        True,
        False,
    )
    assert list(folder.iterdir()) == [] and leftovers(tmp_path) == []


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path: Path):
    out = tmp_path / "map.html"
    out.write_text("old map")

    def fail(tmp: Path) -> None:
        tmp.write_text("<html>half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        output.write_with(out, fail)
    assert (out.read_text(), leftovers(tmp_path)) == ("old map", [])


def test_interrupted_write_leaves_no_temporary(tmp_path: Path):
    def interrupted(tmp: Path) -> None:
        tmp.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        output.write_with(tmp_path / "x.svg", interrupted)
    assert list(tmp_path.iterdir()) == []


def test_alt_text_folder_refused_before_the_map_is_drawn(tmp_path: Path, capsys):
    (tmp_path / "m.png.alt.txt").mkdir()
    code = main(["render", "--indicator", "respondents", "--no-teams", "--out", str(tmp_path / "m.png")])
    assert (code, (tmp_path / "m.png").exists()) == (1, False)


def test_check_writable_refuses_a_path_under_a_file(tmp_path: Path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="is not a folder"):
        output.check_writable(tmp_path / "f" / "rejects.csv")
