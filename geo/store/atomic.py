"""All-or-nothing file output: write beside the target, then ``os.replace`` into place.

An export touches several files; they are all staged first and only renamed once every one was
written, so a failure (bad data, full disk, Ctrl-C) never leaves a half-written file behind.

Each rename is atomic, but a set of renames is not: if one fails, the files staged before it are
already replaced.  They are replaced in the order they were staged, so a caller stages the file
that records the change (e.g. the review queue) last, and makes a retry repair the others.
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path


#: A temp file of ours older than this was left by a killed process (a live writer renames its
#: temp within seconds), so the next write beside it removes it.
STALE_TEMP_S = 600.0


def _temp_pattern(target: Path) -> re.Pattern[str]:
    return re.compile(rf"^\.{re.escape(target.stem)}\.[0-9a-f]{{8}}\.tmp{re.escape(target.suffix)}$")


def remove_stale_temps(target: Path, *, older_than_s: float = STALE_TEMP_S) -> list[Path]:
    """Delete temp files of our own naming for ``target`` left by a killed write; returns them."""
    pattern, now, removed = _temp_pattern(target), time.time(), []
    with contextlib.suppress(OSError):
        for path in target.parent.iterdir():
            if pattern.match(path.name) and now - path.stat().st_mtime > older_than_s:
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(path)
    return removed


class Staging:
    """Temp files beside their targets; :meth:`commit` renames them, :meth:`abort` deletes them."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def temp_for(self, target: Path) -> Path:
        """A fresh temp path in ``target``'s folder, keeping its suffix (drivers sniff it); stale temps
        a killed write left for the same target are removed first."""
        target = Path(target)
        remove_stale_temps(target)
        temp = target.with_name(f".{target.stem}.{secrets.token_hex(4)}.tmp{target.suffix}")
        self._pending.append((temp, target))
        return temp

    @property
    def targets(self) -> list[Path]:
        """The final paths of every file staged so far."""
        return [target for _, target in self._pending]

    def commit(self) -> list[Path]:
        """Move every staged file into place, in staging order; returns the targets.

        On a failure the temp files not yet moved are deleted; those already moved stay.
        """
        try:
            for temp, target in self._pending:
                os.replace(temp, target)
        except BaseException:
            self.abort()
            raise
        done = [target for _, target in self._pending]
        self._pending.clear()
        return done

    def abort(self) -> None:
        """Delete every staged temp file (missing ones are fine)."""
        for temp, _ in self._pending:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
        self._pending.clear()


@contextlib.contextmanager
def staged() -> Iterator[Staging]:
    """``with staged() as st: write(st.temp_for(path))`` — committed only if the block succeeds."""
    staging = Staging()
    try:
        yield staging
    except BaseException:
        staging.abort()
        raise
    staging.commit()


def write_text_atomic(path: Path, text: str) -> None:
    """Write one text file atomically (UTF-8, ``\\n`` line ends)."""
    with staged() as st:
        temp = st.temp_for(path)
        with open(temp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write one binary file atomically (its folder is created; readable by others, mode 0644)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with staged() as st:
        temp = st.temp_for(path)
        temp.write_bytes(data)
        os.chmod(temp, 0o644)
