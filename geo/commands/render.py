"""``python -m geo render``: a report-ready static map (PNG, SVG or PDF) of the filtered records."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.commands import _args


def _out(value: str) -> Path:
    from geo.outputs.static.render import RenderError, check_output_path

    try:
        return check_output_path(value)[0]
    except RenderError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _bbox(value: str) -> tuple[float, float, float, float]:
    from geo.outputs.static.render import RenderError, parse_bbox

    try:
        return parse_bbox(value)
    except RenderError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _ranged(lo: int, hi: int, what: str):  # noqa: ANN202 - an argparse type factory
    def check(value: str) -> int:
        try:
            number = int(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{what}: not a whole number: {value!r}") from exc
        if not lo <= number <= hi:
            raise argparse.ArgumentTypeError(f"{what} must be within {lo}..{hi}, got {number}")
        return number

    return check


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from geo.outputs.static.render import DEFAULT_DPI, DEFAULT_WIDTH_PX, DPI_RANGE, WIDTH_RANGE_PX

    p = subparsers.add_parser("render", help="draw a report-ready map image (PNG, SVG or PDF)", description=__doc__)
    p.add_argument("--out", required=True, type=_out, metavar="FILE",
                   help="output image; the format follows the extension: .png, .svg or .pdf")
    p.add_argument("--start", type=_args.start_date, help="first day shown (YYYY-MM-DD, YYYY-MM or YYYY)")
    p.add_argument("--end", type=_args.end_date, help="last day shown (YYYY-MM-DD, YYYY-MM or YYYY)")
    p.add_argument("--actor", action="append", metavar="ID", help="actor id (repeatable or comma-separated)")
    p.add_argument("--kind", action="append", metavar="KIND",
                   help="record kind or layer name (repeatable or comma-separated)")
    p.add_argument("--bbox", type=_bbox, metavar="W,S,E,N",
                   help="map extent in degrees: lon_min,lat_min,lon_max,lat_max (default: Syria)")
    p.add_argument("--title", help="title printed above the map")
    p.add_argument("--width", type=_ranged(*WIDTH_RANGE_PX, "--width"), default=DEFAULT_WIDTH_PX, metavar="PX",
                   help=f"image width in pixels (default {DEFAULT_WIDTH_PX})")
    p.add_argument("--dpi", type=_ranged(*DPI_RANGE, "--dpi"), default=DEFAULT_DPI,
                   help=f"resolution: the print width is width/dpi inches (default {DEFAULT_DPI})")
    p.add_argument("--browser", action="store_true",
                   help="instead, screenshot the interactive dashboard map in headless Chromium (PNG only)")
    _args.add_data_dir(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from geo.errors import FilterError
    from geo.outputs.static.render import RenderError

    prog = "python -m geo render"
    if args.start and args.end and args.end < args.start:
        print(f"{prog}: error: --end {args.end} is before --start {args.start}", file=sys.stderr)
        return 2
    actors, kinds = _args.split_list(args.actor), _args.split_list(args.kind)
    try:
        if args.browser:
            from geo.outputs.webmap.screenshot import screenshot

            path = screenshot(args.out, start=args.start, end=args.end, actors=actors, kinds=kinds,
                              width=args.width, data_dir=args.data_dir)
        else:
            from geo.store import load_dataset
            from geo.outputs.static.render import render_dataset

            dataset = load_dataset(args.data_dir)
            path = render_dataset(args.out, dataset, start=args.start, end=args.end, actors=actors, kinds=kinds,
                                  bbox=args.bbox, title=args.title, width=args.width, dpi=args.dpi)
    except (RenderError, FilterError) as exc:  # bad arguments the parser could not know about
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0
