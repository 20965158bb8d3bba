"""Members' pages: the code from the card, proposals, deliberation and the ballot (the
``vote`` blueprint)."""
