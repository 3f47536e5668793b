"""``make bench``: benchmarks against local stand-ins (not part of ``make test``)."""
