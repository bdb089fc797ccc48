"""Helpers for the geo tests: copy the fixture data folder, edit one record, load it."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATA = FIXTURES / "geo_data"
REPORTS = FIXTURES / "geo_reports"
EVENTS = "events/fixture.yaml"


def copy_data(tmp_path: Path) -> Path:
    """A private copy of the fixture data folder (``<tmp>/data``), safe to edit."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("local"))  # no caches of other tests
    return target


def read_events(data: Path, name: str = EVENTS) -> list[dict[str, Any]]:
    with open(data / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def write_yaml(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(value, sort_keys=False, allow_unicode=True), encoding="utf-8")


def edit_record(data: Path, record_id: str, **changes: Any) -> None:
    """Change fields of one fixture record (a value of ``DELETE`` removes the field)."""
    records = read_events(data)
    for record in records:
        if record["id"] == record_id:
            for key, value in changes.items():
                if value is DELETE:
                    record.pop(key, None)
                else:
                    record[key] = value
            break
    else:
        raise KeyError(record_id)
    write_yaml(data / EVENTS, records)


DELETE = object()
