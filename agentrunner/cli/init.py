"""``agentrunner init``: routes.toml, tasks/ and the example's input files in a directory."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Annotated

import typer

from ..atomic import atomic_write
from ..config import CONFIG_FILENAME
from ..errors import UsageError
from ._app import app, console

EXAMPLE_TASKS = files("agentrunner").joinpath("templates", "example.md")
EXAMPLE_INPUTS = files("agentrunner").joinpath("templates", "examples")  # the files example.md works on


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Where to write routes.toml and tasks/.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing routes.toml.")] = False,
) -> None:
    """Write routes.toml and tasks/ with an example to-do file, if missing."""
    try:
        _write_project(directory, force)
    except OSError as exc:  # a file where the folder should be, no permission, disk full
        where = exc.filename or directory
        raise UsageError(f"{where}: cannot write the project here: {exc.strerror or exc}") from None


def _write_project(directory: Path, force: bool) -> None:
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: not a directory; give the folder to write routes.toml and tasks/ into")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / CONFIG_FILENAME
    if target.exists() and not force:
        console.print(f"{target} exists (use --force to overwrite)")
    else:
        atomic_write(target, files("agentrunner").joinpath("templates", "routes.toml").read_text("utf-8"))
        console.print(f"wrote {target}")
    tasks = directory / "tasks"
    tasks.mkdir(exist_ok=True)
    example = tasks / "example.md"
    if not example.exists() and EXAMPLE_TASKS.is_file():
        atomic_write(example, EXAMPLE_TASKS.read_text("utf-8"))
        console.print(f"wrote {example}")
    examples = directory / "examples"
    if not examples.exists() and EXAMPLE_INPUTS.is_dir():
        examples.mkdir()
        for source in EXAMPLE_INPUTS.iterdir():
            if source.is_file():
                atomic_write(examples / source.name, source.read_bytes())
        console.print(f"wrote {examples}/ (the example's input files)")
    console.print("next: agentrunner models · agentrunner add \"…\" · agentrunner run")


__all__ = ["init"]
