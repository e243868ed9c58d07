"""Shared request parameter types."""

from typing import Annotated

from fastapi import Path

# Record ids are 32-bit integers in both databases: anything larger is simply not a record
# (a 404 page or a 422), never an overflow deep in the database driver.
RecordId = Annotated[int, Path(ge=1, le=2_147_483_647)]
