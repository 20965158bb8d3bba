"""QR codes for kiosk links, drawn on the server as inline SVG (no script, no image request)."""

import io

import segno
from markupsafe import Markup, escape


def qr_svg(
    url: str, label: str, scale: int = 4, svg_class: str = "engage-qr", mask: int | None = None
) -> Markup:
    """An inline SVG QR code for ``url``; ``label`` is its text alternative.

    The SVG is an image to assistive technology, named by ``label``; the link
    itself should also be shown as text next to it. A fixed ``mask`` skips the
    search for the best one: five times quicker, for pages of many codes, and any
    mask scans.
    """
    code = segno.make(url, error="m", micro=False, mask=mask)
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=scale,
        border=4,
        unit="px",  # with a viewBox, so CSS can scale it for printing
        xmldecl=False,
        svgns=True,
        title=label,
        svgclass=svg_class,
        lineclass=None,
        dark="#0b0c0c",
        light="#ffffff",
    )
    svg = buffer.getvalue().decode("utf-8")
    # segno writes no ARIA attributes; make the drawing one image with a name.
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return Markup(svg)  # noqa: S704  # nosec B704  # segno's output plus an escaped label
