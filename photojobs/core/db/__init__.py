"""The library's SQLite database: schema, migrations and sessions."""

from photojobs.core.db.database import Database, DatabaseError
from photojobs.core.db.migrations import LATEST_VERSION

__all__ = ["LATEST_VERSION", "Database", "DatabaseError"]
