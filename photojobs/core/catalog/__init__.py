"""What the library holds, read for the screens: queries that return plain records.

The interface asks here and formats the answers; it never builds SQL or touches the ORM.
The database's handle types are re-exported so the layers above core can hold them
without importing `photojobs.core.db` or SQLAlchemy (import-linter contracts forbid
both): `Database`, its `DatabaseError`, and the `Session` a unit of work hands to core."""

from sqlalchemy.orm import Session

from photojobs.core.db import Database, DatabaseError

__all__ = ["Database", "DatabaseError", "Session"]
