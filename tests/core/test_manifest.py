"""`.project.yaml`: round trip, and clear errors for anything malformed."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml

from photojobs.core.manifest import (
    Manifest,
    ManifestError,
    manifest_path,
    read_manifest,
    write_manifest,
)

GOOD_ID = "0b9f3c1e-5a4d-4e0f-9a7e-2d6c8b1f4a33"


def test_new_manifest_has_a_uuid_and_a_utc_timestamp() -> None:
    m = Manifest.new("Wedding")
    assert m.name == "Wedding" and m.version == 1
    assert str(uuid.UUID(m.id)) == m.id
    assert m.created_at.endswith("+00:00")


@pytest.mark.parametrize("name", ["Wedding", "Été: «Paris» / 東京", "yes", "123", "- a: b"])
def test_round_trip(tmp_path: Path, name: str) -> None:
    m = Manifest.new(name)
    write_manifest(tmp_path, m)
    assert read_manifest(tmp_path) == m
    assert not list(tmp_path.glob("*.tmp")), "the temporary file is renamed away"


def test_manifest_is_plain_yaml_other_tools_can_read(tmp_path: Path) -> None:
    m = Manifest(name="Smith", id=GOOD_ID, created_at="2024-05-01T10:00:00+00:00")
    write_manifest(tmp_path, m)
    data = yaml.safe_load(manifest_path(tmp_path).read_text("utf-8"))
    assert data == {"name": "Smith", "id": GOOD_ID, "created_at": m.created_at, "version": 1}


def test_write_replaces_an_existing_manifest(tmp_path: Path) -> None:
    write_manifest(tmp_path, Manifest.new("Old"))
    new = Manifest.new("New")
    write_manifest(tmp_path, new)
    assert read_manifest(tmp_path) == new


def _bad(tmp_path: Path, text: str | bytes) -> ManifestError:
    path = manifest_path(tmp_path)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, "utf-8")
    with pytest.raises(ManifestError) as info:
        read_manifest(tmp_path)
    assert str(path) in str(info.value), "the message names the file"
    assert "\n" not in str(info.value)
    return info.value


def test_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="no project manifest"):
        read_manifest(tmp_path)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("name: [unclosed\nid: x\n", "not valid YAML"),
        ("\tname: tab-indented: oops\n", "not valid YAML"),
        ("- a list\n- not a mapping\n", "not a mapping"),
        ("just a string\n", "not a mapping"),
        ("", "not a mapping"),
        ("name: Wedding\n", "lacks a valid"),
        (f"id: {GOOD_ID}\n", "lacks a valid"),
        ("name: Wedding\nid: not-a-uuid\n", "lacks a valid"),
        ("name: Wedding\nid: 42\n", "lacks a valid"),
        (b"name: \xff\xfe\x00bad\n", "cannot read"),
    ],
)
def test_malformed_manifest_gives_a_clear_error(
    tmp_path: Path, text: str | bytes, reason: str
) -> None:
    assert reason in str(_bad(tmp_path, text))


@pytest.mark.parametrize("version", ["[1]", "abc", "{a: 1}"])
def test_a_bad_version_is_a_manifest_error(tmp_path: Path, version: str) -> None:
    error = _bad(tmp_path, f"name: Wedding\nid: {GOOD_ID}\nversion: {version}\n")
    assert "no valid version" in str(error)


def test_yaml_tags_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = (
        f"name: !!python/object/apply:os.system ['touch {marker}']\n"
        f"id: {GOOD_ID}\n"
        "extra: !!python/object:pathlib.Path {}\n"
    )
    err = _bad(tmp_path, text)
    assert "not valid YAML" in str(err)
    assert not marker.exists()


def test_a_linked_or_bloated_manifest_is_refused(tmp_path: Path) -> None:
    """A link is not followed; a YAML alias bomb does not become a 10 MB project name."""
    outside = tmp_path / "outside.yaml"
    outside.write_text(f"name: Elsewhere\nid: {uuid.uuid4()}\n")
    project = tmp_path / "linked"
    project.mkdir()
    (project / ".project.yaml").symlink_to(outside)
    with pytest.raises(ManifestError, match="is a link"):
        read_manifest(project)
    bomb = tmp_path / "bomb"
    bomb.mkdir()
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 7):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join(['*' + chr(96 + i)] * 10)}]")
    lines += ["name: *g", f"id: {uuid.uuid4()}"]
    (bomb / ".project.yaml").write_text("\n".join(lines) + "\n")
    with pytest.raises(ManifestError, match="valid name"):
        read_manifest(bomb)
