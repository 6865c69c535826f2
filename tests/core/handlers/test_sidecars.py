"""Sidecars belong to their photo: one named after a file (`IMG_1.JPG.xmp`, darktable
style) travels with that file; the base sidecar (`IMG_1.xmp`) stays while any image of
the photo stays. The edits of a file the photographer kept are never trashed."""

from __future__ import annotations

from handler_kit import Shoot, blake

from photojobs.core.photos import KeepDecision

SIDECARS = ("{b}.JPG.xmp", "{b}.NEF.xmp", "{b}.xmp")


def shoot_with_sidecars(shoot: Shoot, *bases: str) -> dict[str, str]:
    for base in bases:
        shoot.add(f"{base}.JPG", "IMG_0001.JPG")
        shoot.add(f"{base}.NEF", "RAWFULL_0001.DNG")
        for pattern in SIDECARS:
            name = pattern.format(b=base)
            (shoot.dir / name).write_text(f"<x:xmpmeta about='{name}'/>")
    shoot.scan()
    return shoot.originals()


def test_a_kept_jpg_keeps_its_own_sidecar_and_the_base_sidecar(shoot: Shoot) -> None:
    before = shoot_with_sidecars(shoot, "IMG_1")
    shoot.keep(KeepDecision.JPG_ONLY, "IMG_1")

    shoot.commit()
    shoot.run_all()

    trashed = sorted(e["original_name"] for e in shoot.entries())
    assert trashed == ["IMG_1.NEF", "IMG_1.NEF.xmp"]
    assert shoot.files() == ["IMG_1.JPG", "IMG_1.JPG.xmp", "IMG_1.xmp"]
    assert {n: blake(shoot.dir / n) for n in shoot.files()} == {n: before[n] for n in shoot.files()}
    photo = shoot.photo("IMG_1")
    assert photo is not None and photo.files == ("IMG_1.JPG", "IMG_1.JPG.xmp", "IMG_1.xmp")


def test_a_kept_raw_keeps_its_own_sidecar_and_the_base_sidecar(shoot: Shoot) -> None:
    shoot_with_sidecars(shoot, "IMG_2")
    shoot.keep(KeepDecision.RAW_ONLY, "IMG_2")

    shoot.commit()
    shoot.run_all()

    assert sorted(e["original_name"] for e in shoot.entries()) == ["IMG_2.JPG", "IMG_2.JPG.xmp"]
    assert shoot.files() == ["IMG_2.NEF", "IMG_2.NEF.xmp", "IMG_2.xmp"]


def test_the_base_sidecar_goes_with_the_last_image_and_comes_back(shoot: Shoot) -> None:
    before = shoot_with_sidecars(shoot, "IMG_3")
    shoot.keep(KeepDecision.NONE, "IMG_3")

    task = shoot.commit()
    shoot.run_all()

    assert sorted(e["original_name"] for e in shoot.entries()) == sorted(before)
    assert shoot.files() == []
    shoot.restore(commit_task_id=task)
    shoot.run_all()
    assert shoot.originals() == before
