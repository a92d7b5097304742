#!/usr/bin/env python3
"""Render an HTML report with headless Chromium to a PNG, to see it as a browser shows it.

    scripts/screenshot_report.py report.html docs/img/report.png [--width 1280] [--height 2000]

Uses Debian's chromium (``apt-get install -y chromium``). The browser gets a throw-away profile and
every background network feature switched off: the report must render with no network at all.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("no chromium found: apt-get install -y chromium")


def screenshot(html_file: Path, png_file: Path, *, width: int = 1280, height: int = 2000, timeout: float = 120) -> Path:
    html_file = html_file.resolve()
    if not html_file.is_file():
        raise SystemExit(f"{html_file}: no such file")
    png_file = png_file.resolve()
    png_file.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="agentrunner-chromium-") as profile:
        command = [
            find_browser(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--screenshot={png_file}",
            f"--window-size={width},{height}",
            html_file.as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0 or not png_file.exists():
        sys.stderr.write(result.stderr[-2000:])
        raise SystemExit(f"chromium failed (exit {result.returncode})")
    return png_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("html", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=2000)
    args = parser.parse_args()
    out = screenshot(args.html, args.png, width=args.width, height=args.height)
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
