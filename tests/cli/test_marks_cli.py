"""`photojobs-cli rate / flag / label / tag / discard-rejected / sync-sidecars` and the
`photos` filters, as a script runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_kit import Cli

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    cli = Cli(tmp_path)
    cli.ok("project", "create", "Shoot")
    shoot = cli.lib / "Shoot"
    for base in ("A", "B"):
        shutil.copyfile(DATA / "IMG_0001.JPG", shoot / f"{base}.JPG")
        shutil.copyfile(DATA / "RAWFULL_0001.DNG", shoot / f"{base}.DNG")
    cli.ok("scan", "Shoot")
    return cli


def test_marks_reach_json_filters_and_sidecars(cli: Cli) -> None:
    assert cli.ok("rate", "Shoot", "A", "B", "4")["changed"] == 2
    cli.ok("flag", "Shoot", "B", "reject")
    cli.ok("label", "Shoot", "A", "red")
    cli.ok("tag", "Shoot", "A", "--add", "Places|Paris", "--add", "cat", "--remove", "cat")
    rows = {r["base"]: r for r in cli.ok("photos", "Shoot")}
    assert {k: rows["A"][k] for k in ("rating", "flag", "label", "tags")} == {
        "rating": 4,
        "flag": "none",
        "label": "red",
        "tags": ["Places|Paris"],
    }
    assert [r["base"] for r in cli.ok("photos", "Shoot", "--tag", "Places")] == ["A"]
    assert [r["base"] for r in cli.ok("photos", "Shoot", "--flag", "reject")] == ["B"]
    assert cli.ok("photos", "Shoot", "--min-rating", "5") == []

    synced = cli.ok("sync-sidecars", "Shoot", "--wait")
    assert (synced["status"], synced["failed"]) == ("completed", [])
    assert 'xmp:Rating="4"' in (cli.lib / "Shoot" / "A.xmp").read_text()
    assert 'xmp:Rating="-1"' in (cli.lib / "Shoot" / "B.xmp").read_text()

    assert cli.ok("discard-rejected", "Shoot") == {"discarded": 1}
    assert [r["base"] for r in cli.ok("photos", "Shoot", "--pending")] == ["B"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("rate", "Shoot", "A", "9"), "rating must be from 0 to 5"),
        (("flag", "Shoot", "A", "maybe"), "flag must be pick, reject or none"),
        (("label", "Shoot", "A", "orange"), "label must be one of"),
        (("rate", "Shoot", "A", "NOPE", "3"), "NOPE: no such photo in this project"),
        (("tag", "Shoot", "A"), "say --add TAG or --remove TAG"),
        (("photos", "Shoot", "--min-rating", "x"), "whole number"),
    ],
)
def test_bad_values_and_unknown_bases_fail_in_one_line(
    cli: Cli, args: tuple[str, ...], message: str
) -> None:
    assert message in cli.fails(*args)
    assert cli.ok("photos", "Shoot")[0]["rating"] == 0, "nothing changed"


def test_photos_by_camera_and_days_taken(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    cli.ok("project", "create", "Trip")
    card = tmp_path / "card"
    card.mkdir()
    for base, sample in (("A", "IMG_0001.JPG"), ("B", "IMG_0002.JPG")):
        shutil.copyfile(DATA / sample, card / f"{base}.JPG")
    cli.ok("import", "Trip", str(card), "--wait")  # reads each photo's capture facts
    assert [r["base"] for r in cli.ok("photos", "Trip", "--camera", "ILCE-7M3")] == ["B"]
    assert [r["base"] for r in cli.ok("photos", "Trip", "--camera", "Canon Canon EOS 80D")] == ["A"]
    both = cli.ok("photos", "Trip", "--taken-from", "2023-06-15", "--taken-to", "2023-06-15")
    assert [r["base"] for r in both] == ["A", "B"]
    assert cli.ok("photos", "Trip", "--taken-from", "2023-06-15T08:01:00") == [
        r for r in cli.ok("photos", "Trip") if r["base"] == "B"
    ]
    assert cli.ok("photos", "Trip", "--taken-to", "2023-06-14") == []
    assert "taken-from must be a date such as 2023-06-15" in cli.fails(
        "photos", "Trip", "--taken-from", "15/06/2023"
    )
