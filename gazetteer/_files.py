"""Writing a file so that readers see the old or the new version, never half of one."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

#: Mode of written files: data and caches are shared with other users of the machine
#: (``tempfile.mkstemp`` would leave them 0600, unreadable to anyone else).
FILE_MODE = 0o644


@contextlib.contextmanager
def atomic_writer(path: Path, *, binary: bool = False) -> Iterator[IO]:
    """Yield a handle on a unique temporary file beside ``path``; rename it into place on success.

    The unique name keeps two threads (two Streamlit sessions) from sharing a temp file; a failure
    removes the temp file and leaves the old ``path`` untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if binary:
            fh = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        with fh:
            yield fh
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text to ``path`` atomically (see ``atomic_writer``)."""
    with atomic_writer(path) as fh:
        fh.write(text)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write bytes to ``path`` atomically (see ``atomic_writer``)."""
    with atomic_writer(path, binary=True) as fh:
        fh.write(data)
