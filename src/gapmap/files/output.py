"""The one way gapmap writes a file: atomically, with the umask's mode, through symlinks, never over a non-file.

Every output (CSV, PNG, SVG, PDF, HTML, GeoJSON, rejects, alt text) goes through :func:`write_bytes`,
:func:`write_text` or :func:`write_with`. A regular file is replaced in one step (a temporary file beside it,
renamed over it), so a reader never sees half a file and a failure leaves the old file and no temporary behind.
A symlink is written through to its target, as ``>`` in a shell would. A directory, FIFO, socket or device is
refused with an :class:`~gapmap.problems.InputError` naming the path the user gave.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gapmap.problems import InputError, Issue


def _umask() -> int:
    """The process umask, read without changing it where the OS allows (changing it races other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def _refuse(given: Path, found: str, fix: str) -> InputError:
    return InputError(
        [Issue(None, None, str(given), f"Expected a file to write at {given}; found {found}. Fix: {fix}")]
    )


def target(path: str | Path) -> Path:
    """The file that writing ``path`` would replace: symlinks followed; InputError if it cannot be a file.

    >>> target("maps/x.png").name
    'x.png'
    """
    given = Path(path)
    real = Path(os.path.realpath(given))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        blocker = next(p for p in real.parents if p.exists())
        raise _refuse(given, f"that '{blocker}' is not a folder", "choose a path inside a folder.") from None
    except OSError as exc:
        raise _refuse(given, f"a path that cannot be read ({exc.strerror})", "choose another path.") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind = (
            "a folder"
            if stat.S_ISDIR(st.st_mode)
            else "a named pipe (FIFO)"
            if stat.S_ISFIFO(st.st_mode)
            else "a device"
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "a socket"
            if stat.S_ISSOCK(st.st_mode)
            else "something that is not a regular file"
        )
        raise _refuse(given, kind, "give a file name (e.g. add /map.png to a folder), or another path.")
    parent = real.parent
    if parent.exists() and not parent.is_dir():
        raise _refuse(given, f"that '{parent}' is not a folder", "choose a path inside a folder.")
    return real


def check_writable(path: str | Path) -> Path:
    """Raise InputError now if ``path`` could not be written later (used before committing a database batch)."""
    real = target(path)
    parent = real.parent
    probe = parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise _refuse(Path(path), f"no permission to write in '{probe}'", "choose a folder you can write to.")
    return real


@dataclass
class Pending:
    """A fully written temporary file waiting to be renamed over its target by :meth:`commit`."""

    given: Path
    real: Path
    tmp: Path

    def commit(self) -> Path:
        """Rename the temporary file over the target (one step); returns the path the user gave."""
        try:
            os.replace(self.tmp, self.real)
        except BaseException:
            self.discard()
            raise
        return self.given

    def discard(self) -> None:
        """Delete the temporary file; the target is left as it was."""
        self.tmp.unlink(missing_ok=True)


def prepare(path: str | Path, fill: Callable[[Path], object]) -> Pending:
    """Write the content with ``fill(tmp_path)`` into a temporary file beside the target; nothing replaced yet."""
    given = Path(path)
    real = target(given)
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    except OSError as exc:
        raise _refuse(
            given, f"a place that cannot be written ({exc.strerror})", "choose another path."
        ) from None
    tmp = Path(name)
    try:
        os.close(fd)
        fill(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a file we write should look like any other
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise _disk_full(given) from None
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Pending(given, real, tmp)


def _disk_full(given: Path) -> InputError:
    """A write that ran out of space, naming the path the user gave (the OS error names no file, or the
    temporary one)."""
    return InputError(
        [
            Issue(
                None,
                None,
                str(given),
                f"Could not write {given}: the disk is full (nothing was replaced). "
                "Fix: free some space, or write to another disk.",
            )
        ]
    )


def keep_unchanged(old: Path, new: Path, data: bytes) -> bool:
    """Put ``old`` (a file holding exactly ``data``) at ``new`` untouched (a hard link: same inode and time, else a
    copy keeping its time); False, doing nothing, if ``old`` holds something else or is missing."""
    try:
        if not old.is_file() or old.stat().st_size != len(data) or old.read_bytes() != data:
            return False
        new.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(old, new)
        except OSError:
            shutil.copy2(old, new)
    except OSError:
        return False
    return True


def _carry_over(old: Path, new: Path) -> None:
    """Every file under ``old`` that ``new`` lacks, linked (or copied) into it: what a build did not write stays."""
    for here, dirs, files in os.walk(old):
        rel = Path(here).relative_to(old)
        (new / rel).mkdir(parents=True, exist_ok=True)
        for name in files + [d for d in dirs if os.path.islink(os.path.join(here, d))]:
            src, dst = Path(here) / name, new / rel / name
            if os.path.lexists(dst):
                continue
            if src.is_symlink():
                os.symlink(os.readlink(src), dst)
                continue
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)


@contextmanager
def _held_interrupts() -> Iterator[None]:
    """Ctrl-C (and SIGTERM) held back until the block ends, so two renames happen both or neither."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover (Windows)
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextmanager
def whole_folder(path: str | Path) -> Iterator[tuple[Path, Path]]:
    """Write a folder all at once: yields ``(staging, final)``; write every file into ``staging``.

    On success the files of ``final`` that were not written are carried over, and ``staging`` takes ``final``'s
    place in two renames with Ctrl-C held back; on any error or Ctrl-C ``staging`` is deleted and ``final`` is as
    it was. So a reader (or a web server) sees the old folder or the new one, never a mix.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> with whole_folder(d / "site") as (stage, final):
    ...     _ = (stage / "a.txt").write_text("new")
    >>> (d / "site" / "a.txt").read_text(), sorted(p.name for p in d.iterdir())
    ('new', ['site'])
    """
    given = Path(path)
    real = Path(os.path.realpath(given))
    if real.exists() and not real.is_dir():
        raise _refuse(given, "a file", "give a folder.")
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(dir=real.parent, prefix=f".{real.name}.", suffix=".building"))
        os.chmod(stage, stat.S_IMODE(os.stat(real).st_mode) if real.exists() else 0o777 & ~_umask())
    except OSError as exc:
        raise _refuse(
            given, f"a place that cannot be written ({exc.strerror})", "choose another folder."
        ) from None
    try:
        yield stage, real
        if real.exists():
            _carry_over(real, stage)
            old = real.with_name(f"{stage.name[: -len('.building')]}.old")
            with _held_interrupts():
                os.rename(real, old)
                os.rename(stage, real)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(stage, real)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise _disk_full(given) from None
        raise
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def write_with(path: str | Path, fill: Callable[[Path], object]) -> Path:
    """Atomically write ``path`` by calling ``fill`` on a temporary path (for writers that want a file name)."""
    return prepare(path, fill).commit()


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Atomically write ``data`` to ``path``; returns ``path`` as given."""
    return write_with(path, lambda tmp: tmp.write_bytes(data))


def write_text(path: str | Path, text: str) -> Path:
    """Atomically write UTF-8 ``text`` to ``path`` (newlines as given)."""
    return write_bytes(path, text.encode("utf-8"))


STDOUT = "-"  # ``--out -``: standard output, for the formats that are text (CSV, GeoJSON)

PathLike = str | Path


def same_file(a: PathLike, b: PathLike) -> bool:
    """True if writing ``a`` would replace ``b``: the same file after symlinks and hard links (device and inode
    when both exist), else the same resolved path.

    >>> same_file("x/../y.csv", "y.csv")
    True
    """
    ra, rb = os.path.realpath(a), os.path.realpath(b)
    try:
        sa_, sb_ = os.stat(ra), os.stat(rb)
    except OSError:
        return ra == rb
    return (sa_.st_dev, sa_.st_ino) == (sb_.st_dev, sb_.st_ino)


def refuse_replacing(
    inputs: Iterable[tuple[str, PathLike | None]], outputs: Iterable[tuple[str, PathLike | None]]
) -> None:
    """The one rule for every command that writes: no output may replace one of the same command's inputs.

    ``inputs`` and ``outputs`` are (what it is, path) pairs; outputs include the files written beside another
    (alt text, data CSV). Raises InputError, naming both paths, before anything is written; ``None`` and
    ``-`` (standard output) are skipped.

    >>> try:
    ...     refuse_replacing([("survey file", "s.csv")], [("--out", "s.png"), ("data CSV beside --out", "s.csv")])
    ... except InputError as exc:
    ...     print(exc.issues[0].message)
    Expected outputs that leave this command's inputs alone; writing the data CSV beside --out s.csv would replace the survey file s.csv. Fix: choose another output name.
    """
    given_inputs = [(what, Path(p)) for what, p in inputs if p is not None and str(p) != STDOUT]
    issues = []
    for out_what, out in outputs:
        if out is None or str(out) == STDOUT:
            continue
        for in_what, inp in given_inputs:
            if same_file(out, inp):
                issues.append(
                    Issue(
                        None,
                        out_what,
                        str(out),
                        f"Expected outputs that leave this command's inputs alone; writing the {out_what} {out} "
                        f"would replace the {in_what} {inp}. Fix: choose another output name.",
                    )
                )
                break
    if issues:
        raise InputError(issues)


def refuse_stdout(option: str, fmt: str) -> InputError:
    """The error for ``--out -`` with a format that is not text (an image, a PDF, an HTML map with files beside it)."""
    return InputError(
        [
            Issue(
                None,
                option,
                STDOUT,
                f"Expected a file name for {option}; '-' (standard output) is only for CSV and GeoJSON, and "
                f"this writes {fmt.upper()}. Fix: give a file name, e.g. {option} map.{fmt.lower()}.",
            )
        ]
    )
