"""Render the exercise figures to one HTML page (and a PNG with headless Chromium), so a
clinician can review every exercise's frames at a glance.

    .venv/bin/python scripts/contact_sheet.py [--ids a,b,c] [--out DIR]

Writes OUT/contact.html and OUT/contact.png; exercises without a figure are listed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from html import escape
from pathlib import Path

from painpath.catalog import get_catalog
from painpath.figures.svg import animation, still_frames

CHROMIUM = Path("/usr/bin/chromium")


def page(ids: list[str] | None) -> tuple[str, int]:
    library = get_catalog().exercises
    chosen = [library[i] for i in ids] if ids else sorted(library.values(), key=lambda e: e.id)
    rows = []
    height = 0
    missing = []
    for ex in chosen:
        if ex.figure is None:
            missing.append(ex.id)
            continue
        frames = "".join(still_frames(ex.figure, ex.name, scale=0.9))
        rows.append(
            f"<section><h2>{escape(ex.name)} <small>{ex.id}</small></h2>"
            f"<div class='row'>{frames}<div class='anim'>{animation(ex.figure, ex.name, 0.9)}</div>"
            "</div></section>"
        )
        height += 260
    if missing:
        rows.append(f"<p>No figure yet: {', '.join(missing)}</p>")
    html = (
        "<!doctype html><meta charset='utf-8'><title>painpath exercise figures</title>"
        "<style>body{font-family:system-ui;background:#f7f5f0;margin:16px}"
        "section{margin-bottom:10px}h2{font-size:15px;margin:4px 0}small{color:#777}"
        ".row{display:flex;gap:14px;align-items:flex-end;flex-wrap:wrap}"
        ".anim{border-left:2px dashed #ccc;padding-left:12px}</style>"
        "<h1>Exercise figures</h1>" + "".join(rows)
    )
    return html, height + 120


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", default="", help="comma-separated exercise ids")
    default_out = Path(tempfile.gettempdir()) / "painpath-contact"
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    html, height = page([i for i in args.ids.split(",") if i] or None)
    target = args.out / "contact.html"
    target.write_text(html, encoding="utf-8")
    print(f"wrote {target}")
    if CHROMIUM.exists():
        png = args.out / "contact.png"
        subprocess.run(  # noqa: S603 - fixed local binary and our own file
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                f"--screenshot={png}",
                f"--window-size=1200,{min(height, 16000)}",
                target.as_uri(),
            ],
            check=False,
            capture_output=True,
        )
        print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
