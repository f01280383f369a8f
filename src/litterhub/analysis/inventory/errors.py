"""Errors for people: every rejected inventory input names its line, field, a stable code and a message.

Codes follow the frictionless style (kebab-case); the ones specific to the hub start with `litter-`.
An input with any issue is rejected whole, so nothing is ever computed from half-valid data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

MISSING_LABEL = "missing-label"
MISSING_CELL = "missing-cell"
TYPE_ERROR = "type-error"
SHARE_OUT_OF_RANGE = "litter-share-out-of-range"
NEGATIVE_VALUE = "litter-negative-value"
UNKNOWN_COUNTRY = "litter-unknown-country"
NO_MODEL_INPUTS = "litter-no-model-inputs"
UNKNOWN_SCENARIO = "litter-unknown-scenario"
YEAR_OUT_OF_RANGE = "litter-year-out-of-range"
SOURCE_TABLE_MISSING = "litter-source-table-missing"
INVALID_PARAMETER = "litter-invalid-parameter"
EMPTY_INPUT = "litter-empty-input"
ENCODING_ERROR = "encoding-error"


@dataclass(frozen=True)
class InputIssue:
    """One problem with one input value; `line` is the 1-based line of a CSV file (header = 1)."""

    code: str
    message: str
    line: int | None = None
    field: str | None = None

    def describe(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field is not None:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.code}: {self.message}" if prefix else f"{self.code}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class InventoryInputError(ValueError):
    """Raised when inventory inputs are unusable; carries every issue found, not just the first."""

    def __init__(self, issues: list[InputIssue]) -> None:
        self.issues = list(issues)
        super().__init__("; ".join(issue.describe() for issue in self.issues))

    @classmethod
    def single(
        cls, code: str, message: str, *, line: int | None = None, field: str | None = None
    ) -> InventoryInputError:
        return cls([InputIssue(code=code, message=message, line=line, field=field)])

    @property
    def code(self) -> str:
        return self.issues[0].code if self.issues else "litter-invalid-input"
