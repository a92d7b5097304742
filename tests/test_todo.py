"""To-do files: byte-for-byte round trips, identity, done/failed annotations, merges, `add`."""

from __future__ import annotations

import os
import threading
import time
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from agentrunner.todo import (
    add_item,
    item_identity,
    mark_done,
    mark_failed,
    parse_file,
    parse_text,
    split_lines,
    update_item,
)

DAY = date(2026, 11, 26)

OBSIDIAN = (
    "# Week 48\n"
    "\n"
    "Some notes the agent must not touch. | a | table |\n"
    "- [ ] Summarise `docs/CHANGELOG.md` into five bullets #local ~$0.50 📅 2026-11-30 ⏫\n"
    "  context line one\n"
    "    deeper context with ünïcödé ✓\n"
    "  - [ ] nested child item #critical\n"
    "* [x] already done ✅ 2026-11-20\n"
    "+ [ ] plus bullet 🔁 every week\n"
    "1. [ ] numbered item\n"
    "```\n"
    "- [ ] inside a fence is not an item\n"
    "```\n"
    "- [] not an item either\n"
    "\tline with a tab\n"
)


def write(path: Path, text: str, newline: str = "\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def test_parse_items_tags_hints_context(tmp_path: Path) -> None:
    todo = parse_file(write(tmp_path / "w.md", OBSIDIAN))
    texts = [item.title for item in todo.items]
    assert texts == [
        "Summarise `docs/CHANGELOG.md` into five bullets",
        "nested child item",
        "already done",
        "plus bullet",
        "numbered item",
    ]
    first = todo.items[0]
    assert first.tags == ["local"]
    assert first.cost_cap_usd == 0.5
    assert first.tier_hint(["local", "premium"]) == "local"
    assert "deeper context with ünïcödé ✓" in first.context_text
    assert todo.items[1].tags == ["critical"]
    assert todo.items[2].checked and not first.checked
    assert todo.items[3].bullet == "+" and todo.items[4].bullet == "1."


COMMONMARK_NOT_ITEMS = (
    "# Notes\n"
    "\n"
    "<!--\n"
    "- [ ] inside a multi-line HTML comment\n"
    "-->\n"
    "\n"
    "````markdown\n"
    "```\n"
    "- [ ] inside a four-backtick fence that holds a ``` line\n"
    "```\n"
    "````\n"
    "\n"
    "A paragraph.\n"
    "\n"
    "    - [ ] in an indented code block\n"
    "\n"
    "- [ ] \n"
    "- [ ]\n"
    "- [ ] #premium ~$0.10\n"
    "~~~\n"
    "- [ ] in a tilde fence\n"
    "~~~\n"
    "- [ ] the only item\n"
    "    - [ ] a nested item indented four spaces is an item\n"
)


def test_commonmark_decides_what_is_an_item(tmp_path: Path) -> None:
    """Comments, fences of any length, indented code and empty checkboxes hold no item (each was
    run and paid for before); the bytes of the file are kept exactly."""
    for newline in ("\n", "\r\n"):
        path = write(tmp_path / "cm.md", COMMONMARK_NOT_ITEMS, newline)
        todo = parse_file(path)
        assert [item.title for item in todo.items] == ["the only item", "a nested item indented four spaces is an item"]
        assert todo.render().encode("utf-8") == path.read_bytes()
        first = todo.items[0]
        update_item(path, first.id, lambda f, i: mark_done(f, i, summary="ok", day=DAY))
        assert path.read_bytes() == COMMONMARK_NOT_ITEMS.replace(
            "- [ ] the only item\n", "- [x] the only item ✅ 2026-11-26\n  - → ok\n"
        ).replace("\n", newline).encode("utf-8")


def test_round_trip_is_byte_identical(tmp_path: Path) -> None:
    for newline in ("\n", "\r\n"):
        for text in (OBSIDIAN, OBSIDIAN.rstrip("\n"), "", "no newline - [ ] x", "- [ ] only\r\n\r\n"):
            path = write(tmp_path / "r.md", text, newline)
            before = path.read_bytes()
            todo = parse_file(path)
            assert todo.render().encode("utf-8") == before
            # an update that changes nothing writes nothing different
            for item in todo.items:
                assert update_item(path, item.id, lambda f, i: list(f.lines))
            assert path.read_bytes() == before


def test_undecodable_bytes_survive(tmp_path: Path) -> None:
    path = tmp_path / "bytes.md"
    raw = b"- [ ] caf\xe9 latin-1 byte\n\xff\xfe junk line\n- [ ] second\n"
    path.write_bytes(raw)
    todo = parse_file(path)
    second = todo.items[1]
    update_item(path, second.id, lambda f, i: mark_done(f, i, summary="[r](x.md)", day=DAY))
    data = path.read_bytes()
    assert data.startswith(b"- [ ] caf\xe9 latin-1 byte\n\xff\xfe junk line\n- [x] second \xe2\x9c\x85 2026-11-26\n")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30),
            st.sampled_from(["- [ ] a", "  - [x] b #t", "* [ ] c ~$1", "1) [ ] d 📅 2026-01-01", "```", "", "  ctx"]),
        ),
        max_size=12,
    ),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.booleans(),
)
def test_round_trip_property(pieces: list[str], newline: str, final: bool) -> None:
    text = newline.join(pieces) + (newline if final else "")
    todo = parse_text(text, path=Path("p.md"))
    assert todo.render() == text
    assert "".join(split_lines(text)) == text
    # marking an item done changes only that item's line and adds one line under it
    for item in todo.items[:1]:
        if item.checked:
            continue
        new = "".join(mark_done(todo, item, summary="s", day=DAY))
        before, after = todo.lines[: item.line_index], new
        assert after.startswith("".join(before))
        assert new.count("\n") + new.count("\r") >= text.count("\n") + text.count("\r")


def test_identity_ignores_hints_tags_whitespace_and_tick() -> None:
    base = item_identity("tasks/a.md", "Summarise the changelog")
    assert item_identity("tasks/a.md", "Summarise  the changelog #premium ~$0.20 ⏫") == base
    assert item_identity("tasks/a.md", "summarise the CHANGELOG ✅ 2026-11-26") == base
    assert item_identity("tasks/b.md", "Summarise the changelog") != base
    assert item_identity("tasks/a.md", "Summarise the readme") != base


def test_mark_done_and_failed_replace_not_stack(tmp_path: Path) -> None:
    path = write(tmp_path / "t.md", "# T\n- [ ] do it #local\n  context\n- [ ] other\n")
    item = parse_file(path).items[0]
    for attempt in (1, 2):
        update_item(path, item.id, lambda f, i, a=attempt: mark_failed(f, i, message=f"failed (attempt {a}/3): boom"))
    text = path.read_text("utf-8")
    assert text.count("⚠") == 1 and "attempt 2/3" in text
    update_item(path, item.id, lambda f, i: mark_done(f, i, summary="→ x", day=DAY))
    assert path.read_text("utf-8") == ("# T\n- [x] do it #local ✅ 2026-11-26\n  - → → x\n  context\n- [ ] other\n")
    # the done item keeps its identity (the ✅ date is not part of it)
    assert parse_file(path).items[0].id == item.id


def test_crlf_and_no_trailing_newline_kept_on_write(tmp_path: Path) -> None:
    path = tmp_path / "c.md"
    path.write_bytes(b"intro\r\n- [ ] last item")
    item = parse_file(path).items[0]
    update_item(path, item.id, lambda f, i: mark_done(f, i, summary="ok", day=DAY))
    assert path.read_bytes() == "intro\r\n- [x] last item ✅ 2026-11-26\r\n  - → ok".encode()


def test_merge_keeps_a_concurrent_user_edit(tmp_path: Path) -> None:
    """The agent read the file long ago; the user has since added lines above and below the item.
    The write re-reads and merges: both the edit and the tick are in the file."""
    path = write(tmp_path / "m.md", "- [ ] first task\n- [ ] second task\n")
    stale = parse_file(path)
    target = stale.items[1]
    # the user edits while the agent works
    write(path, "# Added by the user\n- [ ] first task, reworded #premium\n- [ ] second task\n- [ ] a new one\n")
    assert update_item(path, target.id, lambda f, i: mark_done(f, i, summary="done", day=DAY))
    assert path.read_text("utf-8") == (
        "# Added by the user\n- [ ] first task, reworded #premium\n"
        "- [x] second task ✅ 2026-11-26\n  - → done\n- [ ] a new one\n"
    )
    # an item the user deleted is not resurrected
    gone = stale.items[0]
    assert not update_item(path, gone.id, lambda f, i: mark_done(f, i, summary="x", day=DAY))


def test_concurrent_writers_in_threads_lose_nothing(tmp_path: Path) -> None:
    path = write(tmp_path / "p.md", "".join(f"- [ ] item {n}\n" for n in range(20)))
    items = parse_file(path).items

    def tick(item_id: str) -> None:
        update_item(path, item_id, lambda f, i: mark_done(f, i, summary="ok", day=DAY))

    threads = [threading.Thread(target=tick, args=(item.id,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = parse_file(path)
    assert all(item.checked for item in final.items) and len(final.items) == 20
    assert not list(tmp_path.glob(".p.md.*.tmp"))


def test_add_creates_todays_file_and_appends(tmp_path: Path) -> None:
    path = tmp_path / "tasks" / "2026-11-26.md"
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    add_item(path, "first thing #local", today=DAY)
    add_item(path, "  second   thing ", today=DAY)
    assert path.read_text("utf-8") == "# Tasks 2026-11-26\n\n- [ ] first thing #local\n- [ ] second thing\n"
    crlf = write(tmp_path / "x.md", "# X\n- [ ] a", "\r\n")
    add_item(crlf, "b")
    assert crlf.read_bytes() == b"# X\r\n- [ ] a\r\n- [ ] b\r\n"


def test_cli_add_and_status(cli: object, isolated_home: Path) -> None:
    result = cli("add", "Write the weekly report #premium")  # type: ignore[operator]
    assert result.exit_code == 0, result.output
    today = date.today().isoformat()
    path = isolated_home / "tasks" / f"{today}.md"
    assert path.read_text("utf-8").endswith("- [ ] Write the weekly report #premium\n")
    assert "added to" in result.output
    empty = cli("add", "   ")  # type: ignore[operator]
    assert empty.exit_code == 2 and "empty" in empty.output
    status = cli("status", "--json")  # type: ignore[operator]
    assert status.exit_code == 0 and '"items": 0' in status.output


def test_queue_counts_only_its_own_done_items(tmp_path: Path) -> None:
    from agentrunner.queue import Queue

    path = tmp_path / "q.md"
    path.write_text("- [x] done by hand\n- [ ] open\n", "utf-8")
    queue = Queue(tmp_path / "state.db")
    by_hand, open_item = parse_file(path).items
    assert queue.sync(by_hand).status == "skipped"
    assert queue.sync(open_item).status == "pending"
    attempt = queue.start(open_item.id, "run1")
    assert attempt == 1 and queue.get(open_item.id).status == "running"  # type: ignore[union-attr]
    queue.finish(open_item.id, status="done", cost_usd=0.5, calls=2, result_path="r.md")
    done = queue.get(open_item.id)
    assert done is not None and done.status == "done" and done.done_at and done.cost_usd == 0.5
    summary = queue.summary()
    assert summary["totals"]["done"] == 1 and summary["totals"]["skipped"] == 1
    assert summary["files"][by_hand.file_key]["cost_usd"] == 0.5
    queue.close()


def test_atomic_write_removes_temp_files_a_killed_writer_left(tmp_path: Path) -> None:
    from agentrunner.atomic import atomic_write

    target = tmp_path / "today.md"
    target.write_text("- [ ] a\n", "utf-8")
    stale = tmp_path / ".today.md.abc123.tmp"
    stale.write_text("half a file", "utf-8")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / ".today.md.def456.tmp"  # another writer's, right now: left alone
    fresh.write_text("in progress", "utf-8")
    other = tmp_path / ".notes.md.zzz.tmp"  # another file's: left alone
    other.write_text("x", "utf-8")
    os.utime(other, (old, old))

    atomic_write(target, "- [x] a\n")

    assert target.read_text("utf-8") == "- [x] a\n"
    assert not stale.exists() and fresh.exists() and other.exists()
