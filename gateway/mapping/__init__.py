"""Declarative mappings between messages and business documents: the only bridge
between the syntax tree and the documents. The engine is here; the mapping files
it runs ship with the package in ``gateway/mappings/``."""
