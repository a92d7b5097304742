"""Water quality: each test judged ok, watch or alert against the limits of its tank's kind."""

from __future__ import annotations

TEMPERATURE = {"tropical": (24.0, 28.0), "coldwater": (16.0, 22.0), "marine": (24.0, 27.0)}  # °C
PH = {"tropical": (6.5, 7.5), "coldwater": (7.0, 8.0), "marine": (8.0, 8.4)}
TOXIC_PPM = 0.25  # ammonia or nitrite at or above this: alert
NITRATE_WATCH_PPM = 20.0  # nitrate above this: watch
NITRATE_ALERT_PPM = 40.0  # nitrate above this: alert
OVERDUE_DAYS = 7  # a tank not tested for more days than this is overdue
LEVELS = ("ok", "watch", "alert")


def worst(levels):
    """The most serious of some levels; ok when there are none."""
    return max(levels, key=LEVELS.index, default="ok")


def assess(reading, kind):
    """The level of one test of a tank of this kind, and the reasons for it (empty when ok)."""
    findings = []
    low, high = TEMPERATURE[kind]
    if not low <= reading.celsius <= high:
        findings.append(("watch", f"temperature {reading.celsius:.1f} °C outside {low:g}-{high:g}"))
    low, high = PH[kind]
    if not low <= reading.ph <= high:
        findings.append(("watch", f"pH {reading.ph:g} outside {low:g}-{high:g}"))
    for name, ppm in (("ammonia", reading.ammonia), ("nitrite", reading.nitrite)):
        if ppm >= TOXIC_PPM:
            findings.append(("alert", f"{name} {ppm:g} ppm"))
    if reading.nitrate > NITRATE_ALERT_PPM:
        findings.append(("alert", f"nitrate {reading.nitrate:g} ppm"))
    elif reading.nitrate > NITRATE_WATCH_PPM:
        findings.append(("watch", f"nitrate {reading.nitrate:g} ppm"))
    return worst(level for level, _ in findings), [reason for _, reason in findings]


def latest_by_tank(readings):
    """The latest test of each tank, by date (a later row wins a tie)."""
    latest = {}
    for reading in readings:
        current = latest.get(reading.tank)
        if current is None or reading.day >= current.day:
            latest[reading.tank] = reading
    return latest


def overview(tanks, readings, today):
    """One row per tank: (tank, latest reading or None, level, reasons, overdue), worst first.

    A tank never tested is on watch and overdue. Ties are in the order of the tank names.
    """
    latest = latest_by_tank(readings)
    rows = []
    for tank in tanks.values():
        reading = latest.get(tank.name)
        if reading is None:
            rows.append((tank, None, "watch", ["never tested"], True))
            continue
        level, reasons = assess(reading, tank.kind)
        rows.append((tank, reading, level, reasons, (today - reading.day).days > OVERDUE_DAYS))
    rows.sort(key=lambda row: (-LEVELS.index(row[2]), row[0].name))
    return rows
