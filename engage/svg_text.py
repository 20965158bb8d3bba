"""Words for server-drawn pictures, wrapped onto lines instead of cut. No Flask.

SVG text never wraps by itself, and the server cannot ask a browser how wide a word
will be, so a line holds a number of characters chosen for the room it has: lines
break between words, and a word longer than a whole line is broken inside it. Every
character of the text is kept, so a picture never hides part of a name.
"""

from markupsafe import escape


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` characters; at least one line."""
    width = max(1, width)
    lines: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > width:
            room = width - len(line) - 1 if line else width
            if room < max(4, width // 3):  # too little left on this line: start a new one
                if line:
                    lines.append(line)
                line, room = "", width
            head, word = word[:room], word[room:]
            lines.append(f"{line} {head}" if line else head)
            line = ""
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def text_block(lines: list[str], x: str, y: float, step: float, attributes: str) -> str:
    """One SVG <text> with a <tspan> per line, the first line's baseline at ``y`` and
    each next one ``step`` lower; ``attributes`` are the text's own (font, fill, anchor).
    Plain text with every line escaped, to join with the rest of a picture's tags."""
    spans = "".join(
        f'<tspan x="{x}" y="{y + i * step:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f"<text {attributes}>{spans}</text>"
