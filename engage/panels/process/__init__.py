"""A vote's process before the ballot: setting it up, its phases, proposals, evidence from
the survey and deliberation."""
