// Makes the next `npm run mutate` test every surviving mutant again:
//   node mutation/retest-survivors.mjs [reports/mutation/stryker-incremental.json]
// Stryker reuses a survivor while its code and the tests that covered it are unchanged. After a
// merge of parts (mutation/merge-incremental.mjs), a survivor from an older part can have been
// covered since by tests of a newer one and still be reused: this drops every result that no test
// detected (Survived, NoCoverage), so the run tests those mutants as new ones. Killed results stay.
import * as fs from 'node:fs';

const file = process.argv[2] ?? 'reports/mutation/stryker-incremental.json';
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const report = JSON.parse(fs.readFileSync(file, 'utf8'));
let dropped = 0;
for (const result of Object.values(report.files)) {
  const kept = result.mutants.filter((mutant) => !UNDETECTED.has(mutant.status));
  dropped += result.mutants.length - kept.length;
  result.mutants = kept;
}
fs.writeFileSync(file, JSON.stringify(report));
console.log(`${file}: ${dropped} surviving mutants will be tested again`);
