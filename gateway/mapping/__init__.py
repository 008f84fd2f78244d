"""Declarative mappings between messages and business documents: the only bridge
between the syntax tree and the documents. The files live in ``mappings/``."""
