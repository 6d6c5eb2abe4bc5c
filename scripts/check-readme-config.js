#!/usr/bin/env node
/*
 * Checks the configuration reference of plugins/pipelines-backend/README.md against the
 * package's config.d.ts (the schema Backstage validates app-config with).
 *
 * Every leaf key of config.d.ts, written as a dotted path — `[]` for the items of an array,
 * `<name>` for the keys of a map (the index signature's parameter name) — must have a row in a
 * configuration table of the README (a Markdown table whose header starts `| key |`) whose
 * first cell is exactly that key in backticks, followed by a non-empty default and meaning:
 *
 *   | key | default | meaning |
 *   |---|---|---|
 *   | `pipelines.levelTriggers` | `false` | Level-triggered promotions ... |
 *
 * A row in such a table for a key that config.d.ts does not have also fails (stale docs).
 *
 * Usage: node scripts/check-readme-config.js [config.d.ts] [README.md]
 * Prints `readme-config: N keys documented` and exits 0, or lists what is missing and exits 1.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const configFile = path.resolve(
  process.argv[2] ?? path.join(root, 'plugins/pipelines-backend/config.d.ts'),
);
const readmeFile = path.resolve(
  process.argv[3] ?? path.join(root, 'plugins/pipelines-backend/README.md'),
);

/** The dotted leaf keys of the `Config` interface of a config.d.ts. */
function configKeys(file) {
  const source = ts.createSourceFile(
    file,
    fs.readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const config = source.statements.find(
    s => ts.isInterfaceDeclaration(s) && s.name.text === 'Config',
  );
  if (!config) throw new Error(`${file}: no interface Config`);
  const keys = [];

  const nameOf = member => {
    const n = member.name;
    if (ts.isIdentifier(n) || ts.isStringLiteral(n)) return n.text;
    throw new Error(`${file}: unsupported property name ${n.getText(source)}`);
  };

  /** The object type a property's type holds, unwrapped from parentheses, `X[]` and `Array<X>`. */
  const unwrap = type => {
    let suffix = '';
    for (;;) {
      if (ts.isParenthesizedTypeNode(type)) {
        type = type.type;
      } else if (ts.isArrayTypeNode(type)) {
        suffix += '[]';
        type = type.elementType;
      } else if (
        ts.isTypeReferenceNode(type) &&
        ts.isIdentifier(type.typeName) &&
        ['Array', 'ReadonlyArray'].includes(type.typeName.text) &&
        type.typeArguments?.length === 1
      ) {
        suffix += '[]';
        type = type.typeArguments[0];
      } else {
        return { type, suffix };
      }
    }
  };

  const walkMembers = (members, prefix) => {
    for (const member of members) {
      if (ts.isPropertySignature(member)) {
        walkType(member.type, `${prefix}${nameOf(member)}`);
      } else if (ts.isIndexSignatureDeclaration(member)) {
        walkType(
          member.type,
          `${prefix}<${member.parameters[0].name.getText(source)}>`,
        );
      } else {
        throw new Error(
          `${file}: unsupported member ${member.getText(source)}`,
        );
      }
    }
  };

  const walkType = (typeNode, key) => {
    if (!typeNode) throw new Error(`${file}: ${key} has no type`);
    const { type, suffix } = unwrap(typeNode);
    if (ts.isTypeLiteralNode(type)) {
      walkMembers(type.members, `${key}${suffix}.`);
    } else {
      keys.push(key);
    }
  };

  walkMembers(config.members, '');
  return keys;
}

/** Rows of the Markdown tables whose header starts `| key |`: key (in backticks) → cells. */
function documentedRows(file) {
  const rows = new Map();
  let inConfigTable = false;
  let header = false;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim().startsWith('|')) {
      inConfigTable = false;
      header = false;
      continue;
    }
    // Split on pipes that are not escaped (`\|` inside a cell).
    const cells = line
      .trim()
      .replace(/^\|/, '')
      .replace(/\|$/, '')
      .split(/(?<!\\)\|/)
      .map(c => c.trim());
    if (!header) {
      // The first row of a table is its header.
      header = true;
      inConfigTable = cells[0].toLowerCase() === 'key';
      continue;
    }
    if (!inConfigTable || /^:?-+:?$/.test(cells[0])) continue;
    const m = /^`([^`\s]+)`$/.exec(cells[0]);
    if (!m)
      throw new Error(
        `${file}: a configuration table row does not start with a key in backticks: ${line}`,
      );
    rows.set(m[1], cells);
  }
  return rows;
}

const keys = configKeys(configFile);
const rows = documentedRows(readmeFile);
const problems = [];
for (const key of keys) {
  const cells = rows.get(key);
  if (!cells) {
    problems.push(`${key}: no row in the configuration table`);
  } else if (cells.length < 3 || !cells[1] || !cells[2]) {
    problems.push(`${key}: the row needs a default and a meaning`);
  }
}
const known = new Set(keys);
for (const key of rows.keys()) {
  if (!known.has(key)) {
    problems.push(
      `${key}: documented, but not a key of ${path.basename(configFile)}`,
    );
  }
}

const rel = f => path.relative(process.cwd(), f) || f;
if (problems.length) {
  console.error(
    `readme-config: ${rel(readmeFile)} does not match ${rel(configFile)}:`,
  );
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(`readme-config: ${keys.length} keys documented`);
