#!/usr/bin/env python3
"""Validates vigil.scan/1 documents against resources/schemas/vigil.scan-1.schema.json.

usage: check_schema.py SCHEMA DOC.json [DOC.json ...]   exit 77 when the jsonschema module is missing.
"""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("check_schema: SKIPPED — the Python module jsonschema is not installed (apt-get install python3-jsonschema)")
    sys.exit(77)

schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
problems = 0
for path in sys.argv[2:]:
    for error in validator.iter_errors(json.load(open(path, encoding="utf-8"))):
        problems += 1
        print(f"check_schema: {path}: /{'/'.join(map(str, error.absolute_path))}: {error.message}")
print(f"check_schema: {len(sys.argv) - 2} documents, {problems} problems")
sys.exit(1 if problems else 0)
