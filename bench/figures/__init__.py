"""The figures of bench/suite.py: one module each, every figure a function of the run's
``Context`` returning rows for the table (see ``row``)."""
