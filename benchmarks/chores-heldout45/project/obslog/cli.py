"""The command line: python -m obslog [--file CSV] {log,nights,targets}."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from obslog import __version__
from obslog.nights import group_nights, night_of, verdict
from obslog.optics import power_verdict, reach
from obslog.parse import Eyepiece, normalise_target, parse_date
from obslog.records import Observation, load_log


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="obslog", description="An amateur astronomer's observing log.")
    parser.add_argument("--version", action="version", version=f"obslog {__version__}")
    parser.add_argument(
        "--file", default="data/observations.csv", help="the observing log (default: data/observations.csv)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    log = commands.add_parser("log", help="every observation: magnification, exit pupil and whether it suited")
    log.add_argument("--since", type=parse_date, metavar="DATE", help="only the nights from this date on")
    log.add_argument("--target", help="only this target, however it is spelt (m 42, Messier 42, M42)")
    nights = commands.add_parser("nights", help="one line a night: targets, seeing, transparency and a verdict")
    nights.add_argument("--since", type=parse_date, metavar="DATE", help="only the nights from this date on")
    commands.add_parser("targets", help="each target: how often, the highest power, how easy in the biggest scope")
    # TODO: a --json flag for targets, for the club's website
    return parser


def format_eyepiece(eyepiece: Eyepiece) -> str:
    text = f"{eyepiece.focal_mm:g} mm"
    return text if eyepiece.barlow == 1 else f"{text} + {eyepiece.barlow:g}x"


def rating(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def cmd_log(args: argparse.Namespace, observations: list[Observation]) -> int:
    if args.since:
        observations = [obs for obs in observations if night_of(obs.day, obs.clock) >= args.since]
    if args.target:
        wanted = normalise_target(args.target)
        observations = [obs for obs in observations if obs.target == wanted]
    for obs in observations:
        clock = obs.clock.strftime("%H:%M") if obs.clock else "--:--"
        print(
            f"{obs.day.isoformat()} {clock}  {obs.target:<15} {obs.scope:<5} {obs.aperture_mm:4.0f} mm  "
            f"{format_eyepiece(obs.eyepiece):<12} {obs.power:4.0f}x  pupil {obs.pupil:4.1f} mm  "
            f"{power_verdict(obs.aperture_mm, obs.power, obs.seeing)}"
        )
    return 0


def cmd_nights(args: argparse.Namespace, observations: list[Observation]) -> int:
    for night in group_nights(observations):
        if args.since and night.night < args.since:
            continue
        print(
            f"{night.night.isoformat()}  {night.site:<15} {len(night.observations):2d} obs  "
            f"{len(night.targets):2d} targets  seeing {rating(night.seeing)}  transparency "
            f"{rating(night.transparency)}  score {rating(night.score)}  {verdict(night.score)}"
        )
    return 0


def cmd_targets(args: argparse.Namespace, observations: list[Observation]) -> int:
    by_target: dict[str, list[Observation]] = {}
    for obs in observations:
        by_target.setdefault(obs.target, []).append(obs)
    for target, seen in sorted(by_target.items(), key=lambda item: (-len(item[1]), item[0])):
        last = max(night_of(obs.day, obs.clock) for obs in seen)
        highest = max(obs.power for obs in seen)
        mags = [obs.mag for obs in seen if obs.mag is not None]
        mag = mags[-1] if mags else None
        shown = "  -  " if mag is None else f"{mag:+5.1f}"
        biggest = max(obs.aperture_mm for obs in seen)
        print(
            f"{target:<15} {len(seen):2d} obs  last {last.isoformat()}  max {highest:4.0f}x  "
            f"mag {shown}  {reach(mag, biggest)}"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    observations = load_log(args.file)
    handlers = {"log": cmd_log, "nights": cmd_nights, "targets": cmd_targets}
    return handlers[args.command](args, observations)
