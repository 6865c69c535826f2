"""Which files make a photo: exact base names, case-insensitive extension classes."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from photojobs.core.formats import (
    JPG_EXTENSIONS,
    OTHER_EXTENSIONS,
    RAW_EXTENSIONS,
    SIDECAR_EXTENSIONS,
    FileClass,
    classify,
    group_files,
    split_name,
)

# The classes exactly as DESIGN.md lists them.
DESIGN_JPG = {"jpg", "jpeg"}
DESIGN_RAW = {"arw", "cr2", "cr3", "nef", "nrw", "dng", "raf", "orf", "rw2", "pef", "srw",
              "raw", "3fr", "iiq", "rwl", "x3f"}  # fmt: skip
DESIGN_OTHER = {"png", "tif", "tiff", "heic", "heif", "webp"}
DESIGN_SIDECAR = {"xmp", "pp3", "dop"}


def test_extension_classes_are_the_ones_in_the_design() -> None:
    assert JPG_EXTENSIONS == DESIGN_JPG
    assert RAW_EXTENSIONS == DESIGN_RAW
    assert OTHER_EXTENSIONS == DESIGN_OTHER
    assert SIDECAR_EXTENSIONS == DESIGN_SIDECAR


@pytest.mark.parametrize(
    ("extensions", "expected"),
    [
        (DESIGN_JPG, FileClass.JPG),
        (DESIGN_RAW, FileClass.RAW),
        (DESIGN_OTHER, FileClass.OTHER),
        (DESIGN_SIDECAR, FileClass.SIDECAR),
    ],
)
def test_every_extension_classifies_in_any_case(extensions: set[str], expected: FileClass) -> None:
    for ext in extensions:
        for variant in (ext, ext.upper(), ext.capitalize(), ext.swapcase()):
            assert classify(f"DSC_0042.{variant}") is expected, variant


@pytest.mark.parametrize(
    "name", ["notes.txt", "movie.MOV", "archive.tar.gz", "README", "photo.jpg.bak", "x.JPG."]
)
def test_names_of_no_known_class_are_not_photo_files(name: str) -> None:
    assert classify(name) is None


@pytest.mark.parametrize(
    ("name", "base", "ext"),
    [
        ("a.b.JPG", "a.b", "JPG"),
        ("My trip 2024.ARW", "My trip 2024", "ARW"),
        ("a..JPG", "a.", "JPG"),
        ("JPG", "JPG", ""),
        (".JPG", ".JPG", ""),
        ("x.JPG.xmp", "x.JPG", "xmp"),
    ],
)
def test_split_name_takes_the_base_before_the_last_dot(name: str, base: str, ext: str) -> None:
    assert split_name(name) == (base, ext)


def test_odd_case_extensions_group_under_one_base() -> None:
    listing = group_files(["IMG_1.Jpg", "IMG_1.ARW", "IMG_2.JPEG", "IMG_2.nef", "IMG_3.jpeg"])
    assert set(listing.photos) == {"IMG_1", "IMG_2", "IMG_3"}
    assert listing.photos["IMG_1"].jpg == ["IMG_1.Jpg"]
    assert listing.photos["IMG_1"].raw == ["IMG_1.ARW"]
    assert listing.photos["IMG_2"].jpg == ["IMG_2.JPEG"]
    assert listing.photos["IMG_2"].raw == ["IMG_2.nef"]
    assert listing.photos["IMG_3"].jpg == ["IMG_3.jpeg"]
    assert listing.unknown == []


def test_base_is_matched_exactly_not_case_insensitively() -> None:
    listing = group_files(["dsc_1.JPG", "DSC_1.ARW"])
    assert set(listing.photos) == {"dsc_1", "DSC_1"}
    assert listing.photos["dsc_1"].raw == []
    assert listing.photos["DSC_1"].jpg == []


def test_two_jpg_spellings_of_one_base_are_both_kept_in_the_photo() -> None:
    listing = group_files(["A.jpg", "A.JPG", "A.jpeg"])
    assert sorted(listing.photos["A"].jpg) == ["A.JPG", "A.jpeg", "A.jpg"]


def test_spaces_and_several_dots_stay_in_the_base() -> None:
    listing = group_files(["my photo 1.JPG", "my photo 1.CR3", "a.b.JPG", "a.b.DNG", "v1.2.3.tif"])
    assert set(listing.photos) == {"my photo 1", "a.b", "v1.2.3"}
    assert listing.photos["a.b"].files == ["a.b.DNG", "a.b.JPG"]
    assert listing.photos["v1.2.3"].other == ["v1.2.3.tif"]


def test_unicode_names_group_and_nfc_nfd_are_different_bases() -> None:
    """The base is matched exactly: the NFC and NFD spellings of 'Café' are two photos.

    Linux keeps the bytes it is given, so a card written on macOS (NFD) next to files named
    on Windows (NFC) shows two photos rather than silently merging them.
    """
    nfc = unicodedata.normalize("NFC", "Café")
    nfd = unicodedata.normalize("NFD", "Café")
    assert nfc != nfd
    listing = group_files([f"{nfc}.JPG", f"{nfd}.ARW", "東京 夜景.JPG", "東京 夜景.ARW"])
    assert set(listing.photos) == {nfc, nfd, "東京 夜景"}
    assert listing.photos[nfc].files == [f"{nfc}.JPG"]
    assert listing.photos[nfd].files == [f"{nfd}.ARW"]
    assert listing.photos["東京 夜景"].files == ["東京 夜景.ARW", "東京 夜景.JPG"]


def test_every_class_is_recorded_in_its_own_list() -> None:
    listing = group_files(["P.JPG", "P.DNG", "P.HEIC", "P.xmp"])
    photo = listing.photos["P"]
    assert (photo.jpg, photo.raw, photo.other, photo.sidecar) == (
        ["P.JPG"], ["P.DNG"], ["P.HEIC"], ["P.xmp"],
    )  # fmt: skip
    assert photo.has_image


def test_other_format_alone_is_a_photo() -> None:
    listing = group_files(["scan.png"])
    assert listing.photos["scan"].other == ["scan.png"]
    assert listing.photos["scan"].has_image


@pytest.mark.parametrize("sidecar", ["X.xmp", "X.XMP", "X.ARW.xmp", "X.arw.XMP", "X.pp3",
                                     "X.JPG.pp3", "X.dop", "X.ARW.dop"])  # fmt: skip
def test_sidecars_join_their_photo(sidecar: str) -> None:
    listing = group_files(["X.JPG", "X.ARW", sidecar])
    assert listing.photos["X"].sidecar == [sidecar]
    assert sidecar in listing.photos["X"].files
    assert listing.unknown == []


def test_sidecar_named_after_a_photo_with_dots_prefers_the_exact_base() -> None:
    listing = group_files(["a.b.JPG", "a.JPG", "a.b.xmp"])
    assert listing.photos["a.b"].sidecar == ["a.b.xmp"]
    assert listing.photos["a"].sidecar == []


def test_sidecar_whose_middle_part_is_not_an_image_extension_does_not_join() -> None:
    """`a.notes.xmp` is not darktable's `a.JPG.xmp`: it must not travel with photo `a`."""
    listing = group_files(["a.JPG", "a.notes.xmp"])
    assert listing.photos["a"].sidecar == []
    assert listing.unknown == ["a.notes.xmp"]


def test_lone_sidecars_and_unknown_files_are_reported_as_unknown() -> None:
    listing = group_files(["Y.xmp", "Z.ARW.xmp", "notes.txt", "clip.MOV", "K.JPG"])
    assert set(listing.photos) == {"K"}
    assert listing.unknown == ["Y.xmp", "Z.ARW.xmp", "clip.MOV", "notes.txt"]


@pytest.mark.parametrize("name", [".JPG", "JPG", ".xmp", "xmp", "."])
def test_a_name_with_no_base_is_unknown(name: str) -> None:
    listing = group_files([name])
    assert listing.photos == {}
    assert listing.unknown == [name]


def test_empty_listing() -> None:
    listing = group_files([])
    assert listing.photos == {} and listing.unknown == []


# -- properties -----------------------------------------------------------------------------

ALL_EXTENSIONS = sorted(DESIGN_JPG | DESIGN_RAW | DESIGN_OTHER | DESIGN_SIDECAR)
_base = st.text(
    alphabet=st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)),
    max_size=12,
)
_ext = st.one_of(
    st.sampled_from(ALL_EXTENSIONS).flatmap(
        lambda e: st.sampled_from([e, e.upper(), e.capitalize()])
    ),
    st.sampled_from(["txt", "MOV", "", "bak"]),
)
_name = st.one_of(
    st.builds(lambda b, e: f"{b}.{e}", _base, _ext),
    st.builds(lambda b, e1, e2: f"{b}.{e1}.{e2}", _base, _ext, _ext),
    _base.filter(bool),
)


@given(st.lists(_name, unique=True, max_size=40))
def test_grouping_never_loses_or_duplicates_a_name(names: list[str]) -> None:
    listing = group_files(names)
    placed = [n for photo in listing.photos.values() for n in photo.files] + listing.unknown
    assert sorted(placed) == sorted(names)


@given(st.lists(_name, unique=True, max_size=40))
def test_every_photo_has_an_image_and_files_carry_its_base(names: list[str]) -> None:
    listing = group_files(names)
    for base, photo in listing.photos.items():
        assert photo.base == base
        assert photo.has_image
        for name in photo.jpg + photo.raw + photo.other:
            assert split_name(name)[0] == base
        for name in photo.sidecar:
            inner = split_name(name)[0]
            assert inner == base or split_name(inner)[0] == base
    for name in listing.unknown:
        cls = classify(name)
        assert cls is None or cls is FileClass.SIDECAR
