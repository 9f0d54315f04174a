#!/usr/bin/env node
// Validates SARIF files against the official SARIF 2.1.0 JSON schema (the
// copy shipped by @microsoft/jest-sarif), plus the few extra constraints
// GitHub code scanning relies on that the schema cannot express.
//
//   node validate.js FILE...                   exit 0 iff every file is valid
//   node validate.js --expect-invalid FILE...  exit 0 iff every file is invalid
'use strict';

const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');

const SCHEMA = path.join(__dirname, 'node_modules', '@microsoft', 'jest-sarif',
                         'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');

function loadValidator() {
  // The schema is draft-04 (it uses "id", not "$id").
  const ajv = new Ajv({schemaId: 'id', allErrors: true, format: 'full'});
  ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
  return ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
}

// Constraints beyond the schema: what GitHub needs to place a result.
function extraErrors(log) {
  const errors = [];
  (log.runs || []).forEach((run, r) => {
    const rules = ((run.tool || {}).driver || {}).rules || [];
    (run.results || []).forEach((result, i) => {
      const where = `runs[${r}].results[${i}]`;
      if (typeof result.ruleId !== 'string') {
        errors.push(`${where}: missing ruleId`);
      }
      if (result.ruleIndex !== undefined &&
          (rules[result.ruleIndex] || {}).id !== result.ruleId) {
        errors.push(`${where}: ruleIndex does not point at rule ${result.ruleId}`);
      }
      (result.locations || []).forEach((loc, j) => {
        const region = (loc.physicalLocation || {}).region || {};
        if (region.endLine !== undefined && region.endLine < region.startLine) {
          errors.push(`${where}.locations[${j}]: region ends before it starts`);
        }
        if (region.endLine === region.startLine &&
            region.endColumn < region.startColumn) {
          errors.push(`${where}.locations[${j}]: endColumn < startColumn`);
        }
      });
    });
  });
  return errors;
}

function check(validate, file) {
  let log;
  try {
    log = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return [`not JSON: ${e.message}`];
  }
  const errors = [];
  if (!validate(log)) {
    for (const e of validate.errors) {
      errors.push(`${e.dataPath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
    }
  }
  return errors.concat(extraErrors(log));
}

function main(argv) {
  const expectInvalid = argv[0] === '--expect-invalid';
  const files = expectInvalid ? argv.slice(1) : argv;
  if (files.length === 0) {
    console.error('usage: validate.js [--expect-invalid] FILE...');
    return 2;
  }
  const validate = loadValidator();
  let ok = true;
  for (const file of files) {
    const errors = check(validate, file);
    if (expectInvalid) {
      if (errors.length === 0) {
        console.error(`${file}: accepted, but it is deliberately invalid`);
        ok = false;
      } else {
        console.log(`${file}: rejected as expected (${errors[0]})`);
      }
    } else if (errors.length > 0) {
      console.error(`${file}: invalid SARIF`);
      for (const e of errors) console.error(`  ${e}`);
      ok = false;
    } else {
      console.log(`${file}: valid`);
    }
  }
  return ok ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
