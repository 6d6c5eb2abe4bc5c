#!/usr/bin/env node
/*
 * The Node.js half of `npm run verify:install` (scripts/verify-install.sh):
 *
 *   snippet PACKAGE ID             prints the fenced block after `<!-- verify-install: ID -->` in
 *                                  plugins/PACKAGE/README.md (exactly one, or it fails)
 *   registry PACKS_DIR PORT_FILE   serves the packed tarballs as an npm registry (registry.js): our
 *                                  packages are not on npm; this way the READMEs' `yarn add` runs as written
 *   apply APP ENDPOINTS ENV_FILE   applies the READMEs' TypeScript and YAML snippets to the stock app;
 *                                  writes the backend's environment (the `${VARS}` the config names)
 *   paths APP                      every node_modules/@gitops-pipelines/… path the READMEs name exists
 *   check FRONTEND BACKEND OUT     the API lists the sandbox's pipeline; Chromium shows its lanes (check.js)
 *
 * Snippets are inserted as text, never re-serialized, so that the lines counted are the README's.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGES = [
  'pipelines',
  'pipelines-backend',
  'pipelines-common',
  'scaffolder-backend-module-pipelines',
];
const readmeOf = pkg => path.join(ROOT, 'plugins', pkg, 'README.md');

function snippet(pkg, id) {
  const text = fs.readFileSync(readmeOf(pkg), 'utf8');
  const re = new RegExp(
    // prettier puts a blank line between the marker and the block
    `<!-- verify-install: ${id} -->\\n\\n?\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\`\\n`,
    'g',
  );
  const found = [...text.matchAll(re)];
  if (found.length !== 1) {
    throw new Error(
      `plugins/${pkg}/README.md: expected one fenced block right after <!-- verify-install: ${id} -->, found ${found.length}`,
    );
  }
  return `${found[0][1]}\n`;
}

// ---- apply ------------------------------------------------------------------------------------

const BACKEND = 'pipelines-backend';
const SCAFFOLDER = 'scaffolder-backend-module-pipelines';
// Where each README snippet goes in a stock app, as a new user would put it.
const EDITS = [
  {
    pkg: BACKEND,
    id: 'backend-index',
    file: 'packages/backend/src/index.ts',
    before: 'backend.start();',
  },
  {
    pkg: SCAFFOLDER,
    id: 'scaffolder-index',
    file: 'packages/backend/src/index.ts',
    before: 'backend.start();',
  },
  {
    pkg: BACKEND,
    id: 'backend-config',
    file: 'app-config.yaml',
    sandbox: true,
  },
  {
    pkg: SCAFFOLDER,
    id: 'scaffolder-template-location',
    file: 'app-config.yaml',
  },
  // The stock app's example component gets the annotations (it is in a catalog location already).
  {
    pkg: BACKEND,
    id: 'entity-annotations',
    file: 'examples/entities.yaml',
    entity: ['Component', 'example-website'],
  },
];

const lineAt = (text, offset) => text.slice(0, offset).split('\n').length - 1; // 0-based
const column = (text, offset) =>
  offset - (text.lastIndexOf('\n', offset - 1) + 1);
const isEmpty = node =>
  !node || (YAML.isScalar(node) && node.value === null && !node.source);
// The last line holding content of a node (not the comments or blank lines after it).
function endLine(text, node) {
  if (YAML.isPair(node))
    return isEmpty(node.value)
      ? endLine(text, node.key)
      : endLine(text, node.value);
  if (YAML.isCollection(node) && node.items.length)
    return endLine(text, node.items[node.items.length - 1]);
  return lineAt(text, node.range[1] - 1);
}
const shift = (lines, by) =>
  lines.map(l => (by >= 0 ? ' '.repeat(by) + l : l.slice(-by)));

/**
 * Merges the YAML snippet `src` (a map) into the map `target` of the text `text`, as text: a key
 * the target lacks is added with its lines; a map is merged key by key; a list gets the snippet's
 * items appended; equal scalars are fine, different ones are a conflict. Pushes insertions
 * { after: line, lines } onto `out`, for the caller to apply bottom-up.
 */
function mergeYaml(text, target, src, srcMap, srcEnd, out, where) {
  const srcLines = src.split('\n');
  srcMap.items.forEach((pair, i) => {
    const key = pair.key.value;
    const next = srcMap.items[i + 1];
    const start = lineAt(src, pair.key.range[0]);
    const end = next ? lineAt(src, next.key.range[0]) - 1 : srcEnd;
    const own = target.items.find(p => p.key.value === key);
    const at = `${where}${key}`;
    if (!own) {
      const by =
        column(text, target.items[0].key.range[0]) -
        column(src, pair.key.range[0]);
      out.push({
        after: endLine(text, target),
        lines: shift(srcLines.slice(start, end + 1), by),
      });
    } else if (isEmpty(own.value)) {
      // e.g. the stock app's `kubernetes:`, with only a comment under it
      if (start === end)
        throw new Error(
          `${at}: the stock app has the key empty; the snippet sets it on one line`,
        );
      const by =
        column(text, own.key.range[0]) - column(src, pair.key.range[0]);
      out.push({
        after: lineAt(text, own.key.range[0]),
        lines: shift(srcLines.slice(start + 1, end + 1), by),
      });
    } else if (YAML.isMap(own.value) && YAML.isMap(pair.value)) {
      mergeYaml(text, own.value, src, pair.value, end, out, `${at}.`);
    } else if (
      YAML.isSeq(own.value) &&
      YAML.isSeq(pair.value) &&
      !own.value.flow
    ) {
      const by =
        column(text, own.value.range[0]) - column(src, pair.value.range[0]);
      out.push({
        after: endLine(text, own.value),
        lines: shift(
          srcLines.slice(lineAt(src, pair.value.range[0]), end + 1),
          by,
        ),
      });
    } else if (
      JSON.stringify(own.value.toJSON()) !== JSON.stringify(pair.value.toJSON())
    ) {
      throw new Error(`${at}: the stock app already has another value`);
    }
  });
}

// Is every value of `part` in `whole` (lists: every item of `part` is one of `whole`'s)?
function contains(whole, part) {
  if (Array.isArray(part))
    return (
      Array.isArray(whole) && part.every(p => whole.some(w => contains(w, p)))
    );
  if (part && typeof part === 'object')
    return (
      whole &&
      typeof whole === 'object' &&
      Object.entries(part).every(([k, v]) => contains(whole[k], v))
    );
  return whole === part;
}

// The README's example cluster becomes the sandbox's: its `url:`, and the `${VARS}` of its
// token and CA (kept as written; the backend gets them in its environment).
function pointAtSandbox(text, endpoints, env) {
  const { managementUrl, serviceAccountToken, caData } = endpoints.backstage;
  const withUrl = text.replace(
    /^(\s*(?:- )?url:\s*)\S+/m,
    (_, key) => key + managementUrl,
  );
  if (withUrl === text)
    throw new Error('backend-config: no `url:` line to point at the sandbox');
  // The README's known forge becomes the sandbox's (http, as an operator writes it for a forge
  // without TLS): its Pipelines' pull-request urls are refused on any other host.
  const forge = new URL(endpoints.forge.url).origin;
  const withForge = withUrl.replace(
    /^(\s*allowedHosts:\s*\n\s*- )\S+/m,
    (_, key) => key + forge,
  );
  if (withForge === withUrl)
    throw new Error(
      'backend-config: no `allowedHosts:` entry to point at the sandbox forge',
    );
  for (const [key, value] of Object.entries({ serviceAccountToken, caData })) {
    const m = new RegExp(`^\\s*${key}:\\s*\\$\\{(\\w+)\\}`, 'm').exec(text);
    if (!m)
      throw new Error(
        `backend-config: no \`${key}: \${…}\` line (the secret must not be written in the config)`,
      );
    env[m[1]] = value;
  }
  return withForge;
}

function apply(app, endpointsFile, envFile) {
  const config = YAML.parse(
    fs.readFileSync(path.join(app, 'app-config.yaml'), 'utf8'),
  );
  if (config.app?.packages !== 'all') {
    throw new Error(
      'the stock app does not use feature discovery (app.packages: all): the README\'s "without discovery" App.tsx is not automated here',
    );
  }
  snippetMarker('pipelines', 'frontend-discovery');
  const endpoints = JSON.parse(fs.readFileSync(endpointsFile, 'utf8'));
  const env = {};
  for (const edit of EDITS) {
    let src = snippet(edit.pkg, edit.id);
    if (edit.sandbox) src = pointAtSandbox(src, endpoints, env);
    const file = path.join(app, edit.file);
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.split('\n');
    let inserts = [];
    if (edit.before) {
      const at = lines.findIndex(l => l.trim() === edit.before);
      if (at < 0) throw new Error(`${edit.file}: no line \`${edit.before}\``);
      inserts = [{ after: at - 1, lines: src.trimEnd().split('\n') }];
    } else {
      const docs = YAML.parseAllDocuments(text);
      const doc = edit.entity
        ? docs.find(
            d =>
              d.get('kind') === edit.entity[0] &&
              d.getIn(['metadata', 'name']) === edit.entity[1],
          )
        : docs[0];
      if (!doc) throw new Error(`${edit.file}: no ${edit.entity?.join(' ')}`);
      const srcDoc = YAML.parseDocument(src);
      if (srcDoc.errors.length || !YAML.isMap(srcDoc.contents))
        throw new Error(
          `${edit.id}: not a YAML map: ${srcDoc.errors[0]?.message}`,
        );
      mergeYaml(
        text,
        doc.contents,
        src,
        srcDoc.contents,
        src.trimEnd().split('\n').length - 1,
        inserts,
        '',
      );
    }
    // Bottom-up, so that line numbers hold; at the same line, the later insertion first.
    const order = inserts
      .map((insert, i) => ({ ...insert, i }))
      .sort((a, b) => b.after - a.after || b.i - a.i);
    for (const { after, lines: add } of order)
      lines.splice(after + 1, 0, ...add);
    const result = lines.join('\n');
    if (!edit.before) {
      // the file must still parse, and hold everything the snippet says
      const docs = YAML.parseAllDocuments(result);
      const bad = docs.find(d => d.errors.length);
      if (bad)
        throw new Error(
          `${edit.file} after ${edit.id}: ${bad.errors[0].message}`,
        );
      const json = docs.map(d => d.toJSON());
      const want = YAML.parse(src);
      if (!json.some(d => contains(d, want)))
        throw new Error(`${edit.file}: ${edit.id} did not merge`);
    }
    fs.writeFileSync(file, result);
    const added = inserts.reduce((n, i) => n + i.lines.length, 0);
    console.log(
      `applied ${edit.id} (plugins/${edit.pkg}/README.md) to ${edit.file}: ${added} lines`,
    );
  }
  const envLines = Object.entries(env).map(([k, v]) => `${k}=${v}\n`);
  fs.writeFileSync(envFile, envLines.join(''), { mode: 0o600 });
}

function snippetMarker(pkg, id) {
  if (
    !fs
      .readFileSync(readmeOf(pkg), 'utf8')
      .includes(`<!-- verify-install: ${id}`)
  ) {
    throw new Error(
      `plugins/${pkg}/README.md: no <!-- verify-install: ${id} --> marker`,
    );
  }
}

// ---- paths ------------------------------------------------------------------------------------

function paths(app) {
  let n = 0;
  for (const pkg of PACKAGES) {
    const text = fs.readFileSync(readmeOf(pkg), 'utf8');
    for (const [ref] of text.matchAll(
      /(?:\.\.\/\.\.\/|\.\/)?node_modules\/@gitops-pipelines\/[\w./-]+/g,
    )) {
      // `../../` from packages/backend, `./` from the container's /app: both the app's root.
      const rel = ref.replace(/^(\.\.\/\.\.\/|\.\/)/, '').replace(/\.$/, '');
      if (!fs.existsSync(path.join(app, rel)))
        throw new Error(
          `plugins/${pkg}/README.md names ${ref}, which the installed app lacks`,
        );
      n++;
    }
  }
  console.log(`paths: the ${n} node_modules paths the READMEs name exist`);
}

module.exports = { snippet, apply, paths, mergeYaml };
if (require.main === module) {
  const [cmd, ...args] = process.argv.slice(2);
  const run = {
    snippet: () => process.stdout.write(snippet(...args)),
    registry: () => require('./registry').registry(...args),
    apply: () => apply(...args),
    paths: () => paths(...args),
    check: () => require('./check').check(...args),
  }[cmd];
  if (!run) {
    console.error('usage: helper.js snippet|registry|apply|paths|check …');
    process.exit(2);
  }
  Promise.resolve()
    .then(run)
    .catch(e => {
      console.error(`verify-install: ${e.message}`);
      process.exit(1);
    });
}
