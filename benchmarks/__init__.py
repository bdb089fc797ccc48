"""Benchmarks: ``python -m benchmarks NAME`` runs ``benchmarks/NAME.py``'s ``main()``.

Each benchmark prints result lines ``BENCH <name> <value>`` (seconds unless the name says
otherwise) that CI and humans can grep.
"""


def bench(name: str, value: float) -> None:
    """Print one result line in the shared format."""
    print(f"BENCH {name} {value:.4f}", flush=True)
