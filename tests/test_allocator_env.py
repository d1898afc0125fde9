"""The bench measures with the allocator the production image runs with (bench/allocator.py's
``ALLOCATOR_ENV`` and the Dockerfile's ``ENV``), and glibc honours it in a new process."""

import ctypes.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.allocator import ALLOCATOR_ENV

ROOT = Path(__file__).resolve().parent.parent


def test_the_image_sets_what_the_bench_measures_with() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    env = dict(re.findall(r"\b(MALLOC_[A-Z_]+)=(\S+)", dockerfile))
    assert env == ALLOCATOR_ENV


@pytest.mark.skipif(not ctypes.util.find_library("c"), reason="no C library to ask")
def test_a_process_started_with_it_keeps_a_large_block_in_the_heap() -> None:
    """A 2 MB block freed and allocated again: with the setting glibc serves it from the heap
    (no new mapping); by default each such block is its own mapping, unmapped when freed."""
    script = (
        "import ctypes, ctypes.util\n"
        "libc = ctypes.CDLL(ctypes.util.find_library('c'))\n"
        "libc.malloc.restype = ctypes.c_void_p\n"
        "libc.sbrk.restype = ctypes.c_void_p\n"
        "before = libc.sbrk(0)\n"
        "block = libc.malloc(2 << 20)\n"
        "print(int(libc.sbrk(0) - before >= 2 << 20))\n"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}

    def in_heap(env: dict[str, str]) -> bool:
        out = subprocess.run(  # noqa: S603  # nosec B603 # this interpreter, a fixed script
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        return out.stdout.strip() == "1"

    assert in_heap({**base, **ALLOCATOR_ENV})
    assert not in_heap(base)
