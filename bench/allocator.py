"""glibc's allocator as the production image sets it (the Dockerfile's ``ENV``), for the bench.

Nothing here touches Django or the environment at import (the tests read ``ALLOCATOR_ENV``).
"""

from __future__ import annotations

import os
import sys

#: glibc's allocator as the production image sets it (Dockerfile ``ENV``): large blocks kept in
#: the heap and not handed back to the system at every free. CPython allocates a page's
#: ~1.4 MB strings with ``malloc``; by default glibc maps and unmaps each one, and every copy
#: of the team map (nine through the nested templates and the encode) faulted its pages in
#: again: measured, about 17 % of the map's and the editor's CPU. The bench runs with the
#: production setting, read by glibc when the process starts (``allocator_env_exec``).
ALLOCATOR_ENV = {"MALLOC_MMAP_THRESHOLD_": "33554432", "MALLOC_TRIM_THRESHOLD_": "268435456"}


def allocator_env_exec() -> None:
    """Start this bench again with ``ALLOCATOR_ENV`` when it was started without it (glibc
    reads it once, at the process's start); ``BENCH_DEFAULT_ALLOCATOR=1`` measures without."""
    if os.environ.get("BENCH_DEFAULT_ALLOCATOR") or all(
        os.environ.get(name) == value for name, value in ALLOCATOR_ENV.items()
    ):
        return
    os.execve(  # noqa: S606  # nosec B606 # this interpreter, this module, the same arguments
        sys.executable,
        [sys.executable, "-m", "bench.run", *sys.argv[1:]],
        {**os.environ, **ALLOCATOR_ENV},
    )
