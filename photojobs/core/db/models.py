"""ORM view of the schema that `migrations.py` builds (a test keeps the two in step)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str]
    folder: Mapped[str] = mapped_column(unique=True)
    created_at: Mapped[float]
    manifest_error: Mapped[str | None]
    # Set while the folder waits in `<library>/.trash/` (then `folder` is `.trash/<name>`).
    deleted_at: Mapped[float | None]


class Photo(Base):
    __tablename__ = "photos"
    __table_args__ = (
        UniqueConstraint("project_id", "base"),
        Index("photos_project_date", "project_id", "date_taken"),
        Index("photos_project_rating", "project_id", "rating"),
        Index("photos_project_name", "project_id", "natural_name"),
        Index(  # the grid's order by date: undated last, then by name (schema v8)
            "photos_project_taken_name",
            "project_id",
            text("date_taken IS NULL"),
            "date_taken",
            "natural_name",
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    base: Mapped[str]
    natural_name: Mapped[str | None]  # `base` in natural order as text (core/natural.py)
    files_json: Mapped[str] = mapped_column(default="[]")
    jpg_available: Mapped[bool] = mapped_column(default=False)
    raw_available: Mapped[bool] = mapped_column(default=False)
    other_available: Mapped[bool] = mapped_column(default=False)
    keep_jpg: Mapped[bool] = mapped_column(default=False)
    keep_raw: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[float]
    updated_at: Mapped[float]
    date_taken: Mapped[str | None]
    date_source: Mapped[str | None]
    camera_make: Mapped[str | None]
    camera_model: Mapped[str | None]
    lens: Mapped[str | None]
    width: Mapped[int | None]
    height: Mapped[int | None]
    iso: Mapped[int | None]
    exposure_time: Mapped[str | None]
    aperture: Mapped[float | None]
    focal_length: Mapped[float | None]
    metadata_json: Mapped[str | None]
    thumbnail_status: Mapped[str] = mapped_column(default="pending")
    thumbnail_error: Mapped[str | None]
    preview_status: Mapped[str] = mapped_column(default="pending")
    preview_error: Mapped[str | None]
    source_fingerprint: Mapped[str | None]
    rating: Mapped[int] = mapped_column(default=0)
    flag: Mapped[str] = mapped_column(default="none")
    color_label: Mapped[str] = mapped_column(default="none")
    marked_at: Mapped[float | None]  # a mark last changed here (None: never)
    sidecar_synced_at: Mapped[float | None]  # the XMP sidecar last written or read
    sidecar_mtime_ns: Mapped[int | None]  # the sidecar's mtime at that moment


class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)


class PhotoTag(Base):
    __tablename__ = "photo_tags"
    __table_args__ = (Index("photo_tags_tag", "tag_id"),)
    photo_id: Mapped[int] = mapped_column(
        ForeignKey("photos.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("jobs_claim", "status", text("priority DESC"), "id"),
        Index("jobs_task", "task_id"),
        Index("jobs_project_status", "project_id", "status"),
        Index("jobs_source", "source", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str]
    status: Mapped[str] = mapped_column(default="queued")
    priority: Mapped[int] = mapped_column(default=50)
    scope: Mapped[str | None]
    project_id: Mapped[str | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    payload_json: Mapped[str] = mapped_column(default="{}")
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    available_at: Mapped[float]
    worker_id: Mapped[str | None]
    heartbeat_at: Mapped[float | None]
    created_at: Mapped[float]
    started_at: Mapped[float | None]
    finished_at: Mapped[float | None]
    error: Mapped[str | None]
    source: Mapped[str] = mapped_column(default="maintenance")
    task_id: Mapped[str | None]
    task_type: Mapped[str | None]
    task_stage: Mapped[int | None]
    cancel_requested: Mapped[bool] = mapped_column(default=False)


class JobItem(Base):
    __tablename__ = "job_items"
    __table_args__ = (
        Index("job_items_job", "job_id", "status"),
        Index("job_items_job_key", "job_id", "key"),
        Index("job_items_photo", "photo_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id", ondelete="SET NULL"))
    key: Mapped[str]
    status: Mapped[str] = mapped_column(default="pending")
    name: Mapped[str | None]  # the file or photo it is about (v9; NULL in older rows)
    message: Mapped[str | None]  # the reason; before v9 it began with the name
    updated_at: Mapped[float | None]


class TrashEntry(Base):
    __tablename__ = "trash_entries"
    __table_args__ = (
        Index("trash_entries_project", "project_id", "status"),
        Index("trash_entries_photo", "photo_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id", ondelete="SET NULL"))
    photo_base: Mapped[str]
    original_name: Mapped[str]
    trash_name: Mapped[str]
    size: Mapped[int | None]
    status: Mapped[str] = mapped_column(default="pending")
    trashed_at: Mapped[float]
    task_id: Mapped[str | None]
    photo_json: Mapped[str | None]
    restore_task_id: Mapped[str | None]


class SkippedFolder(Base):
    """A folder of the library root that could not be read or adopted (reported once)."""

    __tablename__ = "skipped_folders"
    name: Mapped[str] = mapped_column(String, primary_key=True)
    reason: Mapped[str]
    seen_at: Mapped[float]
