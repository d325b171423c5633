// Prints JSON.stringify(module[SYMBOL]) for each SYMBOL, one per line: what
// TypeScript itself says a const evaluates to, for the differential tests.
//
// Usage: node --import tsx tests/node/evaluate.mjs FILE.ts SYMBOL [SYMBOL...]
//
// `--import tsx` is resolved from the working directory, so run it from the
// repository root. tsx reads tsconfig.json from the working directory unless
// TSX_TSCONFIG_PATH names one; tests/oracle.py sets it to the tsconfig nearest
// FILE so that case folders can use `paths`.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [file, ...symbols] = process.argv.slice(2);
if (file === undefined || symbols.length === 0) {
  console.error('usage: node --import tsx evaluate.mjs FILE.ts SYMBOL [SYMBOL...]');
  process.exit(2);
}

const namespace = await import(pathToFileURL(path.resolve(file)).href);
const lines = [];
for (const symbol of symbols) {
  // Types are erased at runtime, so a type name lands here too.
  if (!(symbol in namespace)) {
    console.error(`${file}: ${symbol} is not exported as a value`);
    process.exit(1);
  }
  const json = JSON.stringify(namespace[symbol]);
  // Functions and undefined have no JSON form; printing "undefined" would
  // look like a value to the caller.
  if (json === undefined) {
    console.error(`${file}: ${symbol} has no JSON representation`);
    process.exit(1);
  }
  lines.push(json);
}
process.stdout.write(lines.join('\n') + '\n');
