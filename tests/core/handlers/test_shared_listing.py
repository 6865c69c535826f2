"""A maintenance pass lists a quiet project folder once: `folder_check` takes the listing
`manifest_check` made, but only when the folder provably has not changed since."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from handler_kit import Shoot

from photojobs.core.formats import FolderListing
from photojobs.core.handlers import maintenance, shared_listing

QUIET_S = 0.3  # folder times move in ticks of a few ms here; the shipped margin is 5 s


@pytest.fixture
def listings(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each folder the maintenance steps list (the real listing, counted)."""
    monkeypatch.setattr(shared_listing, "QUIET_S", QUIET_S)
    shared_listing.forget()
    seen: list[Path] = []
    real: Callable[..., FolderListing] = maintenance.list_folder

    def counted(folder: Path, *args: object) -> FolderListing:
        seen.append(folder)
        return real(folder, *args)

    monkeypatch.setattr(maintenance, "list_folder", counted)
    return seen


def run_steps(shoot: Shoot, *types: str) -> None:
    for expected in types:
        job = shoot.run_next()
        assert job is not None and job.type == expected


def quiet(shoot: Shoot) -> None:
    """Scanned, derivatives made, and nothing touched the folder for longer than QUIET_S."""
    shoot.scan()
    shoot.made(*shoot.photos())
    time.sleep(QUIET_S + 0.1)


def test_a_quiet_folder_is_listed_once_per_pass(shoot: Shoot, listings: list[Path]) -> None:
    shoot.pair("A")
    shoot.add("B.JPG")
    quiet(shoot)
    task, _ = shoot.store.start_task("maintenance", project_id=shoot.project.id)
    ran = shoot.run_all()
    assert [j.type for j in ran] == [
        "trash_maintenance", "manifest_check", "folder_check", "manifest_cleaning",
    ]  # fmt: skip
    assert listings == [shoot.dir], "folder_check took manifest_check's listing"
    assert {j["status"] for j in shoot.jobs(task)} == {"completed"}
    assert set(shoot.photos()) == {"A", "B"}


def test_a_photo_added_between_the_steps_is_found(shoot: Shoot, listings: list[Path]) -> None:
    shoot.pair("A")
    quiet(shoot)
    shoot.store.start_task("maintenance", project_id=shoot.project.id)
    run_steps(shoot, "trash_maintenance", "manifest_check")
    shoot.add("NEW.JPG", "IMG_0002.JPG")  # the folder changes after the first listing
    run_steps(shoot, "folder_check")
    assert listings == [shoot.dir, shoot.dir], "folder_check listed the changed folder again"
    assert "NEW" in shoot.photos()


def test_a_folder_changed_just_before_the_pass_is_listed_by_each_step(
    shoot: Shoot, listings: list[Path]
) -> None:
    """Changed less than the quiet margin before the listing: a change in the same tick
    could hide behind unchanged times, so the second step does not trust them."""
    shoot.pair("A")
    shoot.scan()
    shoot.add("B.JPG")  # just now
    shoot.store.start_task("maintenance", project_id=shoot.project.id)
    run_steps(shoot, "trash_maintenance", "manifest_check", "folder_check")
    assert listings == [shoot.dir, shoot.dir]
    assert set(shoot.photos()) == {"A", "B"}


def test_a_listing_is_not_handed_to_another_task(shoot: Shoot, listings: list[Path]) -> None:
    shoot.pair("A")
    quiet(shoot)
    shoot.store.start_task("maintenance", project_id=shoot.project.id)
    run_steps(shoot, "trash_maintenance", "manifest_check")
    shoot.store.cancel_task(shoot.jobs()[-1]["task_id"])  # the pass ends before its check
    shoot.store.enqueue("folder_check", project_id=shoot.project.id, source="user")
    run_steps(shoot, "folder_check")
    assert listings == [shoot.dir, shoot.dir]
