"""How much of what the gateway writes as EDI breaks the target standard.

Run by hand (not a test: the corpus holds data no target has a place for, so
the count is a figure, not a rule)::

    .venv/bin/python -m tests.mapping.outbound_report

Every document of the golden samples and of the shared corpus (when present)
that the cross-format round trip uses is written as EDIFACT D96A/D01B and X12
004010/005010 and checked with :func:`gateway.mapping.convert.written_issues`.
It prints how many were written and how many broke their standard, then the
most frequent problems with an example source. The samples alone must give
none (``test_sample_written_as_edi_is_valid``).
"""

from __future__ import annotations

from collections import Counter

from gateway.errors import WriteError
from gateway.mapping.convert import written_issues
from tests.mapping.test_cross_format import (
    corpus_sources,
    mappings,
    sample_sources,
    targets,
    write,
)

EDI = ("edifact", "x12")


def main() -> None:
    written = broken = 0
    problems: Counter[tuple[str, ...]] = Counter()
    example: dict[tuple[str, ...], str] = {}
    for source in (*sample_sources(), *corpus_sources()):
        document = source.read.document
        for standard, version in targets(source):
            if standard not in EDI or document is None:
                continue
            if mappings().outbound_for_document(standard, version, document) is None:
                continue
            try:
                data = write(document, standard, version)
            except WriteError:
                continue
            written += 1
            issues = written_issues(data)
            broken += bool(issues)
            for issue in issues:
                where = issue.location
                key = (standard, version, issue.code.value, where.segment or "",
                       str(where.element or ""))
                problems[key] += 1
                example.setdefault(key, f"{source.label}: {issue.message}")
    print(f"{written} documents written as EDIFACT or X12; {broken} break the target standard")
    for key, count in problems.most_common(20):
        print(f"{count:5d}  {' '.join(key)}  e.g. {example[key][:120]}")


if __name__ == "__main__":
    main()
