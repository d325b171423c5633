// Judges JSON documents against a TypeScript type: ts-json-schema-generator
// turns the type into a JSON schema, ajv checks each document. The verdicts
// are what the generated from_json must agree with.
//
// Usage: node tests/node/validate.mjs FILE.ts TYPE_NAME < documents.json
// stdin is a JSON array of documents; stdout is a JSON array of booleans.
//        node tests/node/validate.mjs FILE.ts --batch < [{"type", "documents"}, ...]
// judges many types of one file with one program; stdout is an array of boolean arrays.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { createFormatter, createParser, SchemaGenerator } from 'ts-json-schema-generator';
import { Ajv } from 'ajv';

const [file, typeName] = process.argv.slice(2);
if (file === undefined || typeName === undefined) {
  console.error('usage: node validate.mjs FILE.ts TYPE_NAME < documents.json');
  process.exit(2);
}
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const jobs = typeName === '--batch' ? input : [{ type: typeName, documents: input }];
if (!Array.isArray(jobs) || !jobs.every((job) => Array.isArray(job.documents))) {
  console.error('stdin must be a JSON array of documents');
  process.exit(2);
}

const config = {
  path: path.resolve(file),
  // TypeScript does not check these at runtime, so tsmirror does not either.
  // "basic" and "extended" would turn tags such as @pattern into constraints.
  jsDoc: 'none',
  // tsmirror's from_json is strict (strict_objects = true): extra keys fail.
  additionalProperties: false,
  skipTypeCheck: true,
  expose: 'export',
  topRef: true,
};

// We build the program rather than let the generator do it: its default has
// strictNullChecks off, and tsmirror mirrors strict TypeScript. The tsconfig
// nearest FILE still applies (module resolution, `paths`), with strict forced on.
function compilerOptions(start) {
  const tsconfig = ts.findConfigFile(path.dirname(start), ts.sys.fileExists);
  const base = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler };
  if (tsconfig === undefined) {
    return { ...base, types: [], strict: true, noEmit: true };
  }
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  return { ...parsed.options, strict: true, noEmit: true };
}

const program = ts.createProgram([config.path], compilerOptions(config.path));
function judge({ type, documents }) {
  const typed = { ...config, type };
  const generator = new SchemaGenerator(program, createParser(program, typed),
    createFormatter(typed), typed);
  // strict: false because the generated schema may carry keywords ajv does not know.
  const validate = new Ajv({ strict: false }).compile(generator.createSchema(type));
  return documents.map((document) => validate(document) === true);
}
// In a batch, a type the generator cannot handle is answered with its error message.
const verdicts = typeName === '--batch'
  ? jobs.map((job) => { try { return judge(job); } catch (error) { return String(error.message).split('\n')[0]; } })
  : jobs.map(judge);
process.stdout.write(JSON.stringify(typeName === '--batch' ? verdicts : verdicts[0]) + '\n');
