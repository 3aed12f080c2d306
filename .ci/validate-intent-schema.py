"""Checks every Intents/*.yaml against Intents/schema.json (common.yaml against
common.schema.json), as an editor would, so the schema and the Swift loader cannot drift.

YAML is read with YAML 1.2 booleans (only true/false), as editors and the bot read it:
`no` in a word list is the word "no".
"""
import glob
import json
import os
import re
import sys

import jsonschema
import yaml
from referencing import Registry, Resource


class Yaml12Loader(yaml.SafeLoader):
    pass


Yaml12Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))

schema_folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Intents")
folder = sys.argv[1] if len(sys.argv) > 1 else schema_folder
schemas = {name: json.load(open(os.path.join(schema_folder, name))) for name in ("schema.json", "common.schema.json")}
# common.schema.json refers to schema.json's definitions by their shared base address.
registry = Registry().with_resources((schema["$id"], Resource.from_contents(schema)) for schema in schemas.values())
failures = 0
failed_files = 0
files = sorted(glob.glob(os.path.join(folder, "*.yaml")))
for path in files:
    schema = schemas["common.schema.json" if path.endswith("common.yaml") else "schema.json"]
    with open(path, encoding="utf-8") as file:
        document = yaml.load(file, Loader=Yaml12Loader)
    errors = list(jsonschema.Draft7Validator(schema, registry=registry).iter_errors(document))
    for error in errors:
        print(f"{path}: {'.'.join(map(str, error.absolute_path))}: {error.message}")
    failures += len(errors)
    failed_files += 1 if errors else 0
print(f"schema: {len(files) - failed_files} files passed, {failed_files} failed ({failures} problems)")
sys.exit(1 if failures else 0)
