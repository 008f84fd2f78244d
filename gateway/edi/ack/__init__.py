"""Functional acknowledgements: built from issues (997, 999, TA1, CONTRL) and read
when received. The code table in :mod:`gateway.edi.ack.codes` is the one place
that says how an issue is acknowledged."""
