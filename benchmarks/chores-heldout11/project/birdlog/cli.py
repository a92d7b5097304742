"""The command line: python -m birdlog [--file CSV] [--species-list CSV] COMMAND."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from birdlog import __version__
from birdlog.seasons import season_counts, window_counts
from birdlog.sightings import Sighting, read_sightings
from birdlog.species import Species, display_name, load_species
from birdlog.summary import first_of_year, ranked, site_summaries, species_totals


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="birdlog", description="A birdwatcher's sightings log.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--file", default="data/sightings.csv", help="the sightings CSV")
    parser.add_argument("--species-list", default="data/species.csv", help="the species CSV")
    commands = parser.add_subparsers(dest="command", required=True)
    totals = commands.add_parser("totals", help="birds counted per species, most first")
    # TODO: a --since DATE option, for a trip report
    totals.add_argument("--site", help="only the sightings at this site")
    firsts = commands.add_parser("firsts", help="the first date of the year for each species")
    firsts.add_argument("--year", type=int, help="the year (default: the latest year in the log)")
    commands.add_parser("sites", help="species, sightings and last visit of each site")
    commands.add_parser("seasons", help="sightings per season and per time of day")
    return parser


def cmd_totals(sightings: list[Sighting], species: dict[str, Species], site: str | None) -> None:
    for code, total in ranked(species_totals(sightings, site)):
        print(f"{code:<6} {display_name(code, species):<28} {total:>5}")


def cmd_firsts(sightings: list[Sighting], species: dict[str, Species], year: int | None) -> None:
    if not sightings:
        return
    year = year if year is not None else max(s.day.year for s in sightings)
    firsts = first_of_year(sightings, year)
    for code, day in sorted(firsts.items(), key=lambda item: (item[1], item[0])):
        print(f"{day.isoformat()}  {code:<6} {display_name(code, species)}")


def cmd_sites(sightings: list[Sighting]) -> None:
    for summary in site_summaries(sightings):
        print(
            f"{summary.site:<20} {summary.species:>3} species {summary.sightings:>4} sightings"
            f"  last {summary.last_visit.isoformat()}"
        )


def cmd_seasons(sightings: list[Sighting]) -> None:
    for label, count in season_counts(sightings).items():
        print(f"{label:<24} {count:>4}")
    print()
    for window, count in window_counts(sightings).items():
        print(f"{window:<24} {count:>4}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        sightings = read_sightings(args.file)
        species = load_species(args.species_list)
    except (OSError, ValueError) as exc:
        print(f"birdlog: {exc}", file=sys.stderr)
        return 1
    if args.command == "totals":
        cmd_totals(sightings, species, args.site)
    elif args.command == "firsts":
        cmd_firsts(sightings, species, args.year)
    elif args.command == "sites":
        cmd_sites(sightings)
    elif args.command == "seasons":
        cmd_seasons(sightings)
    return 0
