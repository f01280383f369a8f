"""One error type for broken vocabulary files, so every check names the file, the line and the field."""

from __future__ import annotations

from litterhub.errors import InvalidInput


class VocabError(InvalidInput, ValueError):
    """A vocabulary or crosswalk file violates a rule (duplicate id, dangling reference, cycle ...).

    `code` is stable (kebab-case, prefixed `litter-vocab-`) so tests and tools can match on it.
    """

    def __init__(self, code: str, file: str, line: int | None, field: str | None, message: str) -> None:
        self.code = code
        self.file = file
        self.line = line
        self.field = field
        where = file + (f" line {line}" if line is not None else "") + (f" field '{field}'" if field else "")
        super().__init__(f"[{code}] {where}: {message}")
