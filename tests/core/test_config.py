"""Configuration: shipped defaults, the user's file merged over them, clear errors."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

import photojobs
from photojobs.core.config import (
    Config,
    ConfigError,
    deep_merge,
    default_config_path,
    load_config,
    load_defaults,
    save_user_config,
    worker_count,
)

REPO = Path(__file__).resolve().parents[2]


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), "utf-8")
    return path


def test_defaults_load_with_the_keys_the_issue_names(config: Config) -> None:
    assert config.warnings == []
    assert config.get("ui.include_maintenance_jobs") is False
    assert config.get("pipeline.priority_threshold") == 90
    for key in (
        "pipeline.max_parallel_jobs", "pipeline.priority_lane_slots", "pipeline.heartbeat_ms",
        "pipeline.stale_seconds", "pipeline.max_attempts_default",
        "processing.thumbnail.max_dim", "processing.thumbnail.quality",
        "processing.preview.max_dim", "processing.preview.quality", "processing.workers",
        "importing.accepted_extensions", "maintenance.interval_minutes",
        "maintenance.trash_retention_days", "keyboard_shortcuts",
    ):  # fmt: skip
        config.get(key)
    assert config.get("processing.workers") == 0
    assert worker_count(config) >= 1


def test_default_config_is_read_from_the_platform_folder(tmp_path: Path) -> None:
    path = default_config_path()
    assert path.is_relative_to(tmp_path), "the isolated home is used"
    assert load_config().path == path
    write(path, {"pipeline": {"stale_seconds": 99}})
    assert load_config().get("pipeline.stale_seconds") == 99


def test_user_file_is_deep_merged(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.json",
        {"processing": {"thumbnail": {"max_dim": 256}}, "keyboard_shortcuts": {"commit": "C"}},
    )
    cfg = load_config(path)
    assert cfg.path == path
    assert cfg.get("processing.thumbnail.max_dim") == 256
    assert cfg.get("processing.thumbnail.quality") == 85, "a sibling keeps its default"
    assert cfg.get("processing.preview.max_dim") == 2560
    assert cfg.get("keyboard_shortcuts.commit") == "C"
    assert cfg.get("keyboard_shortcuts.undo") == "Ctrl+Z"


def test_deep_merge_does_not_change_its_inputs() -> None:
    base = {"a": {"b": 1, "c": [1]}}
    over = {"a": {"b": 2}}
    merged = deep_merge(base, over)
    merged["a"]["c"].append(2)
    assert base == {"a": {"b": 1, "c": [1]}} and over == {"a": {"b": 2}}
    assert merged == {"a": {"b": 2, "c": [1, 2]}}


@pytest.mark.parametrize(
    ("user", "key", "expected"),
    [
        ({"pipeline": {"max_parallel_jobs": "four"}}, "pipeline.max_parallel_jobs", "whole number"),
        ({"pipeline": {"max_parallel_jobs": 2.5}}, "pipeline.max_parallel_jobs", "whole number"),
        ({"pipeline": {"max_parallel_jobs": True}}, "pipeline.max_parallel_jobs", "whole number"),
        ({"ui": {"include_maintenance_jobs": "no"}}, "ui.include_maintenance_jobs", "true or"),
        ({"ui": {"include_maintenance_jobs": 0}}, "ui.include_maintenance_jobs", "true or false"),
        ({"pipeline": {"backoff_base_seconds": "2"}}, "pipeline.backoff_base_seconds", "a number"),
        ({"processing": {"thumbnail": 512}}, "processing.thumbnail", "an object"),
        ({"importing": {"accepted_extensions": "jpg"}}, "importing.accepted_extensions", "list"),
        ({"importing": {"accepted_extensions": [1]}}, "importing.accepted_extensions", "list"),
        ({"importing": {"on_duplicate": 3}}, "importing.on_duplicate", "a string"),
        ({"keyboard_shortcuts": {"commit": 5}}, "keyboard_shortcuts.commit", "a string"),
        ({"keyboard_shortcuts": {"my_action": ["x"]}}, "keyboard_shortcuts.my_action", "string"),
    ],
)
def test_a_bad_type_names_the_key_and_the_expected_type(
    tmp_path: Path, user: dict[str, Any], key: str, expected: str
) -> None:
    path = write(tmp_path / "config.json", user)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert key in message and expected in message
    assert str(path) in message, "the message says which file to fix"


@pytest.mark.parametrize(
    ("user", "key", "expected"),
    [
        ({"pipeline": {"max_parallel_jobs": 0}}, "pipeline.max_parallel_jobs", "at least 1"),
        ({"pipeline": {"heartbeat_ms": 1}}, "pipeline.heartbeat_ms", "at least 50"),
        ({"processing": {"workers": -1}}, "processing.workers", "at least 0"),
        ({"processing": {"preview": {"quality": 101}}}, "processing.preview.quality", "at most"),
        ({"processing": {"thumbnail": {"quality": 0}}}, "processing.thumbnail.quality", "least"),
        ({"importing": {"on_duplicate": "delete"}}, "importing.on_duplicate", "one of skip"),
    ],
)
def test_out_of_range_values_are_refused(
    tmp_path: Path, user: dict[str, Any], key: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path / "config.json", user))
    assert key in str(info.value) and expected in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"pipeline": {"max_parallel_jobs": 2,}}', "not valid JSON (line 1"),
        ("", "not valid JSON"),
        ("[1, 2]", "JSON object at the top level"),
        ('"just a string"', "JSON object"),
    ],
)
def test_a_file_that_is_not_a_json_object_is_an_error(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path / "config.json", text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert expected in str(info.value) and str(path) in str(info.value)


def test_an_unknown_key_is_a_warning_not_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(
        tmp_path / "config.json",
        {"colour": "blue", "pipeline": {"max_paralel_jobs": 9, "stale_seconds": 5}},
    )
    with caplog.at_level(logging.WARNING, logger="photojobs.core.config"):
        cfg = load_config(path)
    assert cfg.get("pipeline.stale_seconds") == 5
    assert cfg.get("pipeline.max_parallel_jobs") == 3
    assert any("'colour'" in w for w in cfg.warnings)
    assert any("'pipeline.max_paralel_jobs'" in w for w in cfg.warnings)
    assert len(cfg.warnings) == 2
    assert "max_paralel_jobs" in caplog.text


def test_a_new_keyboard_shortcut_is_not_an_unknown_key(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path / "c.json", {"keyboard_shortcuts": {"rotate": "Ctrl+R"}}))
    assert cfg.warnings == [] and cfg.get("keyboard_shortcuts.rotate") == "Ctrl+R"


def test_an_explicit_config_path_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(ConfigError, match="not found") as info:
        load_config(missing)
    assert str(missing) in str(info.value)


def test_the_config_environment_variable_is_explicit_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHOTOJOBS_CONFIG", str(tmp_path / "gone.json"))
    with pytest.raises(ConfigError, match="not found"):
        load_config()
    monkeypatch.setenv("PHOTOJOBS_CONFIG", str(write(tmp_path / "env.json", {"ui": {}})))
    assert load_config().path == tmp_path / "env.json"


def test_save_user_config_round_trip(tmp_path: Path) -> None:
    path = write(tmp_path / "cfg" / "config.json", {"colour": "kept", "ui": {"thumbnail_size": 1}})
    save_user_config(path, {"pipeline.max_parallel_jobs": 6, "processing.preview.quality": 70})
    saved = json.loads(path.read_text("utf-8"))
    assert saved == {
        "colour": "kept",
        "ui": {"thumbnail_size": 1},
        "pipeline": {"max_parallel_jobs": 6},
        "processing": {"preview": {"quality": 70}},
    }
    cfg = load_config(path)
    assert cfg.get("pipeline.max_parallel_jobs") == 6
    assert cfg.get("processing.preview.quality") == 70
    assert cfg.get("processing.preview.max_dim") == 2560


def test_save_user_config_creates_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "config.json"
    save_user_config(path, {"ui.include_maintenance_jobs": True})
    assert load_config(path).get("ui.include_maintenance_jobs") is True


def test_save_user_config_refuses_a_bad_value_and_leaves_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "config.json", {"pipeline": {"max_parallel_jobs": 2}})
    before = path.read_bytes()
    with pytest.raises(ConfigError, match=r"pipeline\.max_parallel_jobs"):
        save_user_config(path, {"pipeline.max_parallel_jobs": "lots"})
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["config.json"]


def test_with_overrides_is_checked_and_leaves_the_original(config: Config) -> None:
    other = config.with_overrides({"pipeline.max_parallel_jobs": 7})
    assert other.get("pipeline.max_parallel_jobs") == 7
    assert config.get("pipeline.max_parallel_jobs") == 3
    with pytest.raises(ConfigError, match=r"pipeline\.max_parallel_jobs"):
        config.with_overrides({"pipeline.max_parallel_jobs": -3})


def test_top_level_defaults_file_is_the_packaged_one() -> None:
    top = REPO / "config.default.json"
    packaged = Path(photojobs.__file__).parent / "config.default.json"
    assert top.read_bytes() == packaged.read_bytes()
    assert json.loads(top.read_text("utf-8")) == load_defaults()
