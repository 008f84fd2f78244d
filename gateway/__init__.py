"""EDI integration gateway: EDIFACT, X12, UBL and cXML in; order and inventory rows,
acknowledgements and outbound documents out."""

__version__ = "0.1.0"
