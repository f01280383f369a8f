"""Errors for people: every rejected inventory input names its line, field, a stable code and a message.

Codes follow the frictionless style (kebab-case); the ones specific to the hub start with `litter-`.
An input with any issue is rejected whole, so nothing is ever computed from half-valid data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from litterhub.errors import InvalidInput

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


# Statuses other than 400 by code (the interfaces answer these; an uploaded table that is refused is a 422).
STATUS_BY_CODE = {"litter-no-model-inputs": 404, "litter-source-table-missing": 503, "litter-not-found": 404}


class InventoryInputError(InvalidInput, ValueError):
    """Raised when inventory inputs are unusable; carries every issue found, not just the first."""

    status_override: int | None = None

    def __init__(self, issues: list[InputIssue]) -> None:
        self.issues = list(issues)
        super().__init__("; ".join(issue.describe() for issue in self.issues))

    @classmethod
    def single(
        cls, code: str, message: str, *, line: int | None = None, field: str | None = None
    ) -> InventoryInputError:
        return cls([InputIssue(code=code, message=message, line=line, field=field)])

    @property
    def status(self) -> int:
        """The HTTP status of the first issue: missing model inputs are a 404, a missing source table a 503."""
        return STATUS_BY_CODE.get(self.code, self.status_override or 400)

    @status.setter
    def status(self, value: int) -> None:
        self.status_override = value

    @property
    def errors(self) -> list[dict[str, object]]:  # type: ignore[override]
        """Every issue as {code, message, line, field}: the problem document's `errors`."""
        return [issue.as_dict() for issue in self.issues]

    @property
    def code(self) -> str:
        return self.issues[0].code if self.issues else "litter-invalid-input"
