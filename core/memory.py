"""Keeping Python's cyclic garbage collector out of the way of big, acyclic computations."""

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    """
    Pause the cyclic collector while a block builds many objects that hold no reference cycles
    (tuples, dicts, sets, dataclasses of them): each allocation past the collector's threshold
    would otherwise start a pass over every object alive, and a landscape of 10,000 types spent
    half its time there (docs/performance.md). Refcounting still frees what the block drops;
    the collector resumes afterwards, as it was, if it was on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
