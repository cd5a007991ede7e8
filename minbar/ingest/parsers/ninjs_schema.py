"""Validation of ninjs items against IPTC's own JSON Schemas (2.2 and 3.1).

The schemas ship in ``schemas/`` under IPTC's MIT licence.  Validation never
goes to the network: the one remote schema they refer to (GeoJSON) is
answered by a stand-in, and any other remote reference is refused.
"""

import json
from functools import cache
from importlib import resources
from typing import Any

from .common import EntryError

SCHEMAS = {"2": "ninjs-schema_2.2.json", "3": "ninjs-schema_3.1.json"}
SCHEMA_NAMES = {"2": "2.2", "3": "3.1"}

# Both IPTC schemas refer to the GeoJSON schema on geojson.org for a place's
# geometry.  Validation must never fetch it, so this stand-in answers for it:
# it checks only that a geometry names a GeoJSON type, which is what the
# test suite's "bad geojson" documents get wrong.
GEOJSON_URI = "https://geojson.org/schema/GeoJSON.json"
GEOJSON_TYPES = (
    "Point MultiPoint LineString MultiLineString Polygon MultiPolygon "
    "GeometryCollection Feature FeatureCollection"
).split()
GEOJSON = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": GEOJSON_URI,
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {"enum": GEOJSON_TYPES},
        "coordinates": {"type": "array"},
        "bbox": {"type": "array"},
    },
}


def check_schema(document: dict, version: str) -> None:
    """Refuse an item that IPTC's schemas both reject, naming where and why."""
    if any(check(document) for check in quick_checks().get(version, ())):
        return
    validators = schema_validators()
    if not validators:
        return
    error = first_error(validators[version], document)
    if error is None:
        return
    other = "3" if version == "2" else "2"
    if first_error(validators[other], document) is None:
        return
    where = "/".join(str(part) for part in error.absolute_path) or "the top level"
    message = COMBINATIONS.get(error.validator, error.message)
    if error.validator == "pattern":
        message = f"{error.instance!r} does not have the form the schema requires"
    if len(message) > 200:
        message = message[:200] + "…"
    raise EntryError(
        f"not valid ninjs {SCHEMA_NAMES[version]} (IPTC's schema), "
        f"at {where}: {message}"
    )


# jsonschema words these by quoting the whole value, which can be long.
COMBINATIONS = {
    "oneOf": "must take exactly one of the forms the schema allows",
    "anyOf": "takes none of the forms the schema allows",
    "not": "has a combination of values the schema forbids",
}


def first_error(validator: Any, document: dict) -> Any:
    """The most telling error: a precise one (a bad value) over a vague
    "none of the forms" from anyOf/oneOf, when there is one."""
    from jsonschema.exceptions import best_match

    errors = list(validator.iter_errors(document))
    precise = [error for error in errors if error.validator not in COMBINATIONS]
    return best_match(precise or errors)


@cache
def quick_checks() -> dict[str, tuple[Any, ...]]:
    """The same two schemas compiled by jsonschema-rs, to say quickly that an
    item is valid (jsonschema takes a millisecond an item, a wire's pace).
    Only jsonschema words the errors, so an item they reject goes to it."""
    try:
        import jsonschema_rs
    except ImportError:
        return {}

    def retrieve(uri: str) -> Any:
        if uri == GEOJSON_URI:
            return GEOJSON
        raise ValueError(f"{uri} is not fetched: validation stays offline")

    folder = resources.files("minbar.ingest.parsers").joinpath("schemas")
    compiled = {
        version: jsonschema_rs.validator_for(
            json.loads(folder.joinpath(filename).read_text(encoding="utf-8")),
            retriever=retrieve,
        ).is_valid
        for version, filename in SCHEMAS.items()
    }
    # An item valid under the other version passes too (see check_schema).
    return {"2": (compiled["2"], compiled["3"]), "3": (compiled["3"], compiled["2"])}


@cache
def schema_validators() -> dict[str, Any]:
    """The 2.2 and 3.1 validators, or none when jsonschema is not installed."""
    try:
        import jsonschema
        from referencing import Registry, Resource
        from referencing.exceptions import NoSuchResource
    except ImportError:
        return {}

    def refuse(uri: str) -> Any:
        raise NoSuchResource(ref=uri)

    registry = Registry(retrieve=refuse).with_resource(
        GEOJSON_URI, Resource.from_contents(GEOJSON)
    )
    folder = resources.files("minbar.ingest.parsers").joinpath("schemas")
    return {
        version: jsonschema.Draft202012Validator(
            json.loads(folder.joinpath(filename).read_text(encoding="utf-8")),
            registry=registry,
        )
        for version, filename in SCHEMAS.items()
    }
