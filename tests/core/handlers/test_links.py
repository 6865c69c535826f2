"""A project's own folders (.trash, .thumb, .preview) that are links are refused before any
file moves: a link could carry originals, or deletions, out of the library."""

from __future__ import annotations

from pathlib import Path

import pytest
from handler_kit import Shoot

from photojobs.core.paths import UnsafePathError, project_subdir
from photojobs.core.photos import KeepDecision


@pytest.mark.parametrize("folder", [".trash", ".thumb", ".preview"])
def test_a_commit_refuses_a_linked_project_folder(shoot: Shoot, tmp_path: Path, folder: str):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (shoot.dir / folder).symlink_to(outside, target_is_directory=True)
    shoot.add("DSC_1.JPG", "IMG_0001.JPG")
    shoot.scan()
    shoot.keep(KeepDecision.NONE, "DSC_1")
    before = shoot.originals()

    task_id = shoot.commit()
    shoot.run_all()

    (job,) = shoot.jobs(task_id, "file_removal")
    assert job["status"] == "failed"
    assert "is a link" in job["error"] and folder in job["error"]
    assert shoot.originals() == before  # nothing moved
    assert list(outside.iterdir()) == []


def test_project_subdir_refuses_links_and_creates_folders(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    assert project_subdir(project, ".trash", create=True).is_dir()
    (project / ".thumb").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(UnsafePathError, match="is a link"):
        project_subdir(project, ".thumb")
