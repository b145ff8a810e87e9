'use strict';
// Validates a SARIF file against the official SARIF 2.1.0 JSON schema (rtm.5, as shipped by
// @microsoft/jest-sarif) with Ajv. Usage: node validate-sarif.js FILE. Exit 0 = valid; 1 = invalid
// (errors on stderr); 2 = usage or missing dependencies (run tests/sarif/install.sh).
const fs = require('fs');
const path = require('path');

let Ajv, schema, draft04;
try {
  Ajv = require('ajv');
  draft04 = require('ajv/lib/refs/json-schema-draft-04.json');
  schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
} catch (e) {
  console.error(`validate-sarif: ${e.message}\n  run ${path.join(__dirname, 'install.sh')}`);
  process.exit(2);
}
if (process.argv.length !== 3) {
  console.error('usage: node validate-sarif.js FILE');
  process.exit(2);
}
// The SARIF schema is draft-04, which names its ids "id".
const ajv = new Ajv({ schemaId: 'id', allErrors: true, logger: false });
ajv.addMetaSchema(draft04);
const validate = ajv.compile(schema);
const doc = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
if (!validate(doc)) {
  console.error(JSON.stringify(validate.errors, null, 2));
  process.exit(1);
}
console.log('valid SARIF 2.1.0');
