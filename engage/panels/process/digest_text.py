"""A digest as plain text, to paste into an email by hand. No Flask in here: the caller
passes how times and days are written, so the text reads like the page."""

import textwrap
from collections.abc import Callable
from datetime import date, datetime

from engage.panels.process.digest import ANSWER, COMMENT, REPLY, UNANSWERED, Digest, Entry

WIDTH = 72
SECTIONS = (
    ("comments", "New comments"),
    ("replies", "New replies"),
    ("answers", "Official answers"),
    ("unanswered", "Questions still waiting for an answer"),
)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _wrapped(text: str, indent: str = "    ") -> list[str]:
    lines = []
    for paragraph in text.splitlines() or [""]:
        lines += textwrap.wrap(paragraph, WIDTH, initial_indent=indent, subsequent_indent=indent)
    return lines or [indent.rstrip()]


def _entry(entry: Entry, section: str, when: Callable[[datetime], str]) -> list[str]:
    head = f"- {entry.author}, {when(entry.at)}"
    if section == "comments":
        head += f" ({entry.about})"
    elif section == "replies":
        head += f", {entry.about}"
    elif section == "answers":
        head += " (changed)" if entry.changed else ""
        return [head, *_wrapped(f"Question: {entry.about}"), *_wrapped(f"Answer: {entry.text}")]
    return [head, *_wrapped(entry.text)]


def digest_text(digest: Digest, when: Callable[[datetime], str], day: Callable[[date], str]) -> str:
    """The digest, vote by vote and option by option, with its counts at the top."""
    title = f"Digest of the discussion: {digest.panel}"
    lines = [title, "=" * len(title), f"{day(digest.since)} to {day(digest.until)}", ""]
    lines += [
        _plural(digest.count(COMMENT), "new comment", "new comments"),
        _plural(digest.count(REPLY), "new reply", "new replies"),
        _plural(digest.count(ANSWER), "official answer", "official answers"),
        _plural(digest.count(UNANSWERED), "question", "questions") + " still unanswered",
        "",
    ]
    if not digest.votes:
        lines.append("No votes of this panel are under way.")
    for vote in digest.votes:
        heading = f"{vote.title} ({vote.phase})"
        lines += [heading, "-" * len(heading), ""]
        if not vote.options:
            lines += ["Nothing new on any option.", ""]
        for option in vote.options:
            lines += [f"Option: {option.title}", ""]
            for name, label in SECTIONS:
                entries = getattr(option, name)
                if entries:
                    lines.append(f"  {label} ({len(entries)})")
                    for entry in entries:
                        lines += _entry(entry, name, when)
                    lines.append("")
    return "\n".join(lines).rstrip() + "\n"
