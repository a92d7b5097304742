"""The command line: python -m clubrides [--file CSV] {rides,totals,leaderboard}."""

from __future__ import annotations

import argparse

from clubrides import __version__
from clubrides.formatting import format_duration, format_km, format_speed
from clubrides.points import leaderboard
from clubrides.rides import average_speed, load_rides
from clubrides.totals import for_rider, monthly_totals, weekly_totals


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clubrides", description="A cycling club's ride log.")
    parser.add_argument("--version", action="version", version=f"clubrides {__version__}")
    parser.add_argument("--file", default="data/rides.csv", help="the rides CSV (default: data/rides.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    rides = commands.add_parser("rides", help="every ride with its average speed")
    rides.add_argument("--rider", help="only this rider's rides")
    rides.add_argument("--club", action="store_true", help="only club rides")
    totals = commands.add_parser("totals", help="distance, climbing and time per rider and period")
    totals.add_argument("--period", choices=("week", "month"), default="week")
    totals.add_argument("--rider", help="only this rider")
    board = commands.add_parser("leaderboard", help="points per rider, best first")
    board.add_argument("--month", metavar="YYYY-MM", help="only rides of this month")
    # TODO: a --since DATE option for rides and totals
    return parser


def cmd_rides(args: argparse.Namespace) -> int:
    for ride in load_rides(args.file):
        if args.rider and ride.rider.casefold() != args.rider.casefold():
            continue
        if args.club and not ride.club:
            continue
        flag = "  club" if ride.club else ""
        print(
            f"{ride.day.isoformat()}  {ride.rider:<8} {format_km(ride.distance_km):>9} {ride.elevation_m:>5} m"
            f"  {format_duration(ride.moving_s):>5}  {format_speed(average_speed(ride)):>10}{flag}"
        )
    return 0


def cmd_totals(args: argparse.Namespace) -> int:
    rides = load_rides(args.file)
    totals = weekly_totals(rides) if args.period == "week" else monthly_totals(rides)
    if args.rider:
        totals = for_rider(totals, args.rider)
    for total in totals:
        print(
            f"{total.period:<8}  {total.rider:<8} {total.rides:>2} rides {format_km(total.distance_km):>9}"
            f" {total.elevation_m:>5} m  {format_duration(total.moving_s):>5}  {format_speed(total.speed):>10}"
        )
    return 0


def cmd_leaderboard(args: argparse.Namespace) -> int:
    standings = leaderboard(load_rides(args.file), args.month)
    if not standings:
        print("no rides in that month")
    for standing in standings:
        print(
            f"{standing.rank:>2}. {standing.rider:<8} {standing.points:>4} pts"
            f"  {standing.rides:>2} rides  {format_km(standing.distance_km):>9}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"rides": cmd_rides, "totals": cmd_totals, "leaderboard": cmd_leaderboard}
    return handlers[args.command](args)
