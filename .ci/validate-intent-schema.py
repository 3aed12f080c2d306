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
failures = 0
files = sorted(glob.glob(os.path.join(folder, "*.yaml")))
for path in files:
    schema = schemas["common.schema.json" if path.endswith("common.yaml") else "schema.json"]
    with open(path, encoding="utf-8") as file:
        document = yaml.load(file, Loader=Yaml12Loader)
    for error in jsonschema.Draft7Validator(schema).iter_errors(document):
        failures += 1
        print(f"{path}: {'.'.join(map(str, error.absolute_path))}: {error.message}")
print(f"schema: {len(files) - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
