"""Safe folder names and the library boundary."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from photojobs.core.handlers.project_files import derivative_target
from photojobs.core.paths import (
    MAX_NAME_LENGTH,
    UnsafePathError,
    derivative_path,
    inside,
    safe_folder_name,
    unique_folder_name,
)

# A file name on ext4, APFS and NTFS is limited to 255 bytes (or UTF-16 units); the folder
# name gets suffixes later (` (12)` on collision, a timestamp in the library trash).
MAX_FOLDER_BYTES = 255 - 40


@pytest.mark.parametrize(
    ("display", "folder"),
    [
        ("Wedding 2024", "Wedding 2024"),
        ("Smith/Jones", "Smith Jones"),
        ("Smith\\Jones", "Smith Jones"),
        ('a<b>c:d"e|f?g*h', "a b c d e f g h"),
        ("../../etc", "etc"),
        ("  .hidden.  ", "hidden"),
        ("...", "Untitled project"),
        ("", "Untitled project"),
        ("   \t  ", "Untitled project"),
        ('<>:"/\\|?*', "Untitled project"),
        ("Été à Montréal", "Été à Montréal"),
        ("a   b", "a b"),
    ],
)
def test_safe_folder_name(display: str, folder: str) -> None:
    assert safe_folder_name(display) == folder


def test_control_characters_are_removed() -> None:
    name = safe_folder_name("a\x00b\x01c\x1fd\x7fe\nf\tg")
    assert name == "abcdefg"


@pytest.mark.parametrize("reserved", ["CON", "con", "Prn", "AUX", "NUL", "COM1", "LPT9",
                                      "con.txt", "NUL.tar.gz", "CON .txt"])  # fmt: skip
def test_windows_reserved_names_are_changed(reserved: str) -> None:
    name = safe_folder_name(reserved)
    assert name != reserved
    assert name.upper().split(".")[0].strip() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT9"}
    assert name.startswith(reserved.split(".")[0])


def test_names_that_only_contain_a_reserved_word_are_kept() -> None:
    assert safe_folder_name("Console") == "Console"
    assert safe_folder_name("COM10") == "COM10"
    assert safe_folder_name("con.txt") == "con project.txt"


def test_very_long_names_are_cut_without_trailing_space_or_dot() -> None:
    name = safe_folder_name("x" * (MAX_NAME_LENGTH - 1) + " ." + "y" * 300)
    assert name == "x" * (MAX_NAME_LENGTH - 1)
    assert len(safe_folder_name("z" * 1000)) == MAX_NAME_LENGTH


@pytest.mark.parametrize("char", ["é", "東", "📷"])
def test_long_names_of_wide_characters_fit_the_filesystem(tmp_path: Path, char: str) -> None:
    name = safe_folder_name(char * 500)
    assert name and set(name) == {char}
    assert len(name.encode("utf-8")) <= MAX_FOLDER_BYTES
    (tmp_path / f"{name} (99)").mkdir()  # the name, even with a suffix, is usable on disk


def test_collisions_get_numbered_case_insensitively(tmp_path: Path) -> None:
    assert unique_folder_name(tmp_path, "Wedding") == "Wedding"
    (tmp_path / "wedding").mkdir()
    assert unique_folder_name(tmp_path, "Wedding") == "Wedding (2)"
    (tmp_path / "WEDDING (2)").mkdir()
    assert unique_folder_name(tmp_path, "Wedding") == "Wedding (3)"


def test_collisions_count_names_taken_elsewhere_and_plain_files(tmp_path: Path) -> None:
    (tmp_path / "Party").write_text("a file, not a folder")
    assert unique_folder_name(tmp_path, "Party", taken={"party (2)"}) == "Party (3)"
    assert unique_folder_name(tmp_path / "missing", "Party") == "Party"


def test_inside_accepts_plain_names(tmp_path: Path) -> None:
    assert inside(tmp_path, "IMG 1.JPG") == tmp_path / "IMG 1.JPG"
    assert inside(tmp_path, "..JPG") == tmp_path / "..JPG"
    assert inside(tmp_path, ".trash", "0000001_a:b.JPG") == tmp_path / ".trash" / "0000001_a:b.JPG"


@pytest.mark.parametrize("name", ["", ".", "..", "../x.JPG", "a/b.JPG", "/etc/passwd",
                                  "a\\b.JPG", "..\\x", "a\x00b", "../../../victim"])  # fmt: skip
def test_inside_refuses_names_that_leave_the_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnsafePathError, match="not a plain name"):
        inside(tmp_path, name)
    with pytest.raises(UnsafePathError):
        inside(tmp_path, ".trash", name)


def test_inside_refuses_links_wherever_they_point(tmp_path: Path) -> None:
    project = tmp_path / "lib" / "project"
    project.mkdir(parents=True)
    outside = tmp_path / "secret.JPG"
    outside.write_bytes(b"not yours")
    (project / "real.JPG").write_bytes(b"x")
    (project / "evil.JPG").symlink_to(outside)
    (project / "evil-dir").symlink_to(tmp_path)
    (project / "dangling.JPG").symlink_to(tmp_path / "nowhere.JPG")
    (project / "alias.JPG").symlink_to(project / "real.JPG")
    for name in ("evil.JPG", "evil-dir", "dangling.JPG", "alias.JPG"):
        with pytest.raises(UnsafePathError, match="a link"):
            inside(project, name)
    with pytest.raises(UnsafePathError, match="a link"):
        inside(project, "evil-dir", "secret.JPG")
    with pytest.raises(UnsafePathError, match="a link"):
        inside(tmp_path / "lib", "project", "evil.JPG")


def test_inside_follows_a_link_above_the_root(tmp_path: Path) -> None:
    (tmp_path / "disk" / "lib").mkdir(parents=True)
    (tmp_path / "Pictures").symlink_to(tmp_path / "disk")
    root = tmp_path / "Pictures" / "lib"
    assert inside(root, "Shoot", "a.JPG") == root / "Shoot" / "a.JPG"


@given(st.text(max_size=300))
def test_safe_folder_name_is_always_one_visible_plain_name(display: str) -> None:
    name = safe_folder_name(display)
    assert name
    assert name.strip()
    assert not name.startswith(".")
    assert not name.endswith((".", " "))
    assert "/" not in name and "\\" not in name and os.sep not in name
    assert not any(ch in name for ch in '<>:"|?*')
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in name)
    assert name not in {".", ".."}
    assert len(name) <= MAX_NAME_LENGTH
    assert len(name.encode("utf-8", "surrogatepass")) <= MAX_FOLDER_BYTES


def test_child_of_a_checked_folder_refuses_links_and_paths(tmp_path: Path) -> None:
    from photojobs.core.paths import child

    outside = tmp_path / "outside.jpg"
    outside.write_bytes(b"x")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "IMG_1.JPG").write_bytes(b"y")
    (tmp_path / "lib" / "LINK.JPG").symlink_to(outside)
    assert child(tmp_path / "lib", "IMG_1.JPG") == tmp_path / "lib" / "IMG_1.JPG"
    assert child(tmp_path / "lib", "NOT_YET.JPG") == tmp_path / "lib" / "NOT_YET.JPG"
    for bad in ("LINK.JPG", "../outside.jpg", "a/b.jpg", "..", ""):
        with pytest.raises(UnsafePathError):
            child(tmp_path / "lib", bad)


@pytest.mark.parametrize("kind", ["thumbnail", "preview"])
def test_a_derivative_is_read_where_it_is_written(tmp_path: Path, kind: str) -> None:
    """The grid, the viewer and the CLI read the path the handlers write."""
    folder = ".thumb" if kind == "thumbnail" else ".preview"
    assert derivative_path(tmp_path, kind, "DSC_0042") == tmp_path / folder / "DSC_0042.jpg"
    assert derivative_target(tmp_path, kind, "DSC_0042") == derivative_path(
        tmp_path, kind, "DSC_0042"
    )
    with pytest.raises(UnsafePathError):
        derivative_target(tmp_path, kind, "../DSC_0042")
