"""Configuration: shipped defaults deep-merged with the user's config.json, then checked.

The defaults file is the schema: every key's type is the type of its default value.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import platformdirs

from photojobs import APP_NAME

log = logging.getLogger(__name__)

CONFIG_ENV = "PHOTOJOBS_CONFIG"

# Numbers that must stay in a sensible range; the key is the dotted path.
_MINIMUMS: dict[str, float] = {
    "pipeline.max_parallel_jobs": 1,
    "pipeline.priority_lane_slots": 0,
    "pipeline.heartbeat_ms": 50,
    "pipeline.stale_seconds": 1,
    "pipeline.max_attempts_default": 1,
    "pipeline.poll_ms": 10,
    "processing.thumbnail.max_dim": 32,
    "processing.preview.max_dim": 64,
    "processing.thumbnail.quality": 1,
    "processing.preview.quality": 1,
    "processing.workers": 0,
    "maintenance.interval_minutes": 1,
    "maintenance.trash_retention_days": 0,
    "maintenance.history_retention_days": 1,
    "maintenance.failed_history_retention_days": 1,
    "maintenance.history_tasks_per_source": 1,
    "ui.processes_history": 1,
    "pipeline.priority_threshold": -1_000_000,
    "pipeline.backoff_base_seconds": 0,
    "pipeline.backoff_max_seconds": 0,
    "processing.max_image_pixels": 1,
    "maintenance.first_run_delay_seconds": 0,
}
# Every number has a ceiling too: a value of any size must not reach a Qt timer (32 bits
# of milliseconds), a thread pool or SQLite as an overflow.
_MAXIMUMS: dict[str, float] = {
    "ui.thumbnail_size": 4096,
    "ui.processes_history": 100_000,
    "pipeline.max_parallel_jobs": 256,
    "pipeline.priority_lane_slots": 256,
    "pipeline.priority_threshold": 1_000_000,
    "pipeline.heartbeat_ms": 600_000,
    "pipeline.stale_seconds": 86_400,
    "pipeline.max_attempts_default": 1000,
    "pipeline.poll_ms": 600_000,
    "pipeline.backoff_base_seconds": 86_400,
    "pipeline.backoff_max_seconds": 30 * 86_400,
    "processing.thumbnail.max_dim": 16_384,
    "processing.preview.max_dim": 65_535,
    "processing.thumbnail.quality": 100,
    "processing.preview.quality": 100,
    "processing.workers": 1024,
    "processing.max_image_pixels": 10_000_000_000,
    "maintenance.interval_minutes": 525_600,
    "maintenance.first_run_delay_seconds": 86_400,
    "maintenance.trash_retention_days": 36_500,
    "maintenance.history_retention_days": 36_500,
    "maintenance.failed_history_retention_days": 36_500,
    "maintenance.history_tasks_per_source": 10_000_000,
}
MAX_CONFIG_BYTES = 1 << 20
_CHOICES: dict[str, tuple[str, ...]] = {
    "importing.on_duplicate": ("skip", "overwrite", "rename"),
    "xmp.sidecar_naming": ("adobe", "darktable"),
}
# Sections whose keys are the user's to name (no unknown-key warning).
_OPEN_SECTIONS = ("keyboard_shortcuts",)


class ConfigError(ValueError):
    """A configuration value is wrong; the message names the key and what was expected."""


@dataclass
class Config:
    """The merged configuration plus the warnings met while loading it."""

    data: dict[str, Any]
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def get(self, dotted: str) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            node = node[part]
        return node

    def with_overrides(self, overrides: Mapping[str, Any]) -> Config:
        """A copy with dotted keys replaced (used by tests, benchmarks and the settings dialog)."""
        data = copy.deepcopy(self.data)
        for dotted, value in overrides.items():
            *parents, last = dotted.split(".")
            node = data
            for part in parents:
                node = node[part]
            node[last] = value
        _validate(data, load_defaults(), "", [])
        return Config(data, self.path, list(self.warnings))


def load_defaults() -> dict[str, Any]:
    text = resources.files("photojobs").joinpath("config.default.json").read_text("utf-8")
    return json.loads(text)


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.json"


def load_config(path: Path | str | None = None) -> Config:
    """Defaults merged with the user's file; raises ConfigError on a bad file or value."""
    if path is None:
        env = os.environ.get(CONFIG_ENV)
        path = Path(env) if env else default_config_path()
        explicit = bool(env)
    else:
        explicit = True
    path = Path(path)
    defaults = load_defaults()
    user: dict[str, Any] = {}
    if path.exists():
        user = _read_user_file(path)
    elif explicit:
        raise ConfigError(f"config file not found: {path}")
    warnings: list[str] = []
    merged = deep_merge(defaults, user)
    try:
        _validate(merged, defaults, "", warnings)
    except ConfigError as e:
        raise ConfigError(f"{path}: {e}") from None
    for w in warnings:
        log.warning("%s: %s", path, w)
    return Config(merged, path, warnings)


def _read_user_file(path: Path) -> dict[str, Any]:
    """Only a regular file of sensible size is read: a pipe or a device would never end."""
    try:
        info = path.stat()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from e
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"{path}: not a regular file (a configuration is a JSON file)")
    if info.st_size > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: too large to be a configuration file")
    try:
        user = json.loads(path.read_text("utf-8"), parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: not valid JSON (line {e.lineno}, column {e.colno})") from e
    except (UnicodeDecodeError, ValueError) as e:
        raise ConfigError(f"{path}: not valid JSON ({e})") from e
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror}") from e
    if not isinstance(user, dict):
        raise ConfigError(f"{path}: expected a JSON object at the top level")
    return user


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a setting can have")


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list of strings"
    return "an object"


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(default, list):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, type(default))


def _validate(data: dict[str, Any], defaults: dict[str, Any], prefix: str, warnings: list[str]):
    for key in list(data):
        dotted = f"{prefix}{key}"
        if key not in defaults:
            if prefix.rstrip(".") not in _OPEN_SECTIONS:
                warnings.append(f"unknown configuration key '{dotted}' (ignored)")
            elif not isinstance(data[key], str):
                raise ConfigError(f"config key '{dotted}': expected a string, got {data[key]!r}")
            continue
        default, value = defaults[key], data[key]
        if not _same_kind(default, value):
            raise ConfigError(
                f"config key '{dotted}': expected {_type_name(default)}, got {value!r}"
            )
        if isinstance(default, dict):
            _validate(value, default, dotted + ".", warnings)
            continue
        _check_range(dotted, value)


def _check_range(dotted: str, value: Any) -> None:
    low, high = _MINIMUMS.get(dotted), _MAXIMUMS.get(dotted)
    if low is not None and value < low:
        raise ConfigError(f"config key '{dotted}': must be at least {low:g}, got {value!r}")
    if high is not None and value > high:
        raise ConfigError(f"config key '{dotted}': must be at most {high:g}, got {value!r}")
    choices = _CHOICES.get(dotted)
    if choices and value not in choices:
        raise ConfigError(f"config key '{dotted}': must be one of {', '.join(choices)}")


def save_user_config(path: Path, values: Mapping[str, Any]) -> None:
    """Write dotted overrides into the user's config.json, keeping what else it holds."""
    current = _read_user_file(path) if path.exists() else {}
    for dotted, value in values.items():
        *parents, last = dotted.split(".")
        node = current
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    merged = deep_merge(load_defaults(), current)
    _validate(merged, load_defaults(), "", [])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(current, indent=2) + "\n", "utf-8")
    os.replace(tmp, path)


def worker_count(config: Config) -> int:
    """processing.workers, where 0 means every core."""
    n = int(config.get("processing.workers"))
    return n if n > 0 else max(1, os.cpu_count() or 1)
