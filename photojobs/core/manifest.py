"""`.project.yaml`: the project's own record of itself, readable by other tools."""

from __future__ import annotations

import os
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from photojobs.core.paths import MANIFEST_NAME

MANIFEST_VERSION = 1
MAX_MANIFEST_BYTES = 64 * 1024  # a manifest is a few lines; anything larger is not one
MAX_NAME_CHARS = 200


class ManifestError(ValueError):
    """The manifest is missing, unreadable or malformed; the message names the file."""


@dataclass(frozen=True)
class Manifest:
    name: str
    id: str
    created_at: str
    version: int = MANIFEST_VERSION

    @staticmethod
    def new(name: str) -> Manifest:
        """A new project's manifest; a name from a folder is shortened to what reads back."""
        now = datetime.now(UTC).replace(microsecond=0).isoformat()
        return Manifest(name=clip_project_name(name), id=str(uuid.uuid4()), created_at=now)


def project_name_problem(name: str) -> str | None:
    """Why `name` cannot be a project's display name, or None. Checked where a name comes
    in (create, rename), so no manifest is ever written that `read_manifest` refuses."""
    stripped = name.strip()
    if not stripped:
        return "a project needs a name"
    if len(stripped) > MAX_NAME_CHARS:
        return (
            f"a project name can have at most {MAX_NAME_CHARS} characters "
            f"(this one has {len(stripped)})"
        )
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in stripped):
        return "a project name cannot hold control characters or text that is not valid"
    return None


def clip_project_name(name: str) -> str:
    """A name that reads back: control characters dropped, at most MAX_NAME_CHARS."""
    kept = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cs"))
    return kept.strip()[:MAX_NAME_CHARS].strip() or "Untitled project"


def manifest_path(project_dir: Path) -> Path:
    return project_dir / MANIFEST_NAME


def read_manifest(project_dir: Path) -> Manifest:
    path = manifest_path(project_dir)
    if path.is_symlink():
        raise ManifestError(f"{path}: the project manifest is a link; it is not followed")
    try:
        text = path.read_text("utf-8")
        if len(text) > MAX_MANIFEST_BYTES:
            raise ManifestError(f"{path}: the project manifest is too large to be one")
        data = yaml.safe_load(text)
    except FileNotFoundError as e:
        raise ManifestError(f"{path}: no project manifest") from e
    except (OSError, UnicodeDecodeError) as e:
        raise ManifestError(f"{path}: cannot read the project manifest ({e})") from e
    except yaml.YAMLError as e:
        raise ManifestError(f"{path}: the project manifest is not valid YAML") from e
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: the project manifest is not a mapping")
    name, pid = data.get("name"), data.get("id")
    if not isinstance(name, str | int | float) or not str(name).strip():
        raise ManifestError(f"{path}: the project manifest lacks a valid name")
    if len(str(name)) > MAX_NAME_CHARS:
        raise ManifestError(f"{path}: the project name is longer than {MAX_NAME_CHARS} characters")
    try:
        pid = str(uuid.UUID(str(pid)))
    except ValueError as e:
        raise ManifestError(f"{path}: the project manifest lacks a valid id") from e
    name = str(name)
    try:
        version = int(data.get("version", MANIFEST_VERSION))
    except (TypeError, ValueError) as e:
        raise ManifestError(f"{path}: the project manifest has no valid version") from e
    return Manifest(
        name=name,
        id=pid,
        created_at=str(data.get("created_at", "")),
        version=version,
    )


def write_manifest(project_dir: Path, manifest: Manifest) -> None:
    """Written to a temporary name and renamed, so a crash never leaves half a manifest.
    A name `read_manifest` would refuse is refused here, not written to be read as broken."""
    path = manifest_path(project_dir)
    if len(manifest.name.strip()) > MAX_NAME_CHARS or not manifest.name.strip():
        raise ManifestError(f"{path}: not written: {project_name_problem(manifest.name)}")
    tmp = path.with_name(path.name + ".tmp")
    text = yaml.safe_dump(
        {
            "name": manifest.name,
            "id": manifest.id,
            "created_at": manifest.created_at,
            "version": manifest.version,
        },
        allow_unicode=True,
        sort_keys=False,
    )
    tmp.unlink(missing_ok=True)  # never write through a link left under this name
    with open(tmp, "x", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
