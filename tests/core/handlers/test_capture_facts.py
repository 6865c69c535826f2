"""Photos a folder_check finds appear with their capture facts, like imported ones."""

from __future__ import annotations

from handler_kit import Shoot
from sqlalchemy import select

from photojobs.core.db.models import Photo


def test_folder_check_adds_photos_with_their_date_taken(shoot: Shoot) -> None:
    shoot.add("HAND_1.JPG", "IMG_0005.JPG")
    shoot.add("HAND_2.DNG", "RAWFULL_0002.DNG")
    (shoot.dir / "HAND_3.JPG").write_bytes(b"not a JPEG at all")

    shoot.run_one("folder_check", source="maintenance")

    with shoot.lib.db.read() as s:
        rows = s.execute(
            select(Photo.base, Photo.date_taken, Photo.camera_model).order_by(Photo.base)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("HAND_1", "2023-06-15T08:36:28.28+02:00", "ILCE-7M3"),
        ("HAND_2", "2023-08-17T15:28:17.07+02:00", "SynthRaw 24"),
        ("HAND_3", None, None),  # unreadable: it still appears, with no facts
    ]
