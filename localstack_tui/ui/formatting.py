"""Small display helpers shared by the widgets."""

from __future__ import annotations

from datetime import datetime


def human_size(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def short_time(moment: datetime | str | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, str):
        return moment.replace("T", " ")[:19]
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def masked(value: str) -> str:
    return "•" * min(max(len(value), 4), 12)
