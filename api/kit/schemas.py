"""Base model and string types for every request and response body."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

# Control characters are never meaningful in what a person typed, and NUL breaks
# PostgreSQL text columns; newlines and tabs stay allowed in free text.
# Lone surrogates cannot be stored or encrypted as UTF-8, so they are refused as well.
_TEXT_CHARS = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]"
_LINE_CHARS = r"[^\x00-\x1f\x7f\ud800-\udfff]"
TEXT_PATTERN = f"^{_TEXT_CHARS}*$"
LINE_PATTERN = f"^{_LINE_CHARS}*$"
_FORBIDDEN_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_FORBIDDEN_IN_LINE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def _no_control_characters(value: str) -> str:
    if _FORBIDDEN_IN_TEXT.search(value):
        raise ValueError("must not contain control characters")
    return value


def _single_line(value: str) -> str:
    if _FORBIDDEN_IN_LINE.search(value):
        raise ValueError("must be a single line without control characters")
    return value


def free_text(max_length: int, min_length: int = 0) -> type[str]:
    """A person's or a case manager's words: multi-line, bounded, no control characters."""
    return Annotated[  # type: ignore[return-value]
        str,
        StringConstraints(min_length=min_length, max_length=max_length),
        AfterValidator(_no_control_characters),
        # Documented in the schema; enforced by the validator, which words the error.
        Field(json_schema_extra={"pattern": TEXT_PATTERN}),
    ]


def line(max_length: int, min_length: int = 0) -> type[str]:
    """A short single-line value such as a name, a district or a reference."""
    return Annotated[  # type: ignore[return-value]
        str,
        StringConstraints(min_length=min_length, max_length=max_length, strip_whitespace=True),
        AfterValidator(_single_line),
        Field(json_schema_extra={"pattern": LINE_PATTERN}),
    ]


class StrictModel(BaseModel):
    """Request bodies: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
