"""What the embedded LocalStack needs of this Python; stdlib only, so that it
runs (and explains itself) even on a Python too old for the rest."""

from __future__ import annotations

import sys

MIN_PYTHON = (3, 13)


def python_too_old(version_info: tuple[int, ...] | None = None) -> str | None:
    """A one-line reason when `version_info` is older than LocalStack needs, else None."""
    if version_info is None:
        version_info = (sys.version_info.major, sys.version_info.minor, sys.version_info.micro)
    if tuple(version_info[:2]) >= MIN_PYTHON:
        return None
    found = ".".join(str(part) for part in version_info[:3])
    return f"the embedded LocalStack needs Python 3.13 or newer; this is Python {found}"
