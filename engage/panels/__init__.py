"""Citizens' panels: priority votes with proposals, deliberation and secret ranked ballots."""
