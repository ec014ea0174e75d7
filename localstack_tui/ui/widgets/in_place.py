"""New content for a Static without laying out the whole screen when its size stays the same.

`Static.update` asks for a layout of the screen on every call: every widget placed again, then
the changed regions drawn (~10–20 ms of a detail's frame with 1,000 rows in the lists, while a
key typed meanwhile waits). A detail's summary mostly keeps its height from one resource to the
next; only a new height needs the screen laid out again.
"""

from __future__ import annotations

from textual.visual import VisualType
from textual.widgets import Static


def update_in_place(widget: Static, content: VisualType) -> None:
    """`widget.update(content)`, laying out the screen only if the widget's size changes."""
    region = widget.content_region
    if not widget.is_mounted or not widget.display or not region.width:
        widget.update(content)  # not placed yet: its size comes from the next layout anyway
        return
    widget.update(content, layout=False)
    styles = widget.styles
    container, viewport = widget.container_size, widget.app.size
    auto_width = styles.width is not None and styles.width.is_auto  # a Label: as wide as its text
    if auto_width and widget.get_content_width(container, viewport) != region.width:
        widget.refresh(layout=True)
        return
    if styles.height is not None and not styles.height.is_auto:
        return  # a fixed or fractional height: the content never moves anything
    if widget.get_content_height(container, viewport, region.width) != region.height:
        widget.refresh(layout=True)
