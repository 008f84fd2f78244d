"""YAML for the gateway's own data files: safe, and strict about duplicate keys.

PyYAML keeps the last of two equal keys in a mapping without a word; in a
message directory, a guide or a mapping that hides a mistake (a segment or a
field defined twice, the first silently lost). :func:`load` refuses it, naming
the key and its line.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, ScalarNode

_MERGE = "tag:yaml.org,2002:merge"


class _StrictLoader(yaml.CSafeLoader):
    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE:
                continue  # keys merged in with << may be overridden on purpose
            key = self.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise ConstructorError(
                    None, None, f"the key {key!r} appears twice in one mapping "
                    f"(lines {seen[key]} and {line})", key_node.start_mark)
            seen[key] = line
        return super().construct_mapping(node, deep)


def load(text: str) -> Any:
    """The data of one YAML document; yaml.YAMLError on a syntax error or a key
    given twice."""
    return yaml.load(text, Loader=_StrictLoader)
