"""CSV imports, one kind per module: each gives its columns (a Layout) and how one group of rows becomes one
record (`import_group`, answering "created" or "already_there", raising for a bad group).

Each number is its own transaction: a bad one is undone alone and never blocks the good ones, and a long file
never holds the database (SQLite's one writer) away from the floor's scans between numbers. A file cut short
(a crash, a timeout) is finished by importing it again. A dry run does exactly the same work and rolls each
transaction back, so what it promises is what the real import does.
"""
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from webapp.domain.csv_import import BadLines, Group, Layout, RowError, echo, parse_file
from webapp.domain.errors import DomainError
from webapp.services.catalogue import find_item


@dataclass(frozen=True)
class ImportKind:
    name: str  # the path: /api/v1/imports/<name>
    layout: Layout
    roles: tuple[str, ...]
    import_group: Callable[[Session, Group, int | None], str]


class _Undo(Exception):
    """Leaves a dry run's transaction, undoing what it did."""


def run_import(unit_of_work: Callable[[], AbstractContextManager[Session]], kind: ImportKind, data: bytes, *,
               dry_run: bool, user_id: int | None) -> dict:
    parsed = parse_file(data, kind.layout)
    created, already_there = [], []
    for group in parsed.groups:
        try:
            with unit_of_work() as session:
                outcome = kind.import_group(session, group, user_id)
                if dry_run:
                    raise _Undo  # the unit of work rolls back on any exception
        except _Undo:
            pass
        except (DomainError, RowError, BadLines) as err:
            parsed.refuse_group(group, err)
            continue
        (created if outcome == "created" else already_there).append(group.key)
    bad_rows = {b.row for b in parsed.bad}
    return {"kind": kind.name, "dry_run": dry_run, "rows": parsed.rows, "good": parsed.rows - len(bad_rows),
            "bad": [b.as_json() for b in parsed.bad], ("would_create" if dry_run else "created"): created,
            "already_there": already_there}


def resolve_lines(session: Session, group: Group) -> list[tuple[int, int]]:
    """(item id, quantity in base units) of each line; every unknown item or quantity too large named at once."""
    resolved, errors = [], []
    for n, line in enumerate(group.lines):
        scanned = find_item(session, line["item"])
        if scanned is None:
            errors.append(RowError("unknown_item", f"no item “{echo(line['item'])}”", line=n))
            continue
        try:
            resolved.append((scanned.item.id, scanned.to_base(line["qty"])))
        except DomainError as err:
            errors.append(RowError(err.code, err.message, line=n))
    if errors:
        raise BadLines(errors)
    return resolved
