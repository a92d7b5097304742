"""The command line: python -m seedbox [--file CSV] {packets,viability,swaps}."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date

from seedbox import __version__
from seedbox.packets import Packet, load_packets
from seedbox.parse import GRAMS_PER_OUNCE, normalise_source
from seedbox.swaps import surplus
from seedbox.viability import count_ratings, judge_all


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seedbox", description="A home seed library: packets, viability, swaps.")
    parser.add_argument("--version", action="version", version=f"seedbox {__version__}")
    parser.add_argument("--file", default="data/seeds.csv", help="the seed log (default: data/seeds.csv)")
    commands = parser.add_subparsers(dest="command", required=True)
    packets = commands.add_parser("packets", help="every packet in the tin")
    packets.add_argument("--source", help="only packets from this source: saved, swap, bought or gift")
    packets.add_argument("--oz", action="store_true", help="weights in ounces (deprecated)")
    viability = commands.add_parser("viability", help="how well each packet will come up, worst first")
    viability.add_argument("--today", type=_day, help="judge as of this day (default: today)")
    swaps = commands.add_parser("swaps", help="the spare seed to take to a swap")
    swaps.add_argument("--today", type=_day, help="judge as of this day (default: today)")
    # TODO: --json on swaps, for the seed library's sign-up sheet
    return parser


def _weight(packet: Packet, ounces: bool) -> str:
    quantity = packet.quantity
    if quantity is None:
        return "-"
    if ounces and quantity.unit == "g":
        return f"{quantity.amount / GRAMS_PER_OUNCE:.2f} oz"
    return str(quantity)


def _percent(germination: float | None) -> str:
    return "-" if germination is None else f"{germination:.0%}"


def cmd_packets(args: argparse.Namespace, packets: list[Packet]) -> int:
    if args.oz:
        print("seedbox: --oz is deprecated and will go in 2.0; weights are in grams", file=sys.stderr)
    if args.source:
        source = normalise_source(args.source)
        packets = [packet for packet in packets if packet.source == source]
    for packet in packets:
        sow_by = packet.sow_by.isoformat() if packet.sow_by else "-"
        print(
            f"{packet.variety:<22} {packet.crop:<12} {packet.source:<7} {packet.packed or '-':<5} "
            f"{sow_by:<10} {_weight(packet, args.oz):>10} {_percent(packet.germination):>5}"
        )
    return 0


def cmd_viability(args: argparse.Namespace, packets: list[Packet]) -> int:
    verdicts = judge_all(packets, args.today)
    for verdict in verdicts:
        packet = verdict.packet
        germination = _percent(packet.germination)
        print(f"{verdict.rating:<9} {packet.variety:<22} {packet.crop:<12} {germination:>5}  {verdict.note}")
    print(" · ".join(f"{rating} {count}" for rating, count in count_ratings(verdicts).items()))
    return 0


def cmd_swaps(args: argparse.Namespace, packets: list[Packet]) -> int:
    offers = surplus(judge_all(packets, args.today))
    if not offers:
        print("nothing to spare this time")
    for offer in offers:
        print(f"{offer.variety:<22} {offer.crop:<12} {offer.seeds:>6} seeds  {offer.packets} packets")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        packets = load_packets(args.file)
    except (OSError, ValueError) as exc:
        print(f"seedbox: {args.file}: {exc}", file=sys.stderr)
        return 2
    handlers: dict[str, Callable[[argparse.Namespace, list[Packet]], int]] = {
        "packets": cmd_packets,
        "viability": cmd_viability,
        "swaps": cmd_swaps,
    }
    return handlers[args.command](args, packets)
