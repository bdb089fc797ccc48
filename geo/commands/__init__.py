"""Subcommands of ``python -m geo``: each module exposes ``add_parser(subparsers)`` (see geo.cli)."""
