"""What a descriptor may say: only what sitegen reads the same way as frictionless, and nothing remote."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sitegen.errors import Problem, problem
from sitegen.text import SLUG, is_web_url

PROFILES = {"data-package", "tabular-data-package", "data-resource", "tabular-data-resource"}
TYPES = ("string", "any", "integer", "number", "boolean", "date")
RESOURCE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
MAX_SLUG = 100  # a slug becomes a folder name; with its prefixes it stays far below 255 bytes
# Table Schema options sitegen's reader honours only at these defaults: anything else is refused
FIELD_DEFAULTS: dict[str, Any] = {
    "decimalChar": ".", "bareNumber": True, "groupChar": None, "format": "default",
    "trueValues": ["true", "True", "TRUE", "1"], "falseValues": ["false", "False", "FALSE", "0"],
    "missingValues": [""],
}
DIALECT_DEFAULTS: dict[str, Any] = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True,
                                    "lineTerminator": "\r\n", "skipInitialSpace": False}
LINKS = ("licenses", "sources", "contributors")
Found = Iterator[Problem]


def descriptor_problems(descriptor: dict[str, Any], shown: str, folder_name: str) -> list[Problem]:
    """Every problem with a descriptor's own content, each naming the property and value."""
    found = list(package_name(descriptor.get("name", folder_name), shown))
    found += profile(descriptor, "", shown)
    found += refs(descriptor, "", shown)
    found += links(descriptor, "", shown)
    if "homepage" in descriptor and not is_web_url(descriptor["homepage"]):
        found.append(problem("url-scheme", "the link must be an http(s) address", shown, 0, "homepage",
                             descriptor["homepage"]))
    for index, resource in enumerate(descriptor["resources"]):
        found += resource_problems(resource, f"resources[{index}]", shown)
    return found


def package_name(name: object, shown: str) -> Found:
    """A package name is a slug: it becomes a folder of the site and a zip entry."""
    if not isinstance(name, str) or not SLUG.fullmatch(name):
        yield problem("bad-slug", "the package name is not a safe path segment", shown, 0, "name", name)
    elif len(name) > MAX_SLUG:
        yield problem("too-long", f"the package name is longer than {MAX_SLUG} characters", shown, 0, "name", name)


def profile(item: dict[str, Any], where: str, shown: str) -> Found:
    """Only the standard profiles, by name: a profile given as a URL or file would be fetched or read."""
    for key in ("profile", "$schema"):
        if key in item and item[key] not in PROFILES:
            code = "remote-reference" if "/" in str(item[key]) or ":" in str(item[key]) else "invalid-descriptor"
            yield problem(code, f"only the standard profiles are allowed ({', '.join(sorted(PROFILES))})",
                          shown, 0, where + key, item[key])


def refs(value: Any, where: str, shown: str) -> Found:
    """Any `$ref`, anywhere: it names a schema in another file or on the network."""
    stack = [(value, where)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, dict):
            if "$ref" in item:
                yield problem("remote-reference", "`$ref` is not followed: write the schema inline", shown, 0,
                              at + "$ref", item["$ref"])
            stack += [(v, f"{at}{k}.") for k, v in item.items() if k != "$ref"]
        elif isinstance(item, list):
            stack += [(v, f"{at.rstrip('.')}[{i}].") for i, v in enumerate(item)]


def links(item: dict[str, Any], where: str, shown: str) -> Found:
    """Licence, source and contributor paths are links on the site: http(s) only."""
    for key in LINKS:
        entries = item.get(key, [])
        for index, entry in enumerate(entries if isinstance(entries, list) else [entries]):
            if not isinstance(entry, dict):
                yield problem("invalid-descriptor", "each entry is an object", shown, 0, f"{where}{key}[{index}]",
                              entry)
            elif "path" in entry and not is_web_url(entry["path"]):
                yield problem("url-scheme", "the link must be an http(s) address", shown, 0,
                              f"{where}{key}[{index}].path", entry["path"])


def resource_problems(resource: Any, where: str, shown: str) -> Found:
    """A resource: a named object whose schema, dialect and references are inline and supported."""
    if not isinstance(resource, dict):
        yield problem("invalid-descriptor", "a resource is an object", shown, 0, where, resource)
        return
    name = resource.get("name")
    if not isinstance(name, str) or not RESOURCE_NAME.fullmatch(name) or len(name) > MAX_SLUG:
        yield problem("invalid-descriptor", "a resource needs a name of lowercase letters, digits, . _ -",
                      shown, 0, f"{where}.name", name)
    yield from profile(resource, f"{where}.", shown)
    yield from links(resource, f"{where}.", shown)
    yield from dialect(resource.get("dialect"), f"{where}.dialect", shown)
    encoding = resource.get("encoding", "utf-8")
    if str(encoding).lower() not in ("utf-8", "utf8"):
        yield problem("unsupported-option", "only UTF-8 is read", shown, 0, f"{where}.encoding", encoding)
    if "compression" in resource:
        yield problem("unsupported-option", "compressed files are not read", shown, 0, f"{where}.compression",
                      resource["compression"])
    if resource.get("profile", "tabular-data-resource") == "tabular-data-resource" and not has_fields(resource):
        # without one, every column would be checked against nothing: say what is missing, not that column 1 is
        yield problem("missing-schema", f"the resource {name!r} has no schema: its columns cannot be checked",
                      shown, 0, f"{where}.schema", resource.get("path", name))
        return
    yield from schema(resource.get("schema", {}), f"{where}.schema", shown)


def has_fields(resource: dict[str, Any]) -> bool:
    """Whether a resource's schema is there at all: a schema of its own or one with fields (a string is checked
    below, as a reference)."""
    value = resource.get("schema")
    return value is not None and (not isinstance(value, dict) or bool(value.get("fields")))


def dialect(value: Any, where: str, shown: str) -> Found:
    """A CSV dialect, inline and at the defaults sitegen's reader uses."""
    if value is None:
        return
    if not isinstance(value, dict):
        code = "remote-reference" if isinstance(value, str) else "invalid-descriptor"
        yield problem(code, "a dialect must be written inline, not named by path or URL", shown, 0, where, value)
        return
    for key, option in value.items():
        if DIALECT_DEFAULTS.get(key, option) != option or key not in DIALECT_DEFAULTS:
            yield problem("unsupported-option", "sitegen reads CSV with the default dialect only", shown, 0,
                          f"{where}.{key}", option)


def schema(value: Any, where: str, shown: str) -> Found:
    """A Table Schema written inline, with fields sitegen reads exactly as frictionless does."""
    if not isinstance(value, dict):
        code = "remote-reference" if isinstance(value, str) else "invalid-descriptor"
        yield problem(code, "a schema must be written inline, not named by path or URL", shown, 0, where, value)
        return
    if value.get("missingValues", [""]) != [""]:
        yield problem("unsupported-option", "only a blank cell means missing", shown, 0, f"{where}.missingValues",
                      value["missingValues"])
    fields = value.get("fields", [])
    if not isinstance(fields, list):
        yield problem("invalid-descriptor", "fields is a list", shown, 0, f"{where}.fields", fields)
        return
    for index, field in enumerate(fields):
        yield from field_problems(field, f"{where}.fields[{index}]", shown)
    yield from foreign_keys(value.get("foreignKeys", []), f"{where}.foreignKeys", shown)


def field_problems(field: Any, where: str, shown: str) -> Found:
    """A field: an object with a name, a supported type and no option that changes how values read."""
    if not isinstance(field, dict) or not isinstance(field.get("name"), str) or not field["name"]:
        yield problem("invalid-descriptor", "a field is an object with a `name`", shown, 0, where, field)
        return
    type_ = field.get("type", "string")
    if type_ not in TYPES:
        yield problem("unsupported-option", f"sitegen reads only the types {', '.join(TYPES)}", shown, 0,
                      f"{where}.type", type_)
    for key, default in FIELD_DEFAULTS.items():
        if key in field and field[key] != default and not (key == "format" and type_ in ("string", "any")):
            yield problem("unsupported-option", f"`{key}` is not supported: values are read in the defaults "
                          "(e.g. 1234.5, true, 2024-03-31)", shown, 0, f"{where}.{key}", field[key])
    pattern = field.get("constraints", {}).get("pattern") if isinstance(field.get("constraints"), dict) else None
    if pattern is not None and not isinstance(pattern, str):
        yield problem("invalid-descriptor", "a pattern is a string", shown, 0, f"{where}.constraints.pattern",
                      pattern)


def foreign_keys(keys: Any, where: str, shown: str) -> Found:
    """Foreign keys point into this package only: another package would be fetched or read."""
    for index, key in enumerate(keys if isinstance(keys, list) else [keys]):
        reference = key.get("reference") if isinstance(key, dict) else None
        if not isinstance(reference, dict):
            yield problem("invalid-descriptor", "a foreign key has a `reference` object", shown, 0,
                          f"{where}[{index}]", key)
        elif reference.get("package") not in (None, ""):
            yield problem("remote-reference", "a foreign key may only reference this package", shown, 0,
                          f"{where}[{index}].reference.package", reference["package"])
