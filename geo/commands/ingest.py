"""``python -m geo ingest REPORT.txt|DIR ...``: geoparse reports into candidate records for review.

Candidates go to the review queue (``<data>/review/queue.yaml``; decide on them in the
dashboard's review page), never straight into the curated data.  ``--out FILE`` writes them as
JSON instead and touches nothing in the data folder.  A file that cannot be ingested (empty,
binary, too large, naming no known place) is reported and skipped; exit status 1 if any was.
"""
from __future__ import annotations

import argparse
import sys

from geo.commands import _args


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("ingest", help="geoparse report texts into candidate records to review",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="REPORT", help="report text files (.txt) or folders of them")
    p.add_argument("--source", metavar="OUTLET", help="the outlet that published the report")
    p.add_argument("--via", metavar="NAME", help="who relayed it (agency, translator, aggregator)")
    p.add_argument("--url", type=_args.http_url, help="where it was published")
    p.add_argument("--published", type=_args.published_day, metavar="YYYY-MM-DD",
                   help="publication date; relative dates ('on Tuesday', '10 days ago') count from it "
                        "(without it they stay unknown)")
    p.add_argument("--out", type=_args.output_path, metavar="FILE",
                   help="write the result as JSON to FILE instead of queueing it (the data folder is not touched)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar for folders")
    _args.add_data_dir(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from geo.ingest.ingester import Ingester, Source, ingest_paths, write_json
    from geo import settings
    from geo.review import add_results

    data_dir = args.data_dir or settings.data_dir()
    source = Source(outlet=args.source, via=args.via, url=args.url, published=args.published)
    ingester = Ingester(data_dir=data_dir)

    def failed(path: str, message: str) -> None:
        print(f"skipped: {message}", file=sys.stderr)

    batch = ingest_paths(args.paths, ingester=ingester, source=source, progress=not args.no_progress,
                         on_error=failed)
    for r in batch.results:
        rep = r.report
        places = {m["id"] or m["query"] for m in r.mentions if m["role"] in ("place", "context", "anchor")}
        dropped = sum(n for zone, n in rep["zones"].items() if zone not in ("body", "title"))
        print(f"{rep['name']}: report {rep['id']}: {len(r.candidates)} candidate(s), {len(places)} place(s); "
              f"{dropped} sentence(s) of page furniture, duplicates or comments left out"
              + ("" if rep["published"] else "; no --published: relative dates left unknown"))
    if args.out is not None:
        if batch.results:
            out = write_json(batch, args.out)
            print(f"wrote {out} ({len(batch.results)} report(s), "
                  f"{sum(len(r.candidates) for r in batch.results)} candidate(s))")
    elif batch.results:
        added = add_results(batch.results, data_dir=data_dir)
        print(f"queued {added.added} new candidate(s) in {data_dir / 'review' / 'queue.yaml'}"
              + (f"; {added.already_queued} already queued" if added.already_queued else "")
              + (f"; {added.already_rejected} rejected before, not proposed again" if added.already_rejected else ""))
        for why, entries in (("already queued", added.queued_before), ("rejected before", added.rejected_before)):
            for candidate_id, title in entries:  # nothing left out without being named
                print(f"  {why}: {candidate_id} {title}")
    if batch.failures:
        print(f"{len(batch.failures)} of {len(batch.failures) + len(batch.results)} file(s) could not be ingested",
              file=sys.stderr)
        return 1
    return 0
