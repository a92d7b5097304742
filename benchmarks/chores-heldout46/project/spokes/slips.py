"""Job slips: a text file per job, printed and tied to the bike's handlebars."""

from __future__ import annotations

from pathlib import Path

from spokes.charges import labour_charge, suggested_donation
from spokes.jobs import Job
from spokes.money import format_money
from spokes.report import format_minutes

WORKSHOP = "Eastside Bike Kitchen"


def slip_text(job: Job) -> str:
    """The slip of one job: the bike, the work, each part, the labour and the suggested donation."""
    lines = [
        f"{WORKSHOP} - job {job.number}",
        f"Booked in:  {job.booked_in.isoformat()}",
        f"Bike:       {job.bike}",
        f"Work:       {job.work}",
        f"Mechanic:   {job.mechanic}",
        "Parts:",
    ]
    lines += [f"  {part.name:<24}{format_money(part.pence):>8}" for part in job.parts] or ["  (none)"]
    labour = labour_charge(job.labour_minutes, job.concession)
    concession = " (concession)" if job.concession else ""
    lines.append(f"Labour:     {format_minutes(job.labour_minutes):<14}{format_money(labour):>8}{concession}")
    lines.append(f"Suggested donation:       {format_money(suggested_donation(job)):>8}")
    return "\n".join(lines) + "\n"


def write_slip(job: Job, folder: str | Path) -> Path:
    """Write the job's slip as ``job-NUMBER.txt`` in ``folder`` (created if missing); its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"job-{job.number}.txt"
    path.write_text(slip_text(job), encoding="utf-8")
    return path
