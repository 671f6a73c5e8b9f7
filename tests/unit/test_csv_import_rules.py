"""Reading an import file (webapp/domain/csv_import.py): rows, fields, groups and the reasons a person reads."""
import pytest

from webapp.domain.csv_import import (
    Column,
    FileError,
    Layout,
    TooManyRows,
    echo,
    parse_file,
    quantity,
    text,
)

ORDERS = Layout(key="number", lines=True, columns=(
    Column("number", text(64), required=True, per_number=True),
    Column("item", text(64), required=True),
    Column("qty", quantity(1, 1_000_000), required=True),
    Column("warehouse", text(64), per_number=True),
))


def test_a_cell_that_looks_like_a_formula_is_echoed_as_text_never_as_a_formula():
    for cell in ("=1+1", "+1", "-2", "@SUM(A1)", "\t=x"):
        assert echo(cell).startswith("'"), cell
    assert echo("SKU-1") == "SKU-1"
    assert echo("x" * 100) == "x" * 40 + "…"
    assert echo("a\x00b\x1bc") == "a?b?c"


def test_rows_of_one_number_make_one_order_with_its_lines_in_file_order():
    parsed = parse_file(b"Number, Item ,QTY\nSO-1,SKU-1,2\nSO-2,SKU-1,1\nSO-1,SKU-2,3.0\n", ORDERS)
    assert parsed.bad == [] and parsed.rows == 3
    assert [(g.key, g.rows, g.lines) for g in parsed.groups] == [
        ("SO-1", [2, 4], [{"item": "SKU-1", "qty": 2}, {"item": "SKU-2", "qty": 3}]),
        ("SO-2", [3], [{"item": "SKU-1", "qty": 1}])]


def test_a_row_is_numbered_where_it_starts_in_the_file_even_after_a_cell_over_two_lines():
    data = b'number,item,qty\nSO-1,"SKU\n1",2\n\nSO-2,SKU-1,x\n'
    parsed = parse_file(data, ORDERS)
    assert [(b.row, b.code) for b in parsed.bad] == [(5, "invalid_quantity")]
    assert parsed.groups[0].lines == [{"item": "SKU\n1", "qty": 2}]


def test_bytes_that_are_not_utf8_spoil_their_row_only_and_a_bom_is_no_column_name():
    parsed = parse_file("\ufeffnumber,item,qty\n".encode() + b"SO-1,Caf\xe9,1\nSO-2,SKU-1,1\n", ORDERS)
    assert [(b.row, b.code, b.number) for b in parsed.bad] == [(2, "wrong_encoding", "SO-1")]
    assert [g.key for g in parsed.groups] == ["SO-2"]


def test_one_bad_line_keeps_its_whole_order_out_and_says_which_row_is_to_blame():
    parsed = parse_file(b"number,item,qty\nSO-1,SKU-1,1\nSO-1,,1\nSO-1,SKU-3,0\n", ORDERS)
    assert [(b.row, b.code) for b in parsed.bad] == [(2, "number_has_bad_row"), (3, "missing_field"),
                                                     (4, "invalid_quantity")]
    assert "rows 3, 4" in parsed.bad[0].reason and parsed.groups == []


def test_one_number_with_two_warehouses_is_a_duplicate_number_on_each_of_its_rows():
    parsed = parse_file(b"number,item,qty,warehouse\nSO-1,SKU-1,1,WH1\nSO-1,SKU-2,1,WH2\n", ORDERS)
    assert [(b.row, b.code) for b in parsed.bad] == [(2, "duplicate_number"), (3, "duplicate_number")]
    assert "warehouse" in parsed.bad[0].reason


@pytest.mark.parametrize("header, code", [("number,item", "missing_column"), ("number,item,qty,qty", "duplicate_column"),
                                          ("number,item,qty,=cmd()", "unknown_column"), ("", "empty_file")])
def test_a_header_that_cannot_be_read_refuses_the_whole_file_naming_the_column(header, code):
    with pytest.raises(FileError) as refused:
        parse_file(header.encode() + b"\nSO-1,SKU-1,1\n" if header else b"\n\n", ORDERS)
    assert refused.value.code == code
    assert "=cmd" not in refused.value.message.replace("'=cmd", "")


def test_a_row_with_more_filled_cells_than_columns_is_bad_but_trailing_empty_cells_are_fine():
    parsed = parse_file(b"number,item,qty\nSO-1,SKU-1,1,,\nSO-2,SKU-1,1,surprise\n", ORDERS)
    assert [(b.row, b.code) for b in parsed.bad] == [(3, "too_many_cells")]


def test_a_file_longer_than_the_limit_is_refused_as_too_large():
    with pytest.raises(TooManyRows):
        parse_file(b"number,item,qty\n" + b"SO-1,SKU-1,1\n" * 1001, ORDERS)


def test_a_unicode_line_separator_inside_a_cell_does_not_split_the_row():
    parsed = parse_file("number,item,qty\nSO-1,SKU\u20281,2\nSO-2,SKU-1,1\r\nSO-3,SKU-1,1\r".encode(), ORDERS)
    assert parsed.bad == [] and [g.rows for g in parsed.groups] == [[2], [3], [4]]


def test_a_bad_row_whose_number_is_a_formula_is_reported_with_the_formula_defused():
    parsed = parse_file(b'number,item,qty\n"=HYPERLINK(""http://evil"",""x"")",SKU-1,0\n', ORDERS)
    [bad] = [b.as_json() for b in parsed.bad]
    assert bad["number"].startswith("'=HYPERLINK") and bad["code"] == "invalid_quantity"
