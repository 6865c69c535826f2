"""Where there is no tray (stock GNOME), the desktop's notification service speaks and a
click on the notification raises the window. The desktop side is a stand-in `notify-send`
written by the test (CI has no desktop session); it records how it was called and answers
as libnotify's does: the action's name on stdout when the notification is clicked."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from PySide6.QtWidgets import QWidget

from photojobs.ui.desktop_notifications import DesktopNotifier

RECORD = """printf '%s\\n' "$@" | python3 -c 'import json, sys
print(json.dumps(sys.stdin.read().split("\\n")[:-1]))' >> "{log}"
"""
CLICKED = "#!/bin/sh\n" + RECORD + "echo default\n"
OLD = (
    "#!/bin/sh\n"
    + RECORD
    + """for a in "$@"; do
  [ "$a" = "--action" ] && echo "Unknown option --action" >&2 && exit 1
done
exit 0
"""
)


def stand_in(tmp_path: Path, script: str) -> tuple[str, Path]:
    log = tmp_path / "calls.jsonl"
    program = tmp_path / "notify-send"
    program.write_text(script.format(log=log))
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    return str(program), log


def calls(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_a_click_on_the_desktop_notification_raises_the_window(qtbot, tmp_path: Path) -> None:
    program, log = stand_in(tmp_path, CLICKED)
    window = QWidget()
    qtbot.addWidget(window)
    notifier = DesktopNotifier(program, parent=window)
    notifier.clicked.connect(window.show)
    assert notifier.show("Upload processing failed", "card removed", "error")
    qtbot.waitUntil(window.isVisible, timeout=10_000)
    (args,) = calls(log)
    assert args[-3:] == ["--", "Upload processing failed", "card removed"]
    assert args[args.index("--urgency") + 1] == "critical"
    assert args[args.index("--action") + 1] == "default=Show PhotoJobs" and "--wait" in args
    notifier.stop()


def test_an_older_notify_send_gets_the_notification_without_a_click(qtbot, tmp_path: Path) -> None:
    program, log = stand_in(tmp_path, OLD)
    owner = QWidget()
    qtbot.addWidget(owner)
    notifier = DesktopNotifier(program, parent=owner)
    assert notifier.show("Files removed", "2 files moved to the trash.", "success")
    qtbot.waitUntil(lambda: len(calls(log)) == 2, timeout=10_000)
    first, second = calls(log)
    assert "--action" in first and "--action" not in second and "--wait" not in second
    assert second[-2:] == ["Files removed", "2 files moved to the trash."]
    assert second[second.index("--urgency") + 1] == "normal"
    assert not notifier.with_actions, "remembered: the next one goes without at once"
    qtbot.waitUntil(lambda: not notifier._waiting)


def test_without_notify_send_nothing_is_sent_and_nothing_breaks(qtbot) -> None:
    notifier = DesktopNotifier(program="")
    assert not notifier.available
    assert not notifier.show("Files removed", "", "success")
