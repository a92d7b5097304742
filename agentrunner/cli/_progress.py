"""The live progress bar of ``agentrunner run`` on a terminal (rich), over the runner's events.

Private (``_``): the CLI package imports its public modules at start-up, and this one needs the
runner (LangGraph), which only ``run`` may load.

The runner reports through :class:`agentrunner.runner.Progress` (plain lines); this subclass adds a
bar with the current item, the items done and the money spent, and prints the lines above it.
"""

from __future__ import annotations

from typing import Any

from ..runner import Progress


class BarProgress(Progress):
    """:class:`~agentrunner.runner.Progress` with a transient rich bar while items run on a terminal."""

    def __init__(self, *, quiet: bool, **kwargs: Any) -> None:
        super().__init__(quiet=quiet, **kwargs)
        self._bar: Any = None  # rich.progress.Progress while running
        self._task: Any = None

    def start(self, total: int) -> None:
        if self.quiet or not self.tty or total == 0:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
        from rich.progress import Progress as RichProgress

        self._bar = RichProgress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[cost]}"),
            console=Console(file=self.stream, highlight=False),
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task("run", total=total, cost="$0.000000")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def emit(self, message: str) -> None:
        if self._bar is not None:
            self._bar.console.print(message, markup=False, highlight=False)
        else:
            super().emit(message)

    def item_started(self, item_id: str, number: int, total: int) -> None:
        super().item_started(item_id, number, total)
        if self._bar is not None:
            self._bar.update(self._task, description=f"{self.titles.get(item_id, '')[:48]} …")

    def event(self, item_id: str, message: str) -> None:
        super().event(item_id, message)
        if self._bar is not None:
            title = self.titles.get(item_id, item_id)
            self._bar.update(self._task, description=f"{title[:40]} · {message[:40]}")

    def item_finished(self, item_id: str, ok: bool, cost: float, detail: str) -> None:
        super().item_finished(item_id, ok, cost, detail)
        if self._bar is not None:
            self._bar.update(self._task, advance=1, cost=f"${self.cost:.6f}")


__all__ = ["BarProgress"]
