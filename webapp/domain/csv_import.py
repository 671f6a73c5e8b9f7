"""CSV imports: a file's bytes → its rows, each row's fields checked, rows grouped by number, and every bad
row with its reason. Nothing here knows the database: whether an item exists is the service's question.

A file is refused whole (400) only when its header cannot be read; after that each row stands alone, so
one bad row never hides the good ones. Rows of one number (an order, a purchase order) stand or fall
together: an order is never created with a line missing.
"""
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from webapp.domain.clock import parse_date_or_instant
from webapp.domain.errors import DomainError

MAX_ROWS = 1000  # one request: at ~30 ms an order a bigger file would outlast an HTTP timeout; split it
MAX_ECHO = 40  # characters of a cell repeated back in a reason
# Quantities on a line and stock figures of an item: the API's own limits (web/api/schema.py Quantity()).
LINE_QTY = (1, 1_000_000)
STOCK_FIGURE = (0, 10_000_000)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
WHOLE = re.compile(r"[+]?[0-9]{1,9}(\.0*)?")
DECIMAL = re.compile(r"[0-9]{1,12}(\.[0-9]{1,6})?")


class FileError(DomainError):
    """The file as a whole cannot be read (its header): a 400 naming what is wrong."""


class TooManyRows(FileError):
    status = 413


class RowError(Exception):
    """One row (or, from a service, one line of a number) is bad: a stable code and a reason for a person."""

    def __init__(self, code: str, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.code, self.reason, self.line = code, reason, line


class BadLines(Exception):
    """Several lines of one number are bad at once (a service found two unknown items): `errors` are RowErrors
    whose `line` is the index in the group's lines."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(e.reason for e in errors))
        self.errors = errors


def echo(value: Any) -> str:
    """A cell repeated back to a person, safe to paste into a spreadsheet: short, no control characters, and
    never read as a formula (a leading = + - @ gets a ' in front, as spreadsheets themselves do)."""
    text = CONTROL.sub("?", str(value)).replace("\n", " ").replace("\r", " ")
    if len(text) > MAX_ECHO:
        text = text[:MAX_ECHO] + "…"
    return "'" + text if text.startswith(FORMULA_START) else text


# --- what one cell may hold -------------------------------------------------------------------------------

def _clean(name: str, raw: str, max_length: int) -> str:
    value = raw.strip()
    if CONTROL.search(value):
        raise RowError("invalid_text", f"{name} holds control characters")
    if len(value) > max_length:
        raise RowError("invalid_field", f"{name} is longer than {max_length} characters")
    return value


def text(max_length: int) -> Callable[[str, str], str]:
    return lambda name, raw: _clean(name, raw, max_length)


def quantity(low: int, high: int) -> Callable[[str, str], int]:
    def parse(name: str, raw: str) -> int:
        value = raw.strip()
        if not WHOLE.fullmatch(value) or not low <= int(Decimal(value)) <= high:
            raise RowError("invalid_quantity", f"{name} must be a whole number from {low} to {high}, not "
                                               f"“{echo(value)}”")
        return int(Decimal(value))
    return parse


def decimal(low: int, high: int) -> Callable[[str, str], str]:
    """A decimal number kept as written (a price): "1.50" stays "1.50"."""
    def parse(name: str, raw: str) -> str:
        value = raw.strip()
        try:
            ok = bool(DECIMAL.fullmatch(value)) and low <= Decimal(value) <= high
        except InvalidOperation:
            ok = False
        if not ok:
            raise RowError("invalid_field", f"{name} must be a number from {low} to {high}, not “{echo(value)}”")
        return value
    return parse


def choice(values: tuple[str, ...]) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        value = raw.strip()
        if value not in values:
            raise RowError("invalid_field", f"{name} must be one of {', '.join(values)}, not “{echo(value)}”")
        return value
    return parse


def date_or_instant(name: str, raw: str) -> datetime:
    try:
        return parse_date_or_instant(_clean(name, raw, 40))
    except ValueError:
        raise RowError("invalid_field", f"{name} must be a date (YYYY-MM-DD) or a time with an offset, not "
                                        f"“{echo(raw.strip())}”") from None


def code_list(max_length: int, most: int) -> Callable[[str, str], list[str]]:
    """Several codes in one cell, separated by ; or | (a comma would split the cell)."""
    def parse(name: str, raw: str) -> list[str]:
        codes = [_clean(name, part, max_length) for part in re.split(r"[;|]", raw)]
        codes = [c for c in codes if c]
        if len(codes) > most:
            raise RowError("invalid_field", f"{name} holds more than {most} codes")
        return codes
    return parse


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str, str], Any]
    required: bool = False
    default: Any = None
    per_number: bool = False  # the same on every row of one number (an order's warehouse), not per line


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of file. `key`: the column that groups rows (an order's number, an item's SKU).
    `lines`: several rows of one key are the lines of one record; without it a key appears once."""

    key: str
    columns: tuple[Column, ...]
    lines: bool


@dataclass
class Group:
    """One record to create: the rows it came from, its per-number fields and its lines."""

    key: str
    rows: list[int]
    fields: dict
    lines: list[dict] = field(default_factory=list)
    filled: frozenset = frozenset()  # the fields its first row fills in (an empty or missing one takes its default)


@dataclass
class BadRow:
    row: int
    code: str
    reason: str
    number: str | None = None

    def as_json(self) -> dict:
        # The reason may hold what a service said about a cell: made as safe as the cells it quotes.
        reason = CONTROL.sub("?", self.reason)
        answer = {"row": self.row, "code": self.code, "reason": "'" + reason if reason.startswith(FORMULA_START) else reason}
        if self.number is not None:
            answer["number"] = echo(self.number)
        return answer


@dataclass
class ParsedFile:
    rows: int
    groups: list[Group]
    bad: list[BadRow]

    def refuse_group(self, group: Group, error: "BadLines | RowError | DomainError") -> None:
        """The service found `group` bad: each row it names gets its own reason, the others say why they wait."""
        if isinstance(error, BadLines):
            errors = error.errors
        elif isinstance(error, RowError):
            errors = [error]
        else:  # a DomainError: about the whole number (unknown supplier, idempotency_conflict)
            errors = [RowError(error.code, error.message)]
        named = {}
        for err in errors:
            targets = [group.rows[err.line]] if err.line is not None and 0 <= err.line < len(group.rows) else group.rows
            for row in targets:
                named.setdefault(row, (err.code, err.reason))
        for row in group.rows:
            code, reason = named.get(row) or ("number_has_bad_row", _waits(group.key, sorted(named)))
            self.bad.append(BadRow(row, code, reason, group.key))
        self.bad.sort(key=lambda b: b.row)


def _waits(key: str, bad_rows: list[int]) -> str:
    rows = ", ".join(str(r) for r in bad_rows)
    return f"{echo(key)} also has bad row{'s' if len(bad_rows) > 1 else ''} {rows}: nothing of it is imported"


def _header_name(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.strip().lower())


def _columns(header: list[str], layout: Layout) -> list[Column | None]:
    known = {c.name: c for c in layout.columns}
    names = [_header_name(cell) for cell in header]
    if any("\udc80" <= ch <= "\udcff" for name in names for ch in name):
        raise FileError("wrong_encoding", "the header row is not UTF-8: save the file as CSV UTF-8")
    unknown = [n for n in names if n and n not in known]
    if unknown:
        raise FileError("unknown_column", f"unknown column {echo(unknown[0])}: the columns are "
                                          f"{', '.join(known)}", column=echo(unknown[0]), columns=list(known))
    twice = sorted({n for n in names if n and names.count(n) > 1})
    if twice:
        raise FileError("duplicate_column", f"column {twice[0]} appears twice", column=twice[0])
    missing = [c.name for c in layout.columns if c.required and c.name not in names]
    if missing:
        raise FileError("missing_column", f"the file has no column {', '.join(missing)} (the first row names the "
                                          f"columns)", missing=missing, columns=list(known))
    return [known.get(n) for n in names]


def _records(data: bytes):
    """(first line number, cells) of each record. Bytes that are not UTF-8 become lone surrogates, so a row is
    found bad on its own instead of the whole file failing to decode."""
    body = data.decode("utf-8", errors="surrogateescape")
    body = body.removeprefix("\ufeff")
    # newline="": the csv module finds line ends itself (a quoted cell may hold one; U+2028 is no line end).
    reader = csv.reader(io.StringIO(body, newline=""))
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as err:
        raise FileError("invalid_csv", f"row {line} cannot be read as CSV: {echo(err)}", row=line) from None


def _row_fields(cells: list[str], columns: list[Column | None]) -> dict:
    """The row's fields by column name; RowError for the first cell that is wrong."""
    if any(cell.strip() for cell in cells[len(columns):]):
        raise RowError("too_many_cells", f"the row has {len(cells)} cells; the header names {len(columns)}")
    if any("\udc80" <= ch <= "\udcff" for cell in cells for ch in cell):
        raise RowError("wrong_encoding", "the row is not UTF-8: save the file as CSV UTF-8")
    values = {}
    for column, cell in zip(columns, cells):
        if column is None:
            continue
        if not cell.strip():
            if column.required:
                raise RowError("missing_field", f"{column.name} is empty")
            continue
        values[column.name] = column.parse(column.name, cell)
    for column in columns:
        if column is not None and column.required and column.name not in values:
            raise RowError("missing_field", f"{column.name} is empty")
    return values


def _key_of(cells: list[str], columns: list[Column | None], layout: Layout) -> str | None:
    """The row's number even when another cell is bad, so that its group falls with it."""
    for column, cell in zip(columns, cells):
        if column is not None and column.name == layout.key:
            value = cell.strip()
            return value if value and not any("\udc80" <= ch <= "\udcff" for ch in value) else None
    return None


def parse_file(data: bytes, layout: Layout) -> ParsedFile:
    records = _records(data)
    header = next(((n, cells) for n, cells in records if any(c.strip() for c in cells)), None)
    if header is None:
        raise FileError("empty_file", "the file is empty: the first row names the columns")
    columns = _columns(header[1], layout)
    per_number = [c.name for c in layout.columns if c.per_number]
    bad: list[BadRow] = []
    groups: dict[str, Group] = {}
    fields_by_row: dict[int, dict] = {}
    rows = 0
    for row, cells in records:
        if not any(cell.strip() for cell in cells):
            continue  # a blank row separates nothing and is not counted
        rows += 1
        if rows > MAX_ROWS:
            raise TooManyRows("too_many_rows", f"the file has more than {MAX_ROWS} rows: split it", limit_rows=MAX_ROWS)
        key = _key_of(cells, columns, layout)
        try:
            values = _row_fields(cells, columns)
        except RowError as err:
            bad.append(BadRow(row, err.code, err.reason, key))
            values = None
        if key is None:
            continue
        group = groups.setdefault(key, Group(key=key, rows=[], fields={}))
        group.rows.append(row)
        if values is not None:
            fields_by_row[row] = values
    bad_rows = {b.row for b in bad}
    good_groups = []
    for group in groups.values():
        clash = _clash(group, fields_by_row, per_number, layout)
        if clash:
            for row in group.rows:
                if row not in bad_rows:
                    bad.append(BadRow(row, "duplicate_number", clash, group.key))
            continue
        failed = sorted(r for r in group.rows if r in bad_rows)
        if failed:
            bad.extend(BadRow(r, "number_has_bad_row", _waits(group.key, failed), group.key)
                       for r in group.rows if r not in bad_rows)
            continue
        first = fields_by_row[group.rows[0]]
        group.filled = frozenset(first)
        group.fields = {c.name: first.get(c.name, c.default) for c in layout.columns if c.per_number or not layout.lines}
        if layout.lines:
            group.lines = [{c.name: fields_by_row[r].get(c.name, c.default) for c in layout.columns if not c.per_number}
                           for r in group.rows]
        good_groups.append(group)
    return ParsedFile(rows=rows, groups=good_groups, bad=sorted(bad, key=lambda b: b.row))


def _clash(group: Group, fields_by_row: dict[int, dict], per_number: list[str], layout: Layout) -> str | None:
    """Rows of one number that disagree: for a kind without lines every field must agree, else the
    per-number ones (an order's warehouse). The reason names the rows and the first field that differs."""
    parsed = [fields_by_row[r] for r in group.rows if r in fields_by_row]
    if len(parsed) < 2:
        return None
    names = [c.name for c in layout.columns] if not layout.lines else per_number
    for name in names:
        if len({repr(p.get(name)) for p in parsed}) > 1:
            rows = ", ".join(str(r) for r in group.rows)
            return f"{echo(group.key)} appears in rows {rows} with different {name}"
    return None
