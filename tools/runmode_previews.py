"""`make run-previews`: the screenshots docs/run-mode.md shows, from a built site.

Run mode and the presenter view at 1280 by 720 and 320 pixels wide, light and dark, with the
clock held (Playwright's clock) so the timers read the same every time, and one page of the
monthly hour's slides. For people to look at before they go into the docs, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser import CHROMIUM, CHROMIUM_ARGS  # the tests' Chromium and its flags

START = dt.datetime(2026, 12, 3, 18, 29)
MINUTE = 60_000


def screenshots(site: Path, out: Path) -> list[Path]:
    made = []
    monthly = (site / "run/sessions/monthly-peer-support-hour.html").as_uri()
    module = (site / "run/modules/self-care.html").as_uri()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width, height in ((1280, 720), (320, 640)):
            for scheme in ("light", "dark"):
                context = browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                context.clock.install(time=START)
                context.clock.pause_at(START + dt.timedelta(minutes=1))
                page = context.new_page()
                page.goto(monthly)
                # Light: the welcome and group agreement; dark: reflection questions.
                for _ in range(4 if scheme == "dark" else 0):
                    page.keyboard.press("ArrowRight")
                made.append(out / f"run-{width}-{scheme}.png")
                page.screenshot(path=str(made[-1]))
                page.close()
                # The presenter: an activity of the self-care module, 5 minutes in, step 2.
                page = context.new_page()
                page.goto(module)
                context.clock.fast_forward(9 * MINUTE)
                for _ in range(4):
                    page.keyboard.press("ArrowRight")
                context.clock.fast_forward(4 * MINUTE + 12_000)
                page.keyboard.press("n")
                context.clock.fast_forward(65_000)
                presenter = context.new_page()
                presenter.goto(module + "#presenter")
                presenter.locator("[data-figure=plan]").wait_for()
                made.append(out / f"presenter-{width}-{scheme}.png")
                presenter.screenshot(path=str(made[-1]))
                context.close()
        browser.close()
    slides = site / "packs/sessions/monthly-peer-support-hour-slides.pdf"
    if slides.is_file():
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "72",
                "-f",
                "5",
                "-l",
                "5",
                "-singlefile",
                str(slides),
                str(out / "slide"),
            ],
            check=True,
        )
        made.append(out / "slide.png")
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path("site"))
    parser.add_argument("--out", type=Path, default=Path("docs/assets/facilitate"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in screenshots(args.site, args.out):
        print(path)


if __name__ == "__main__":
    main()
