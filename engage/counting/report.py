"""A count as plain text: the round-by-round report that ``flask count`` prints."""

from engage.counting.result import CountResult, Stage
from engage.counting.ties import votes_text

METHOD_NAMES = {
    "irv": "Instant-runoff vote (one winner)",
    "stv": "Single transferable vote (Scottish STV rules)",
}


def _heading(stage: Stage, before: Stage | None) -> str:
    if stage.action == "first preferences" or before is None or stage.source is None:
        return f"Stage {stage.number}: first preferences"
    sent = votes_text(before.tally[stage.source] - stage.tally[stage.source])
    if stage.action == "surplus":
        text = f"Stage {stage.number}: surplus of {stage.source} ({sent}) transferred"
    else:
        text = f"Stage {stage.number}: {stage.source} excluded, {sent} votes transferred"
    if stage.batch:
        text += f" ({stage.note or 'excluded together'}: {', '.join(stage.batch)})"
    elif stage.note:
        text += f" ({stage.note})"
    return text


def _signed(units: int) -> str:
    return ("+" if units > 0 else "") + votes_text(units) if units else ""


def _row(label: str, width: int, units: int, change: int | None, mark: str = "") -> str:
    shown = "" if change is None else _signed(change)
    return f"  {label:<{width}}  {votes_text(units):>14}  {shown:>14}  {mark}".rstrip()


def _stage_lines(stage: Stage, before: Stage | None, elected: set[str], out: set[str]) -> list[str]:
    width = max(len(name) for name in [*stage.tally, "Non-transferable"])
    lines = [_heading(stage, before)]
    for name, units in stage.tally.items():
        change = None if before is None else units - before.tally[name]
        mark = "elected" if name in elected else "excluded" if name in out else ""
        lines.append(_row(name, width, units, change, mark))
    nt = stage.non_transferable
    change = None if before is None else nt - before.non_transferable
    lines.append(_row("Non-transferable", width, nt, change))
    if stage.rounding_loss:
        lines.append(f"  Lost to rounding so far: {votes_text(stage.rounding_loss)}")
    if stage.exhausted:
        lines.append(f"  Exhausted ballot papers so far: {stage.exhausted:,}")
    if stage.inactive is not None and any(stage.inactive.values()):
        parts = ", ".join(
            f"{reason.replace('_', ' ')} {votes_text(units)}"
            for reason, units in stage.inactive.items()
        )
        lines.append(f"  Inactive votes so far: {parts}")
    if stage.majority is not None:
        lines.append(f"  Votes needed for a majority: {votes_text(stage.majority)}")
    if stage.tie_break:
        lines.append(f"  Tie: {stage.tie_break.explanation}")
    if stage.elected:
        lines.append(f"  Elected: {', '.join(stage.elected)}")
    return lines


def unfilled_text(result: CountResult) -> str | None:
    """'1 seat left unfilled: ...' when the count elected fewer than the seats, else None."""
    if not result.unfilled:
        return None
    seats = "1 seat" if result.unfilled == 1 else f"{result.unfilled} seats"
    text = f"{seats} left unfilled"
    standing = len(result.candidates)
    if standing < result.seats:
        who = "1 candidate" if standing == 1 else f"{standing} candidates"
        text += f": only {who} standing for {result.seats} seats"
    return text


def format_report(result: CountResult) -> str:
    """Headline figures, then each stage's tallies and changes, then who was elected."""
    lines = [result.title or "Election", METHOD_NAMES.get(result.method, result.method)]
    lines.append(f"Seats: {result.seats}")
    lines.append(f"Valid ballots: {result.ballots:,}")
    if result.empty:
        lines.append(f"Empty ballots (no standing candidate ranked): {result.empty:,}")
    if result.withdrawn:
        lines.append(f"Withdrawn: {', '.join(result.withdrawn)}")
    if result.quota is not None:
        lines.append(f"Quota: {votes_text(result.quota)}")
    lines.append(f"Tie-break seed: {result.seed}")
    lines.append("Options:")
    lines.extend(f"  {line}" for line in result.options.describe(result.method))
    elected: set[str] = set()
    out: set[str] = set()
    before = None
    for stage in result.stages:
        elected.update(stage.elected)
        out.update(stage.excluded)
        lines.append("")
        lines.extend(_stage_lines(stage, before, elected, out))
        before = stage
    lines.append("")
    lines.append(f"Elected: {', '.join(result.elected) if result.elected else 'nobody'}")
    if unfilled := unfilled_text(result):
        lines.append(unfilled)
    lines.append(f"Exhausted ballot papers: {result.exhausted:,}")
    return "\n".join(lines) + "\n"
