"""One shape, ``Issue(row, column, value, message)``, for every problem with input, and its plain-text list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# A command's positional arguments as its usage names them (not a spreadsheet's column letters, such as "D").
ARGUMENTS = frozenset({"OUT", "ID", "BATCH", "FILE"})


@dataclass(frozen=True)
class Issue:
    """A problem found in input.

    ``row`` is the row number as a spreadsheet shows it (header = row 1), or None for a whole-file problem.
    ``message`` says what was expected, what was found and how to fix it.
    """

    row: int | None
    column: str | None
    value: str | None
    message: str

    def format(self, with_value: bool = False) -> str:
        """Where, then the message; ``with_value`` adds the cell as found (a preview lists it)."""
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column and self.column.startswith("-"):
            where.append(f"option {self.column}")  # a command-line option, not a column of a file
        elif self.column in ARGUMENTS:
            where.append(f"argument {self.column}")  # a command's argument as its usage names it (OUT, BATCH)
        elif self.column:
            where.append(f"column '{self.column}'")
        if with_value and self.value is not None:
            where.append(f"value {str(self.value)!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


class InputError(Exception):
    """Raised with every problem found at once; nothing has been written when it is raised."""

    def __init__(self, issues: Iterable[Issue]):
        self.issues = list(issues)
        super().__init__(format_issues(self.issues))


def format_issues(issues: list[Issue], with_values: bool = False) -> str:
    """The list the CLI prints and the app shows, one problem a line.

    >>> print(format_issues([Issue(3, "where_do_you_work", "Mars", "Expected a UK nation or region.")]))
    1 problem found:
      - row 3, column 'where_do_you_work': Expected a UK nation or region.
    """
    noun = "problem" if len(issues) == 1 else "problems"
    lines = [f"{len(issues)} {noun} found:"]
    lines += [f"  - {issue.format(with_values)}" for issue in issues]
    return "\n".join(lines)
