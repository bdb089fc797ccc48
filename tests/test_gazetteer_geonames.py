"""import-geonames on the files GeoNames publishes (zip fixtures written here), sources, merging, cache."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from gazetteer import SourceFileError, build
from gazetteer.geonames import import_geonames

ROOT = Path(__file__).resolve().parent.parent


def row(gid: int, name: str, lat: float, lon: float, fclass: str = "P", code: str = "PPL", *, alt: str = "",
        cc: str = "SY", admin1: str = "", pop: int = 0) -> str:
    """One line of a GeoNames dump (19 tab-separated columns)."""
    return "\t".join([str(gid), name, name, alt, f"{lat:.5f}", f"{lon:.5f}", fclass, code, cc, "", admin1, "", "",
                      "", str(pop), "", "300", "Asia/Damascus", "2024-01-01"])


def best(gz, query: str, **kw) -> str | None:
    """The id of the answer, or of the first suggestion: a tiny test gazetteer knows too few villages
    for an exact village match to be confident (the resolver allows for unknown homonyms)."""
    res = gz.resolve(query, **kw)
    return res.id if res.resolved else (res.alternatives[0].id if res.alternatives else None)


def alt_row(aid: int, gid: int, lang: str, name: str) -> str:
    """One line of alternateNamesV2 (10 columns)."""
    return "\t".join([str(aid), str(gid), lang, name, "", "", "", "", "", ""])


def write_zip(path: Path, member: str, text: str, *, extra: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, text.encode("utf-8"))
        for name, body in (extra or {}).items():
            zf.writestr(name, body)
    return path


DUMP = [
    row(9100001, "Zzarqa Village", 35.10, 40.10, alt="Zzarqa,Zarqa Village,ZZQ", admin1="07"),
    row(9100002, "Qaryat Zzahra", 35.30, 40.30, "P", "PPLW", admin1="07"),
    row(9100003, "Tall Zzubayr", 35.50, 40.50, "P", "PPLQ", admin1="07"),
    row(9100004, "Zzabur Airbase", 35.70, 40.70, "S", "AIRB", admin1="07"),
    row(9100005, "Zzanbaq Hotel", 35.71, 40.71, "S", "HTL", admin1="07"),  # not a feature reports name
    row(9100006, "Wadi Zzimam", 35.20, 40.90, "H", "WAD", admin1="07"),
    row(9100007, "Jabal Zzawiya", 35.60, 36.50, "T", "MT", admin1="11"),
    row(9100008, "Muhafazat Halab", 36.20, 37.60, "A", "ADM1", alt="Aleppo,Aleppo Governorate,Halab", admin1="09"),
    row(9100009, "Mantiqat Hims", 34.73, 36.72, "A", "ADM2", alt="Homs,Hims", admin1="11"),
    row(9100010, "Rif Dimashq", 33.50, 36.60, "A", "ADM1", alt="Rural Damascus,Damascus Countryside", admin1="08"),
    row(9100011, "Aleppo", 36.2021, 37.1343, "P", "PPLA", admin1="09", pop=1_600_000),
    row(9100012, "Homs", 34.7268, 36.7234, "P", "PPLA", admin1="11", pop=775_000),
]


def sy_zip(tmp_path: Path, lines: list[str] = DUMP, *, bom: bool = True) -> Path:
    text = ("\ufeff" if bom else "") + "\n".join(lines) + "\n\n"  # BOM and a trailing blank line, as tools leave them
    return write_zip(tmp_path / "SY.zip", "SY.txt", text, extra={"readme.txt": "GeoNames readme"})


def alt_zip(tmp_path: Path) -> Path:
    lines = [alt_row(1, 9100001, "ar", "الزرقاء"), alt_row(2, 9100001, "link", "https://en.wikipedia.org/wiki/X"),
             alt_row(3, 9100001, "en", "Zerqa"), alt_row(4, 9100006, "", "Wadi az-Zimam"),
             alt_row(5, 42, "en", "Somewhere else entirely")]
    return write_zip(tmp_path / "alternateNamesV2.zip", "alternateNamesV2.txt", "\n".join(lines) + "\n",
                     extra={"iso-languagecodes.txt": "ISO 639-3\tISO 639-2\n"})


def test_sy_zip_with_bom_and_alternate_names_zip(local_home, tmp_path):
    info = import_geonames(sy_zip(tmp_path), alt_zip(tmp_path))
    assert info.count == 11  # every row but the hotel
    gz = build()
    assert best(gz, "Zerqa") == "gn:9100001"
    village = gz.resolve("Zzarqa Village")
    assert village.resolved and village.id == "gn:9100001" and village.governorate == "SY09"
    assert (village.lat, village.lon) == pytest.approx((35.10, 40.10))
    assert best(gz, "الزرقاء") == "gn:9100001"
    assert "ZZQ" not in gz["gn:9100001"].aliases  # codes are not names
    assert not gz.resolve("https://en.wikipedia.org/wiki/X").resolved
    assert "gn:9100005" not in gz
    assert gz["gn:9100004"].feature_type == "airbase"
    assert gz["gn:9100006"].feature_type == "wadi" and best(gz, "Wadi az-Zimam") == "gn:9100006"
    assert gz["gn:9100007"].feature_type == "mountain"
    assert "GeoNames (imported from SY.zip; CC BY 4.0" in village.provenance


def test_destroyed_and_abandoned_places_are_marked(local_home, tmp_path):
    import_geonames(sy_zip(tmp_path))
    gz = build()
    destroyed = gz.resolve("gn:9100002")
    assert gz["gn:9100002"].status == "destroyed (P.PPLW)" and "status: destroyed" in destroyed.provenance
    assert gz["gn:9100003"].status.startswith("abandoned")
    assert gz["gn:9100001"].status is None


def test_admin_areas_neither_make_capitals_ambiguous_nor_circles(local_home, tmp_path):
    before = build()
    famous = {q: before.resolve(q) for q in ("Aleppo", "Homs", "Rural Damascus")}
    import_geonames(sy_zip(tmp_path))
    gz = build()
    for q, old in famous.items():
        new = gz.resolve(q)
        assert new.id == old.id and new.confidence >= old.confidence - 1e-9, q
        assert (new.lat, new.lon) == pytest.approx((old.lat, old.lon)), q
        assert "ambiguous" not in new.note
        assert new.geometry.equals(old.geometry) and new.uncertainty_m == old.uncertainty_m, q
    assert gz.resolve("Aleppo").uncertainty_m <= 5_000  # not a 10 km admin-area circle
    assert gz.resolve("Rural Damascus").id == "SY03"
    # The GeoNames city rows merged into the curated cities; their names join them.
    assert any("GeoNames (imported" in s for s in gz["aleppo"].sources)
    # Asking for the district (or the governorate) still finds it.
    assert best(gz, "Homs District") == "gn:9100009" and gz["gn:9100009"].feature_type == "district"
    assert best(gz, "Mantiqat Hims") == "gn:9100009"
    assert gz.resolve("Aleppo Governorate").id == "SY02"


def test_all_countries_zip_is_filtered_by_country(local_home, tmp_path):
    lines = [row(9200001, "Bqwxafaran", 35.0, 37.0, cc="SY"), row(9200002, "Zzahle", 33.85, 35.9, cc="LB"),
             row(9200003, "Zzgaziantep", 37.0, 37.3, cc="TR"), row(9200004, "Tlaylbqwx", 33.7, 36.1, cc="SY")]
    dump = write_zip(tmp_path / "allCountries.zip", "allCountries.txt", "\n".join(lines) + "\n")
    assert import_geonames(dump).count == 2
    gz = build()
    assert "gn:9200001" in gz and "gn:9200004" in gz and "gn:9200002" not in gz
    assert import_geonames(dump, country="LB", source="GeoNames Lebanon").count == 1
    assert "gn:9200002" in build()


def test_plain_txt_dump_still_works(local_home, tmp_path):
    dump = tmp_path / "SY.txt"
    dump.write_text("\n".join(DUMP[:2]) + "\n", encoding="utf-8")
    assert import_geonames(dump).count == 2


def test_second_file_must_be_alternate_names(local_home, tmp_path):
    dump = sy_zip(tmp_path)
    with pytest.raises(SourceFileError, match=r"alternateNamesV2\.txt: line 1: expected 8 or 10 .* found 19 "
                                              r"\(this looks like a GeoNames dump"):
        import_geonames(dump, write_zip(tmp_path / "alternateNamesV2.zip", "alternateNamesV2.txt", DUMP[0] + "\n"))
    wrong = tmp_path / "names.txt"
    wrong.write_text("\t".join(["id", "geonameid", "lang", "name", "", "", "", "", "", ""]) + "\n", encoding="utf-8")
    with pytest.raises(SourceFileError, match=r"names\.txt: line 1: field 'alternateNameId': not an integer"):
        import_geonames(dump, wrong)
    assert not (local_home / "sources").exists() or not list((local_home / "sources").iterdir())


def test_bad_rows_are_all_reported_and_nothing_is_written(local_home, tmp_path):
    lines = [DUMP[0], DUMP[1].replace("35.30000", "north"), DUMP[2], DUMP[3].replace("\tSY\t", "\tSY\textra\t")]
    with pytest.raises(SourceFileError) as err:
        import_geonames(sy_zip(tmp_path, lines))
    text = str(err.value)
    assert "SY.zip:SY.txt: line 2: field 'latitude'/'longitude'" in text
    assert "line 4: expected 19 tab-separated columns" in text
    assert not (local_home / "sources").exists() or not list((local_home / "sources").iterdir())
    out = subprocess.run([sys.executable, "-m", "gazetteer", "import-geonames", str(tmp_path / "SY.zip")],
                         capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**os.environ, "DESERT_ATLAS_HOME": str(local_home)})
    assert out.returncode == 2 and out.stderr.startswith("error: ") and "line 2" in out.stderr


def test_two_million_alternate_names_import_quickly(local_home, tmp_path):
    n = 2_000_000
    body = "".join(f"{i}\t{9100001 + i % 4000}\ten\tName {i}\t\t\t\t\t\t\n" for i in range(n))
    big = tmp_path / "alternateNamesV2.txt"
    big.write_text(body, encoding="utf-8")
    t0 = time.perf_counter()
    info = import_geonames(sy_zip(tmp_path), big)
    assert time.perf_counter() - t0 <= 30.0
    assert info.count == 11
    import json
    doc = json.loads(info.path.read_text(encoding="utf-8"))
    village = next(p for p in doc["places"] if p["id"] == "gn:9100001")
    assert "Name 0" in village["aliases"] and len(village["aliases"]) >= n // 4000


def test_sources_merge_list_and_remove(local_home, tmp_path):
    # The same village from a hand-made table and from GeoNames, 1.4 km apart: one entry, two sources.
    table = tmp_path / "villages.csv"
    table.write_text("name,name_ar,lat,lon,adm1_pcode\nZzarqa Village,الزرقاء,35.11,40.11,SY09\n"
                     "Zzunbul,زنبل,35.9,38.9,SY11\n", encoding="utf-8")
    from gazetteer.place_files import import_places

    import_places(table, source="Field team", licence="CC BY 4.0")
    import_geonames(sy_zip(tmp_path), alt_zip(tmp_path))
    gz = build()
    hits = [p for p in gz.places if p.name == "Zzarqa Village" or "Zzarqa Village" in p.aliases]
    assert len(hits) == 1
    entry = hits[0]
    assert len(entry.sources) == 2 and entry.sources[0].startswith("Field team")
    assert (entry.lat, entry.lon) == pytest.approx((35.11, 40.11))  # the earlier source keeps its position
    res = gz.resolve("Zzarqa Village")
    assert res.id == entry.id and not res.alternatives and "ambiguous" not in res.note
    assert "Field team" in res.provenance and "GeoNames" in res.provenance
    assert best(gz, "Zerqa") == entry.id  # a GeoNames alternate name reaches the merged entry
    env = {**os.environ, "DESERT_ATLAS_HOME": str(local_home)}
    listing = subprocess.run([sys.executable, "-m", "gazetteer", "sources"], capture_output=True, text=True,
                             cwd=ROOT, env=env, timeout=120)
    assert listing.returncode == 0, listing.stderr
    lines = listing.stdout.splitlines()
    assert any(line.startswith("Field team\t2 rows") for line in lines)
    assert any(line.startswith("GeoNames\t11 rows") for line in lines)
    gone = subprocess.run([sys.executable, "-m", "gazetteer", "remove-source", "Field team"], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)
    assert gone.returncode == 0 and "removed source 'Field team'" in gone.stdout
    after = build()
    assert "Zzunbul" not in {p.name for p in after.places}
    assert best(after, "Zerqa") == "gn:9100001"
    missing = subprocess.run([sys.executable, "-m", "gazetteer", "remove-source", "Nope"], capture_output=True,
                             text=True, cwd=ROOT, env=env, timeout=120)
    assert missing.returncode == 2 and "no imported source named 'Nope'" in missing.stderr


def test_compiled_cache_is_shared_readable_and_follows_the_sources(local_home, tmp_path):
    build()
    first = sorted((local_home / "cache").glob("gazetteer-*.pickle"))
    assert len(first) == 1 and stat.S_IMODE(first[0].stat().st_mode) == 0o644
    import_geonames(sy_zip(tmp_path))
    assert stat.S_IMODE(next((local_home / "sources").iterdir()).stat().st_mode) == 0o644
    gz = build()
    second = sorted((local_home / "cache").glob("gazetteer-*.pickle"))
    assert len(second) == 1 and second != first  # rebuilt for the new source, the stale file removed
    assert "gn:9100001" in gz
    t0 = time.perf_counter()
    again = build()
    assert time.perf_counter() - t0 < 1.0 and "gn:9100001" in again and again is not gz
