// The oracle of tests/cases/, for many cases in one process: TypeScript judges each case.
//
// Usage: node tests/node/cases.mjs < [case, ...]    (run from the repository root)
//
// Each case is {"tsconfig", "types", "probes"}:
//   tsconfig   the case's tsconfig.json: one program of the case's sources, strict forced
//              on, whose diagnostics are reported (tsc --strict --noEmit);
//   types      [{"file", "type", "documents"}]: ajv's verdicts on the schema that
//              ts-json-schema-generator makes of the type;
//   probes     [{"file", "type", "documents"}]: whether tsc accepts each document, written
//              as a literal, as a value of the type (the judge where the generator departs).
// stdout is one JSON array with, per case, {"diagnostics", "types", "probes"}; an entry
// that could not be judged is {"error": message} instead. (Values are evaluate.mjs's: tsx
// reads `paths` only from the tsconfig it starts with.)
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { createFormatter, createParser, SchemaGenerator } from 'ts-json-schema-generator';
import { Ajv } from 'ajv';

const failed = (error) => ({ error: String(error && error.message ? error.message : error).split('\n')[0] });

// lib.*.d.ts parsed once for every case, not once per program.
const libFiles = new Map();

function options(tsconfig) {
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  return { names: parsed.fileNames, options: { ...parsed.options, strict: true, noEmit: true } };
}

function program(tsconfig, virtual) {
  const { names, options: compilerOptions } = options(tsconfig);
  const host = ts.createCompilerHost(compilerOptions);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  host.readFile = (name) => virtual.get(name) ?? readFile.call(host, name);
  host.getSourceFile = (name, version, ...rest) => {
    if (virtual.has(name)) return ts.createSourceFile(name, virtual.get(name), version, true);
    const lib = name.includes(`${path.sep}typescript${path.sep}lib${path.sep}`);
    const key = `${name}\0${JSON.stringify(version)}`;
    if (lib && libFiles.has(key)) return libFiles.get(key);
    const file = getSourceFile.call(host, name, version, ...rest);
    if (lib) libFiles.set(key, file);
    return file;
  };
  return ts.createProgram([...names, ...virtual.keys()], compilerOptions, host);
}

// A diagnostic as tsc prints it, its path relative to the case folder.
function where(diagnostic, base) {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
  if (diagnostic.file === undefined) return { line: -1, text };
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return { file: diagnostic.file.fileName, line, text: `${path.relative(base, diagnostic.file.fileName)}:${line + 1}:${character + 1}: TS${diagnostic.code}: ${text}` };
}

// One virtual file per probe job beside the type's file: line 0 imports the type, line
// 1 + i declares document i as a value of it.
function probeFiles(probes) {
  const virtual = new Map();
  probes.forEach(({ file, type, documents }, i) => {
    const name = path.join(path.dirname(file), `__probe_${i}.ts`).split(path.sep).join('/');
    const stem = path.basename(file).replace(/\.tsx?$/, '');
    const lines = [`import type { ${type.split('.')[0]} } from './${stem}';`];
    documents.forEach((document, j) => lines.push(`export const probe_${j}: ${type} = ${JSON.stringify(document)};`));
    virtual.set(name, lines.join('\n') + '\n');
  });
  return virtual;
}

function judgeTypes(built, types) {
  return types.map(({ file, type, documents }) => {
    try {
      const config = { path: path.resolve(file), type, jsDoc: 'none', additionalProperties: false,
        skipTypeCheck: true, expose: 'export', topRef: true };
      const generator = new SchemaGenerator(built, createParser(built, config), createFormatter(config), config);
      // strict: false because the generated schema may carry keywords ajv does not know.
      const validate = new Ajv({ strict: false }).compile(generator.createSchema(type));
      return documents.map((document) => validate(document) === true);
    } catch (error) {
      return failed(error);
    }
  });
}

const results = [];
for (const job of JSON.parse(fs.readFileSync(0, 'utf8'))) {
  const probes = job.probes ?? [];
  const virtual = probeFiles(probes);
  let built;
  try {
    built = program(job.tsconfig, virtual);
  } catch (error) {
    results.push({ error: failed(error).error });
    continue;
  }
  const found = ts.getPreEmitDiagnostics(built).map((d) => where(d, path.dirname(job.tsconfig)));
  const names = [...virtual.keys()];
  const probed = probes.map(({ documents }, i) => {
    const mine = found.filter((d) => d.file === names[i]);
    if (mine.some((d) => d.line === 0)) return failed(mine.find((d) => d.line === 0).text);
    return documents.map((_, j) => !mine.some((d) => d.line === j + 1));
  });
  results.push({
    diagnostics: found.filter((d) => !names.includes(d.file)).map((d) => d.text),
    types: judgeTypes(built, job.types ?? []),
    probes: probed,
  });
}
process.stdout.write(JSON.stringify(results) + '\n');
