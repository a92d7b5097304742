"""The typer app, its global options and the one place user errors become one-line messages."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from .. import __version__
from ..config import Config, load_config
from ..errors import AgentRunnerError, ConfigError, one_line
from ..ledger import Ledger

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class _ErrorHandlingGroup(TyperGroup):
    """Turns every :class:`AgentRunnerError` into one line on stderr and its exit code."""

    # Any: the Context typer passes is its vendored click's (typer._click, private), not click's.
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            err_console.print(str(exc), markup=False)
            ctx.exit(exc.exit_code)
        except AgentRunnerError as exc:
            err_console.print(f"error: {exc}", markup=False)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            err_console.print("interrupted", markup=False)
            ctx.exit(130)
        except typer.TyperException as exc:
            # click's own errors (an option's value out of range, an unknown option): typer vendors
            # click, so they have no public name; TyperException is their public base. One line,
            # like every other error — not typer's framed box. A group called without a command
            # still shows its help.
            if type(exc).__name__ == "NoArgsIsHelpError" or not hasattr(exc, "format_message"):
                raise
            err_console.print(f"error: {one_line(exc.format_message())}", markup=False)
            ctx.exit(int(getattr(exc, "exit_code", 2)))
        except OSError as exc:
            # The last line of defence: a file error no command turned into a message of its own.
            where = f"{exc.filename}: " if exc.filename else ""
            err_console.print(f"error: {where}{one_line(exc.strerror or str(exc))}", markup=False)
            ctx.exit(1)


app = typer.Typer(
    cls=_ErrorHandlingGroup,
    name="agentrunner",
    help="A local agent runner with tiered model routing: to-do lists in, done lists out, "
    "every call in a ledger.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state: dict[str, Any] = {"config_path": None, "config": None}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"agentrunner {__version__}")
        raise typer.Exit()


@app.callback()
def _main_options(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="routes.toml to use (default: ./routes.toml or a parent's, or $AGENTRUNNER_CONFIG).",
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug details to stderr.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    _state["config_path"] = config
    _state["config"] = None
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )


def get_config() -> Config:
    """The configuration for this invocation (loaded once)."""
    if _state["config"] is None:
        _state["config"] = load_config(_state["config_path"])
    return _state["config"]


def config_path() -> Path | None:
    return _state["config_path"]


def open_ledger(config: Config | None = None) -> Ledger:
    return Ledger.for_config(config or get_config())


def main() -> None:
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    app()
