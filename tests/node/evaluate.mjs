// Prints JSON.stringify(module[SYMBOL]) for each SYMBOL, one per line: what
// TypeScript itself says a const evaluates to, for the differential tests.
//
// Usage: node --import tsx tests/node/evaluate.mjs FILE.ts SYMBOL [SYMBOL...]
//        node --import tsx tests/node/evaluate.mjs --batch < [{"file", "symbols"}, ...]
//
// --batch evaluates many files in one process (the fuzz campaign needs thousands) and
// prints a JSON array with, per file, {"values": [json text, ...]} or {"error": message}.
//
// `--import tsx` is resolved from the working directory, so run it from the
// repository root. tsx reads tsconfig.json from the working directory unless
// TSX_TSCONFIG_PATH names one; tests/oracle.py sets it to the tsconfig nearest
// FILE so that case folders can use `paths`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

async function evaluate(file, symbols) {
  const namespace = await import(pathToFileURL(path.resolve(file)).href);
  return symbols.map((symbol) => {
    // Types are erased at runtime, so a type name lands here too.
    if (!(symbol in namespace)) {
      throw new Error(`${file}: ${symbol} is not exported as a value`);
    }
    const json = JSON.stringify(namespace[symbol]);
    // Functions and undefined have no JSON form; printing "undefined" would
    // look like a value to the caller.
    if (json === undefined) {
      throw new Error(`${file}: ${symbol} has no JSON representation`);
    }
    return json;
  });
}

// What the evaluated modules print (console.log and friends) goes to stderr, so that
// stdout carries only the answers.
const answer = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr);

const args = process.argv.slice(2);
if (args[0] === '--batch') {
  const results = [];
  for (const { file, symbols } of JSON.parse(readFileSync(0, 'utf8'))) {
    try {
      results.push({ values: await evaluate(file, symbols) });
    } catch (error) {
      results.push({ error: String(error && error.message ? error.message : error) });
    }
  }
  answer(JSON.stringify(results) + '\n');
} else {
  const [file, ...symbols] = args;
  if (file === undefined || symbols.length === 0) {
    console.error('usage: node --import tsx evaluate.mjs FILE.ts SYMBOL [SYMBOL...]');
    process.exit(2);
  }
  try {
    answer((await evaluate(file, symbols)).join('\n') + '\n');
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
