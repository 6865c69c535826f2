"""What the library holds, read for the screens: queries that return plain records.

The interface asks here and formats the answers; it never builds SQL or touches the ORM.
`Database` is re-exported so a screen can hold the library's handle without importing
`photojobs.core.db` (an import-linter contract forbids that)."""

from photojobs.core.db import Database, DatabaseError

__all__ = ["Database", "DatabaseError"]
