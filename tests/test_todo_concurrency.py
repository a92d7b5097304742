"""To-do files written by several processes at once: no line lost, no tick lost.

Writers here are real and unsynchronised with each other: a ``bash`` loop appending with ``>>``
(it takes no lock), a Python process calling ``add_item`` in a loop (it takes agentrunner's folder
lock), and threads ticking and re-annotating items with ``update_item`` (the runner's writes).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

from agentrunner import shared_file
from agentrunner.todo import add_item, mark_done, mark_failed, parse_file, update_item

DAY = date(2026, 11, 30)
ROOT = Path(__file__).resolve().parent.parent


def _bash_appender(path: Path, count: int, prefix: str) -> subprocess.Popen[bytes]:
    script = f'for i in $(seq 1 {count}); do echo "- [ ] {prefix} $i" >> "$1"; done'
    return subprocess.Popen(["bash", "-c", script, "appender", str(path)])


def _python_adder(path: Path, count: int, prefix: str) -> subprocess.Popen[bytes]:
    code = (
        "import sys; from pathlib import Path; from agentrunner.todo import add_item\n"
        f"for n in range(1, {count} + 1): add_item(Path(sys.argv[1]), f'{prefix} {{n}}')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code, str(path)], env=env)


def _hammer(path: Path, ids: list[str], stop: threading.Event, counter: list[int]) -> None:
    """What a run does to the file, as fast as it can: re-annotate failed items, then tick them."""
    n = 0
    while not stop.is_set():
        item_id = ids[n % len(ids)]
        message = f"failed (attempt {n % 3 + 1}/3): boom {'x' * (n % 7)}"
        update_item(path, item_id, lambda f, i, m=message: mark_failed(f, i, message=m))
        counter[0] += 1
        n += 1
    for item_id in ids:
        assert update_item(path, item_id, lambda f, i: mark_done(f, i, summary="ok", day=DAY))


def _assert_every_line_once(text: str, prefix: str, count: int) -> None:
    lines = text.splitlines()
    missing = [n for n in range(1, count + 1) if lines.count(f"- [ ] {prefix} {n}") != 1]
    assert not missing, f"{len(missing)} of {count} {prefix!r} lines lost or doubled: {missing[:10]}"


def test_appenders_with_and_without_the_lock_lose_nothing_while_items_are_ticked(tmp_path: Path) -> None:
    path = tmp_path / "tasks" / "today.md"
    path.parent.mkdir()
    path.write_text("# Today\n\n" + "".join(f"- [ ] item {n}\n  context {n}\n" for n in range(12)), "utf-8")
    ids = [item.id for item in parse_file(path).items]
    stop = threading.Event()
    counters = [[0] for _ in range(3)]
    hammers = [threading.Thread(target=_hammer, args=(path, ids[k::3], stop, counters[k])) for k in range(3)]
    echo = _bash_appender(path, 3000, "echoed")
    adder = _python_adder(path, 150, "added")
    for thread in hammers:
        thread.start()
    try:
        assert echo.wait(timeout=300) == 0
        assert adder.wait(timeout=300) == 0
    finally:
        stop.set()
        for thread in hammers:
            thread.join()
    rewrites = sum(counter[0] for counter in counters)
    assert rewrites > 30, f"only {rewrites} rewrites ran alongside the appenders: the test proves nothing"
    text = path.read_text("utf-8")
    _assert_every_line_once(text, "echoed", 3000)
    _assert_every_line_once(text, "added", 150)
    final = parse_file(path)
    ticked = {item.id for item in final.items if item.checked}
    assert set(ids) <= ticked, "a tick was lost"
    assert len(final.items) == 12 + 3000 + 150
    assert text.count("⚠") == 0 and text.count("- → ok") == 12
    assert not list(path.parent.glob(".today.md.*.tmp"))


def test_an_appender_holding_the_file_open_across_the_swap_loses_nothing(tmp_path: Path) -> None:
    """The narrowest case made deterministic: a program opened the file for appending *before*
    the run replaced it and writes *after* (``exec 3>>today.md``). Its bytes land on the old inode;
    the rewrite waits for it to close and carries them over."""
    path = tmp_path / "today.md"
    path.write_text("- [ ] first\n- [ ] second\n", "utf-8")
    item = parse_file(path).items[0]
    holder = open(path, "ab")  # noqa: SIM115 - closed below, on purpose after the swap
    holder.write(b"- [ ] written before the swap\n")
    holder.flush()

    def late_writes() -> None:
        time.sleep(0.2)
        holder.write(b"- [ ] written after the swap\n")
        holder.flush()
        holder.close()

    writer = threading.Thread(target=late_writes)
    writer.start()
    assert update_item(path, item.id, lambda f, i: mark_done(f, i, summary="ok", day=DAY))
    writer.join()
    text = path.read_text("utf-8")
    assert text.startswith("- [x] first ✅ 2026-11-30\n  - → ok\n- [ ] second\n")
    assert text.count("- [ ] written before the swap\n") == 1
    assert text.count("- [ ] written after the swap\n") == 1


def test_a_file_replaced_by_an_editor_after_the_read_is_edited_again(tmp_path: Path) -> None:
    """An editor saved (new inode) between our read and our swap: the tick is made on the
    editor's version, not on the stale one (which would drop the editor's line)."""
    path = tmp_path / "today.md"
    path.write_text("- [ ] first\n", "utf-8")
    item = parse_file(path).items[0]
    calls = 0
    real_check = shared_file._unchanged_or_appended

    def editor_saves_once(target: Path, old_fd: int, data: bytes) -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            saved = tmp_path / "editor.tmp"
            saved.write_text("- [ ] first\n- [ ] typed in the editor\n", "utf-8")
            os.replace(saved, path)
        return real_check(target, old_fd, data)

    shared_file._unchanged_or_appended = editor_saves_once  # type: ignore[assignment]
    try:
        assert update_item(path, item.id, lambda f, i: mark_done(f, i, summary="ok", day=DAY))
    finally:
        shared_file._unchanged_or_appended = real_check  # type: ignore[assignment]
    assert calls == 2
    assert path.read_text("utf-8") == "- [x] first ✅ 2026-11-30\n  - → ok\n- [ ] typed in the editor\n"


def test_add_reports_its_own_line_and_keeps_crlf(tmp_path: Path) -> None:
    path = tmp_path / "c.md"
    path.write_bytes(b"# X\r\n- [ ] a")
    item = add_item(path, "b")
    assert path.read_bytes() == b"# X\r\n- [ ] a\r\n- [ ] b\r\n"
    assert item.line_number == 3 and item.text == "b"
