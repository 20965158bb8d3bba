"""The ballot box: voter codes, casting, paper ballots and reading ballots back for the
count."""
