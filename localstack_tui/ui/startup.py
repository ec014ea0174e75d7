"""Python's cyclic garbage collector paused while lstui starts.

Starting the explorer allocates a few hundred thousand long-lived objects
(Textual, botocore's service models, the screen); the collector scans them
again and again on the way: ~100 ms of a ~1.2 s start on this machine. `lstui`
pauses it before importing the UI and the app resumes it once its panes are
filled (or a few seconds have passed), moving what start-up built out of the
collector's way (`gc.freeze`).
"""

from __future__ import annotations

import gc

_paused = False


def pause_gc() -> None:
    """Before the imports: no collections until `resume_gc`."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_gc() -> None:
    """Once started: what start-up built is frozen (never scanned again), collections resume."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
