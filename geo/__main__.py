"""Entry point of ``python -m geo`` (see :mod:`geo.cli`)."""
from geo.cli import main

raise SystemExit(main())
