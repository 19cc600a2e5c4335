// Merges the incremental files of a split mutation run into the one `npm run mutate` reads:
//   node mutation/merge-incremental.mjs reports/mutation/stryker-incremental.json reports/parts/*.incremental.json
// Each mutated file comes from one part. A test file several parts ran keeps the version the first
// part saw: where it changed since, the full run sees a change and runs its tests again.
import * as fs from 'node:fs';

const [out, ...parts] = process.argv.slice(2);
if (!out || parts.length === 0) {
  console.error('usage: node mutation/merge-incremental.mjs <out.json> <part.incremental.json>...');
  process.exit(2);
}
let merged;
for (const part of parts) {
  const report = JSON.parse(fs.readFileSync(part, 'utf8'));
  if (merged === undefined) {
    merged = report;
    continue;
  }
  for (const [file, result] of Object.entries(report.files)) {
    if (file in merged.files) throw new Error(`${file} is in two parts: each file belongs to one part`);
    merged.files[file] = result;
  }
  for (const [file, result] of Object.entries(report.testFiles ?? {})) merged.testFiles[file] ??= result;
}
fs.writeFileSync(out, JSON.stringify(merged));
const mutants = Object.values(merged.files).reduce((sum, file) => sum + file.mutants.length, 0);
console.log(`${out}: ${Object.keys(merged.files).length} files, ${mutants} mutants`);
