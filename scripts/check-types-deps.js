#!/usr/bin/env node
/*
 * The published .d.ts of a package may name packages its source never imports: TypeScript
 * writes inferred types as `import("@backstage/filter-predicates").FilterPredicate`. Consumers
 * then need that package installed, so it must be a dependency (or peer dependency) — knip
 * cannot see these, because they exist only in the emitted declarations.
 *
 * Reads the declarations `yarn tsc` emitted under dist-types/ for the given packages (test
 * files and test helpers aside, and only those whose source file still exists) and fails when
 * one refers to a package that is not in `dependencies` or `peerDependencies`.
 *
 * Usage: node scripts/check-types-deps.js plugins/pipelines [plugins/…]
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { builtinModules } = require('module');

const root = path.resolve(__dirname, '..');
const distTypes = path.join(root, 'dist-types');
if (!fs.existsSync(distTypes)) {
  console.error(
    'types-deps: dist-types/ does not exist; run `yarn tsc` at the repository root first',
  );
  process.exit(1);
}

const builtins = new Set(builtinModules.flatMap(m => [m, `node:${m}`]));
const packageName = spec =>
  (spec.startsWith('@')
    ? spec.split('/').slice(0, 2)
    : spec.split('/').slice(0, 1)
  ).join('/');
const isTestOnly = rel =>
  /(^|\/)(__testUtils__|__fixtures__|__mocks__)\//.test(rel) ||
  /\.test\.d\.ts$/.test(rel) ||
  /(^|\/)setupTests\.d\.ts$/.test(rel);

const problems = [];
let files = 0;
for (const pkgDir of process.argv.slice(2)) {
  const pkg = JSON.parse(
    fs.readFileSync(path.join(root, pkgDir, 'package.json'), 'utf8'),
  );
  const declared = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ]);
  const srcTypes = path.join(distTypes, pkgDir, 'src');
  const walk = dir => {
    for (const entry of fs.existsSync(dir)
      ? fs.readdirSync(dir, { withFileTypes: true })
      : []) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(file);
        continue;
      }
      if (!entry.name.endsWith('.d.ts')) continue;
      const rel = path.relative(srcTypes, file).split(path.sep).join('/');
      if (isTestOnly(rel)) continue;
      const base = rel.replace(/\.d\.ts$/, '');
      // dist-types keeps declarations of deleted sources: only current files count.
      if (
        !['.ts', '.tsx'].some(ext =>
          fs.existsSync(path.join(root, pkgDir, 'src', base + ext)),
        )
      )
        continue;
      files += 1;
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(
        /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g,
      )) {
        const spec = m[1];
        if (
          spec.startsWith('.') ||
          spec.startsWith('/') ||
          builtins.has(spec) ||
          builtins.has(packageName(spec))
        )
          continue;
        const name = packageName(spec);
        if (name === pkg.name || declared.has(name)) continue;
        problems.push(
          `${pkg.name}: ${path.posix.join(
            pkgDir,
            'src',
            rel,
          )} refers to ${name}, which is not a dependency`,
        );
      }
    }
  };
  walk(srcTypes);
}

if (problems.length) {
  for (const p of [...new Set(problems)]) console.error(`types-deps: ${p}`);
  process.exit(1);
}
console.log(`types-deps: ${files} declaration files checked`);
