"""`make look`: every page of every pack as a small PNG, and one contact sheet per pack.

For people to look at, not a test: open `look/<pack>.png` and see every page at once (cards
off their cards, empty pages, a heading alone at the foot of a page). It also prints, per pack,
what the tests' page reader (tests/layout.py) finds: pages, overprinted word pairs, blank and
heading-only pages, pages without a running title.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from layout import check_pages  # the tests' reader of word boxes

COLUMNS = 8
GAP = 12
LABEL = 16


def render_pages(pdf: Path, folder: Path, resolution: int) -> list[Path]:
    """Each page of `pdf` as `folder/page-N.png`, in page order."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    command = ["pdftoppm", "-png", "-r", str(resolution), str(pdf), str(folder / "page")]
    subprocess.run(command, check=True)
    return sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def contact_sheet(pages: list[Path], title: str, target: Path) -> None:
    """The pages side by side, COLUMNS to a row, each numbered, on one PNG."""
    images = [Image.open(page).convert("RGB") for page in pages]
    width = max(image.width for image in images)
    height = max(image.height for image in images)
    columns = min(COLUMNS, len(images))
    rows = -(-len(images) // columns)
    sheet = Image.new(
        "RGB",
        (columns * (width + GAP) + GAP, rows * (height + GAP + LABEL) + GAP + 2 * LABEL),
        "#8a8a8a",
    )
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default()
    draw.text((GAP, GAP // 2), f"{title}: {len(images)} pages", fill="black", font=font)
    for index, image in enumerate(images):
        row, column = divmod(index, columns)
        x = GAP + column * (width + GAP)
        y = 2 * LABEL + row * (height + GAP + LABEL)
        sheet.paste(image, (x, y))
        draw.text((x, y + height + 2), str(index + 1), fill="black", font=font)
    sheet.save(target, optimize=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packs", nargs="?", default="site/packs", type=Path)
    parser.add_argument("--out", default="look", type=Path)
    parser.add_argument("--resolution", default=30, type=int, help="dots per inch")
    args = parser.parse_args(argv)
    pdfs = sorted(args.packs.rglob("*.pdf"))
    if not pdfs:
        print(f"no PDFs under {args.packs}: run `make build` first", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)

    def one(pdf: Path) -> str:
        name = f"{pdf.parent.name}-{pdf.stem}"
        pages = render_pages(pdf, args.out / name, args.resolution)
        target = args.out / f"{name}.png"
        contact_sheet(pages, str(pdf.relative_to(args.packs)), target)
        found = check_pages(pdf, cover=not pdf.stem.endswith("cards"))
        return (
            f"{target}: {found.pages} pages, {len(found.overlapping_pairs)} overprinted word "
            f"pairs, blank {found.blank}, heading only {found.heading_only}, "
            f"no running title {found.no_running_title}"
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        for line in pool.map(one, pdfs):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
