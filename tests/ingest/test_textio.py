"""Physical line numbers of records, as the CSV reader sees them (quoted newlines, blank lines, bare quotes)."""

from __future__ import annotations

import numpy as np
import pytest

from litterhub.ingest.textio import iter_record_lines, open_table, sniff


@pytest.mark.parametrize(
    ("text", "expected_lines", "rows"),
    [
        (b'a,b,c\n1,"x\ny",3\n\n4,5,6\n', [1, 2, 5], 2),  # quoted newline and a blank line
        (b'a,b,c\r\n1,2,3\r\n4,5,6', [1, 2, 3], 2),  # CRLF, no final newline
        (b'a,b,c\n1,x"y,3\n4,5,6\n', [1, 2, 3], 2),  # a bare quote inside an unquoted value is literal
        (b'a,b,c\n1,"say ""hi""",3\n4,5,6\n', [1, 2, 3], 2),  # escaped quotes inside a quoted value
        (b'a;b;c\n1;x"y;3\n"4\n4";5;6\n', [1, 2, 3], 2),  # semicolon-separated, bare quote then multi-line
    ],
)
def test_record_lines_match_the_reader(tmp_path, text, expected_lines, rows):
    path = tmp_path / "t.csv"
    path.write_bytes(text)
    info = sniff(path)
    assert np.concatenate(list(iter_record_lines(path, delimiter=info.delimiter))).tolist() == expected_lines
    _, batches, rejected = open_table(info)
    got = [(b.num_rows, lines.tolist()) for b, lines in batches]
    assert sum(n for n, _ in got) == rows and not rejected
    assert [ln for _, lines in got for ln in lines] == expected_lines[1:]
