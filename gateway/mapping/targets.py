"""What an inbound mapping may fill: the fields of the business document models.

An inbound mapping's ``fields`` are checked against the model of the document it
makes before it is used, so a field the document does not have (``bogus``), an
object given where the document wants a value, or a value where it wants an
object fails when the file is loaded, naming file and field, instead of failing
every message later. Pure: models in, a :class:`MappingError` or nothing out.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from gateway.documents.models import DOCUMENT_TYPES
from gateway.mapping.inbound import VALUE_KEYS, MappingError


@dataclass(frozen=True, slots=True)
class Target:
    """The shape of a model field: one value, a list of values, a mapping of free
    keys to values, one object of ``model``, or a list of such objects."""

    kind: str  # "value", "values", "mapping", "object", "objects"
    model: type[BaseModel] | None = None


def target_of(annotation: Any) -> Target:
    """The shape of a field from its annotation (optional, tuple, Annotated unwrapped)."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        shapes = [target_of(a) for a in get_args(annotation) if a is not type(None)]
        objects = [s for s in shapes if s.kind in ("object", "objects")]
        return objects[0] if objects else shapes[0]
    if origin in (tuple, list, frozenset, set):
        inner = target_of(get_args(annotation)[0])
        return Target("objects", inner.model) if inner.kind == "object" else Target("values")
    if origin is dict or annotation is dict:
        return Target("mapping")
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Target("object", annotation)
    return Target("value")


def check_targets(name: str, document: str, fields: Any) -> None:
    """Raise :class:`MappingError` at the first field of ``fields`` (an inbound
    mapping's ``fields``) that the ``document`` model cannot take."""
    model = DOCUMENT_TYPES[document.split(".", 1)[0]]
    _object(name, fields, model, "fields")


def _fail(name: str, where: str, problem: str) -> MappingError:
    return MappingError(f"{name}: {where}: {problem}")


def _object(name: str, spec: Any, model: type[BaseModel], where: str) -> None:
    """``spec`` fills an object of ``model``: each key must be one of its fields."""
    if not isinstance(spec, dict):
        return  # the compiler names that mistake
    fields = model.model_fields
    for key, value in spec.items():
        field = fields.get(str(key))
        here = f"{where}.{key}"
        if field is None:
            known = ", ".join(n for n in fields if n != "type")
            raise _fail(name, here, f"{model.__name__} has no field {key!r} (its fields: "
                        f"{known})")
        if str(key) == "type":
            raise _fail(name, here, "the document's type comes from the mapping's "
                        "'document', not from a field")
        _field(name, value, target_of(field.annotation), here)


def _field(name: str, spec: Any, target: Target, where: str) -> None:
    if isinstance(spec, dict) and not VALUE_KEYS & set(spec):
        # A nested object: the field must be an object (or a mapping of free keys).
        if target.kind == "mapping":
            for key, value in spec.items():
                _field(name, value, Target("value"), f"{where}.{key}")
            return
        if target.kind != "object" or target.model is None:
            raise _fail(name, where, f"is {_shape(target)}, not an object with fields")
        _object(name, spec, target.model, where)
        return
    if isinstance(spec, dict) and "each" in spec and "fields" in spec:
        if target.kind != "objects" or target.model is None:
            raise _fail(name, where, f"is {_shape(target)}, not a list of objects")
        _object(name, spec["fields"], target.model, f"{where}.fields")
        for i, extra in enumerate(spec.get("also") or ()):
            _object(name, extra, target.model, f"{where}.also[{i}]")
        return
    if isinstance(spec, dict) and "first_of" in spec:
        for i, option in enumerate(spec["first_of"] or ()):
            _field(name, option, target, f"{where}.first_of[{i}]")
        return
    # A value (or a list of values): the field must take one.
    if target.kind in ("object", "objects"):
        assert target.model is not None
        raise _fail(name, where, f"is {_shape(target)}: give its fields "
                    f"({', '.join(target.model.model_fields)}), not a value")


def _shape(target: Target) -> str:
    if target.kind == "object":
        return f"an object ({target.model.__name__ if target.model else '?'})"
    if target.kind == "objects":
        return f"a list of objects ({target.model.__name__ if target.model else '?'})"
    return {"value": "a value", "values": "a list of values",
            "mapping": "a mapping of ids"}[target.kind]
