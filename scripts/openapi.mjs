#!/usr/bin/env node
// The REST API's contract is plugins/pipelines-backend/src/schema/openapi.yaml. From it:
//  - plugins/pipelines-backend/src/schema/openapi.generated.ts: the spec as a TypeScript
//    constant, for @backstage/backend-openapi-utils' typed, validating router (what
//    `backstage-repo-tools package schema openapi generate --server` writes);
//  - plugins/pipelines-common/src/schema/openapi.generated.ts: `paths` and `components`
//    types (openapi-typescript) that the frontend client and the scaffolder action use.
// `node scripts/openapi.mjs generate` writes both; `verify` (a step of npm test) fails when
// either is missing or differs from what the YAML gives, or when the YAML is not a valid
// OpenAPI 3.1 document.
import SwaggerParser from '@apidevtools/swagger-parser';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const specPath = path.join(
  root,
  'plugins/pipelines-backend/src/schema/openapi.yaml',
);
const routerSpecPath = path.join(
  root,
  'plugins/pipelines-backend/src/schema/openapi.generated.ts',
);
const typesPath = path.join(
  root,
  'plugins/pipelines-common/src/schema/openapi.generated.ts',
);
const banner = `// Generated from plugins/pipelines-backend/src/schema/openapi.yaml by scripts/openapi.mjs.
// Do not edit: change the YAML and run \`yarn openapi:generate\`.
/* eslint-disable */
`;

async function render() {
  const text = fs.readFileSync(specPath, 'utf8');
  const doc = YAML.parse(text, { merge: true });
  // Throws with the first problem when the document is not valid OpenAPI (3.1 schema, $refs).
  await SwaggerParser.validate(structuredClone(doc));
  const routerSpec = `${banner}
/** The pipelines REST API's OpenAPI 3.1 document. @internal */
export const spec = ${JSON.stringify(doc, null, 2)} as const;
`;
  const ast = await openapiTS(doc, { alphabetize: false });
  const types = `${banner}
${astToString(ast)}`;
  return [
    [routerSpecPath, routerSpec],
    [typesPath, types],
  ];
}

const mode = process.argv[2];
if (mode !== 'generate' && mode !== 'verify') {
  console.error('usage: node scripts/openapi.mjs generate|verify');
  process.exit(2);
}
const outputs = await render();
let stale = 0;
for (const [file, content] of outputs) {
  const rel = path.relative(root, file);
  if (mode === 'generate') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    console.log(`wrote ${rel}`);
  } else if (
    !fs.existsSync(file) ||
    fs.readFileSync(file, 'utf8') !== content
  ) {
    console.error(
      `${rel} does not match openapi.yaml: run yarn openapi:generate`,
    );
    stale++;
  }
}
if (mode === 'verify') {
  if (stale) process.exit(1);
  console.log(
    'openapi: the generated router spec and client types match openapi.yaml',
  );
}
