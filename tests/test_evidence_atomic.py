"""Evidence spans (quotes only when the text still matches) and all-or-nothing file writes."""
from __future__ import annotations

import hashlib

import pytest

from _geo_helpers import REPORTS
from geo.store.atomic import staged, write_text_atomic
from geo.core.evidence import find_report_file, locate, quote, span_sha256
from geo.core.model import Evidence, Report

TEXT = (REPORTS / "fx001.txt").read_bytes().decode("utf-8")


def test_span_offsets_are_characters_not_bytes():
    start, end = locate(TEXT, "“two convoys”")
    assert TEXT[start:end] == "“two convoys”"
    assert span_sha256(TEXT, start, end) == hashlib.sha256("“two convoys”".encode()).hexdigest()
    assert len(TEXT.encode("utf-8")) > len(TEXT)  # the fixture does contain multi-byte characters


def test_locate_occurrences():
    first = locate(TEXT, "al-Bukamal")
    second = locate(TEXT, "al-Bukamal", occurrence=2)
    assert second[0] > first[0]
    with pytest.raises(ValueError, match="not found"):
        locate(TEXT, "al-Bukamal", occurrence=3)


def test_quote_only_when_text_available_and_matching(tmp_path):
    report = Report("fx001", file="fx001.txt")
    start, end = locate(TEXT, "Trucks then carried")
    good = Evidence("fx001", start, end, span_sha256(TEXT, start, end))
    assert quote(good, report, [tmp_path, REPORTS]) == "Trucks then carried"
    assert find_report_file(report, [tmp_path]) is None
    assert quote(good, report, [tmp_path]) is None  # no text: no quote, no error
    stale = Evidence("fx001", start + 1, end, good.sha256)
    assert quote(stale, report, [REPORTS]) is None  # never a wrong quote


def test_staged_writes_commit_together(tmp_path):
    with staged() as st:
        for name in ("a.txt", "b.txt"):
            st.temp_for(tmp_path / name).write_text(name)
        assert not (tmp_path / "a.txt").exists()  # nothing visible before the block ends
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_staged_writes_vanish_on_error(tmp_path):
    (tmp_path / "a.txt").write_text("old")
    with pytest.raises(RuntimeError):
        with staged() as st:
            st.temp_for(tmp_path / "a.txt").write_text("new")
            st.temp_for(tmp_path / "b.txt").write_text("half")
            raise RuntimeError("boom")
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    assert (tmp_path / "a.txt").read_text() == "old"


def test_write_text_atomic(tmp_path):
    write_text_atomic(tmp_path / "x.json", "{}\n")
    assert (tmp_path / "x.json").read_text() == "{}\n" and len(list(tmp_path.iterdir())) == 1


def test_a_killed_writes_temp_file_is_removed_by_the_next_write(tmp_path):
    """kill -9 between writing a temp and renaming it leaves ``.<stem>.<hex>.tmp<suffix>``; the next
    write of the same file removes it once it is clearly stale, and never touches a live writer's."""
    import os
    import time

    from geo.store.atomic import STALE_TEMP_S

    target = tmp_path / "strikes.geojson"
    stale = tmp_path / ".strikes.0badc0de.tmp.geojson"
    live = tmp_path / ".strikes.1234abcd.tmp.geojson"
    other = tmp_path / ".notes.0badc0de.tmp.txt"  # another file's temp is not ours to judge here
    for path in (stale, live, other):
        path.write_text("half a file")
    old = time.time() - STALE_TEMP_S - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    write_text_atomic(target, "{}")
    assert target.read_text() == "{}"
    assert not stale.exists() and live.exists() and other.exists()
