"""The coaching report in a real browser: Debian's Chromium driven by Python playwright.

Never downloads a browser: playwright is pointed at /usr/bin/chromium. Skipped (with the
install line) where Chromium or playwright is missing; CI installs both.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cxanalysis.report import write_reports

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    path = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    if not path:
        pytest.skip("Chromium not found: apt-get install chromium")
    return path


def _open(context, page_path: Path, shot: Path) -> dict:
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(page_path.as_uri(), wait_until="load")
    images = page.evaluate(
        "() => Array.from(document.images).map(i => ({src: i.src.slice(0, 30), ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth}))"
    )
    lang = page.evaluate("() => document.documentElement.lang")
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    return {"errors": errors, "images": images, "lang": lang}


def test_report_renders_in_chromium(tmp_path, sample_frame, sample_features):
    exe = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed: pip install playwright")
    written = write_reports(sample_frame, tmp_path / "reports", feats=sample_features, agents=["陈静"])
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=exe, headless=True, args=FLAGS, viewport={"width": 1280, "height": 1000}
        )
        try:
            results = {
                "index": _open(context, written["index"], tmp_path / "index.png"),
                "agent": _open(context, written["陈静"], tmp_path / "agent.png"),
            }
        finally:
            context.close()
    for name, r in results.items():
        assert r["errors"] == [], (name, r["errors"])
        assert r["lang"] == "en"
        assert len(r["images"]) >= 2, name  # team: scores + first reply; agent: profile + first reply
        assert all(i["ok"] and i["src"].startswith("data:image/png") for i in r["images"]), (name, r["images"])
    for shot in ("index.png", "agent.png"):
        assert (tmp_path / shot).stat().st_size > 10_000
