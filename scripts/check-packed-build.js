#!/usr/bin/env node
/*
 * Guard run by each publishable package's `prepack`, before `backstage-cli package prepack`:
 * that command rewrites package.json to point at dist/ but does not check that dist/ exists,
 * so `npm pack` / `yarn pack` without a build would publish a package whose `main` is missing.
 *
 * Fails (exit 1) unless, in the package directory (the working directory, or the argument):
 *   - every file `publishConfig` points at (main, module, types) exists;
 *   - every entry point in `exports` (src/<name>.ts(x)) has dist/<name>.d.ts and a JS bundle;
 *   - every path listed in `files` exists (for a glob, the folder before it);
 *   - no file under src/ (tests and test helpers aside) is newer than the build.
 *
 * Usage: node scripts/check-packed-build.js [packageDir]
 */
'use strict';

const fs = require('fs');
const path = require('path');

const dir = path.resolve(process.argv[2] ?? process.cwd());
const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
const problems = [];
const exists = rel => fs.existsSync(path.join(dir, rel));

const dist = path.join(dir, 'dist');
if (!fs.existsSync(dist)) {
  problems.push('dist/ does not exist');
} else {
  const publish = pkg.publishConfig ?? {};
  for (const key of ['main', 'module', 'types']) {
    if (publish[key] && !exists(publish[key])) {
      problems.push(`publishConfig.${key} ${publish[key]} does not exist`);
    }
  }
  for (const [mount, target] of Object.entries(pkg.exports ?? {})) {
    const m =
      typeof target === 'string' && /^\.\/src\/(.+)\.(ts|tsx)$/.exec(target);
    if (!m) continue;
    const name = m[1];
    if (!exists(`dist/${name}.d.ts`)) {
      problems.push(
        `exports["${mount}"]: dist/${name}.d.ts does not exist (run \`yarn tsc\` at the repository root before the build)`,
      );
    }
    if (!exists(`dist/${name}.esm.js`) && !exists(`dist/${name}.cjs.js`)) {
      problems.push(
        `exports["${mount}"]: neither dist/${name}.esm.js nor dist/${name}.cjs.js exists`,
      );
    }
  }

  // A build older than the sources it should contain.
  const newest = (root, skip) => {
    let best = 0;
    let bestFile;
    const walk = d => {
      for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, entry.name);
        if (skip(p, entry)) continue;
        if (entry.isDirectory()) walk(p);
        else {
          const t = fs.statSync(p).mtimeMs;
          if (t > best) {
            best = t;
            bestFile = p;
          }
        }
      }
    };
    if (fs.existsSync(root)) walk(root);
    return { time: best, file: bestFile };
  };
  const isTestOnly = (p, entry) =>
    /\.test\.(ts|tsx)$/.test(entry.name) ||
    /^setupTests\.(ts|tsx)$/.test(entry.name) ||
    (entry.isDirectory() &&
      ['__testUtils__', '__fixtures__', '__mocks__'].includes(entry.name));
  const src = newest(path.join(dir, 'src'), isTestOnly);
  const built = newest(dist, () => false);
  if (src.file && src.time > built.time) {
    problems.push(
      `${path.relative(dir, src.file)} is newer than the build in dist/`,
    );
  }
}

for (const entry of pkg.files ?? []) {
  const globAt = entry.search(/[*?{[]/);
  const literal =
    globAt === -1 ? entry : path.dirname(entry.slice(0, globAt) + 'x');
  if (literal && literal !== '.' && !exists(literal)) {
    problems.push(`"files" lists ${entry}, but ${literal} does not exist`);
  }
}

if (problems.length) {
  console.error(`check-packed-build: ${pkg.name} is not ready to pack:`);
  for (const p of problems) console.error(`  - ${p}`);
  console.error(
    'Build it first: `yarn tsc` at the repository root, then `yarn build` in the package.',
  );
  process.exit(1);
}
console.log(`check-packed-build: ${pkg.name}: dist/ and "files" are complete`);
