"""A closed vote's outcome: the count, its words, charts and the results pages."""
