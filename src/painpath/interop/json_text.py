"""Reading JSON that a person or another program wrote: every way it can be unusable
becomes one plain sentence (JSONTextError), never a traceback. Beyond malformed text,
Python's parser also fails on integers of more than 4,300 digits (ValueError) and on
nesting deeper than the recursion limit (RecursionError)."""

from __future__ import annotations

import json
from typing import Any


class JSONTextError(ValueError):
    """Why a text is not usable JSON, in words."""


def loads(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise JSONTextError(
            f"not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except UnicodeDecodeError:
        raise JSONTextError("not valid JSON (the text is not UTF-8)") from None
    except RecursionError:
        raise JSONTextError("not usable: the JSON is nested too deeply") from None
    except ValueError as error:  # e.g. "Exceeds the limit (4300 digits) ..."
        if "digits" in str(error):
            raise JSONTextError("not usable: a number in it has too many digits") from None
        raise JSONTextError(f"not valid JSON ({error})") from None
