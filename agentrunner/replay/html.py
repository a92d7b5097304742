"""The HTML view of a comparison: the table, and per call the original and new answers side by side
with their scores. One self-contained file (inline CSS, no scripts, every text escaped)."""

from __future__ import annotations

import html
from pathlib import Path

from ..atomic import atomic_write
from .compare import HTML_MAX_CALLS, TABLE_COLUMNS, CompareReport, table_cells
from .outcome_eval import COST_USD

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}
.call{border:1px solid #ddd;margin:1.5rem 0;padding:.5rem 1rem}
.answers{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:.8rem}
pre{white-space:pre-wrap;word-break:break-word;background:#fafafa;padding:.5rem;margin:.3rem 0;
  max-height:24rem;overflow:auto}
.low{color:#a00;font-weight:bold}.ok{color:#070}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def render_html(report: CompareReport) -> str:
    unit = str(report.rows[0].get("cost_unit", COST_USD)) if report.rows else COST_USD
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>agentrunner compare</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>agentrunner compare</h1><p>{_e(report.selection)} · quality floor {_e(report.floor)}</p>",
        "<table><thead><tr>" + "".join(f"<th>{_e(c)}</th>" for c in TABLE_COLUMNS) + "</tr></thead><tbody>",
    ]
    for row in report.rows:
        cells = table_cells({**row, "cost_usd": row.get("cost", row["cost_usd"])}, unit)
        parts.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
    parts.append("</tbody></table>")
    for note in report.notes:
        parts.append(f"<p>note: {_e(note)}</p>")
    if report.details:
        parts.append(f"<h2>Calls ({len(report.details)})</h2>")
        if report.details_truncated:
            parts.append(f"<p>Only the first {HTML_MAX_CALLS} calls are shown.</p>")
    for detail in report.details:
        parts.append(f"<div class='call'><h3>call {_e(detail.call_id)}</h3>")
        parts.append(f"<details><summary>prompt</summary><pre>{_e(detail.prompt)}</pre></details>")
        parts.append("<div class='answers'>")
        parts.append(f"<div><b>original</b> ({_e(detail.original_tier or '-')})<pre>{_e(detail.original)}</pre></div>")
        for answer in detail.answers:
            css = "ok" if answer.score >= report.floor else "low"
            scorer = answer.scorer
            if answer.score_details.get("scorer"):  # auto: which scorer it picked
                scorer += f"→{answer.score_details['scorer']}"
            head = (
                f"<b>{_e(answer.config_name)}</b> → {_e(answer.tier or '-')} · "
                f"<span class='{css}'>{_e(scorer)} {answer.score:.3f}</span>"
                + (" · cached" if answer.cached else "")
            )
            body = _e(answer.error) if answer.error else _e(answer.text)
            parts.append(f"<div>{head}<pre>{body}</pre></div>")
        parts.append("</div></div>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html(report: CompareReport, path: Path) -> None:
    atomic_write(path, render_html(report))
