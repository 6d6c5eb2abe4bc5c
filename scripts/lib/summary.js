// Adds up the results of every test step and prints `N passed, N failed` as the last line.
// Usage: node summary.js <jest.json> <e2e.json> <failed-steps-file> [chaos.json] [security.json]
const fs = require('fs');

const read = file => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};

let passed = 0;
let failed = 0;
const lines = [];

const [jestFile, e2eFile, stepsFile, chaosFile, securityFile] =
  process.argv.slice(2);
const security = securityFile ? read(securityFile) : undefined;

const jest = read(jestFile);
if (jest) {
  passed += jest.numPassedTests;
  failed += jest.numFailedTests;
  // A suite that fails to run (syntax error, crash) has no failed tests: count it.
  const broken = jest.testResults.filter(
    r => r.status === 'failed' && r.assertionResults.length === 0,
  );
  failed += broken.length;
  lines.push(
    `unit + integration (jest): ${jest.numPassedTests} passed, ${
      jest.numFailedTests + broken.length
    } failed, ${jest.numPendingTests} skipped`,
  );
} else {
  failed += 1;
  lines.push('unit + integration (jest): no results');
}

const e2e = read(e2eFile);
if (e2e) {
  const s = e2e.stats || {};
  passed += s.expected || 0;
  failed += (s.unexpected || 0) + (s.flaky || 0);
  lines.push(
    `end-to-end (playwright): ${s.expected || 0} passed, ${
      (s.unexpected || 0) + (s.flaky || 0)
    } failed, ${s.skipped || 0} skipped`,
  );
} else {
  failed += 1;
  lines.push('end-to-end (playwright): no results');
}

const steps = fs.existsSync(stepsFile)
  ? fs.readFileSync(stepsFile, 'utf8').split('\n').filter(Boolean)
  : [];
for (const step of steps) {
  const [status, name] = step.split(' ');
  // The attack suite counts one per attack (below) when it wrote its results.
  if (name === 'security' && security) continue;
  if (status === 'ok') passed += 1;
  else failed += 1;
  lines.push(`${name}: ${status === 'ok' ? 'passed' : 'FAILED'}`);
}

if (chaosFile) {
  const chaos = read(chaosFile);
  if (chaos) {
    const ok = chaos.results.filter(r => r.passed).length;
    passed += ok;
    failed += chaos.results.length - ok;
    lines.push(
      `chaos (two replicas, faults, soak): ${ok} passed, ${
        chaos.results.length - ok
      } failed`,
    );
  } else {
    failed += 1;
    lines.push('chaos: no results');
  }
}

if (security) {
  const ok = security.results.filter(r => r.refused).length;
  passed += ok;
  failed += security.results.length - ok;
  lines.push(
    `security (attack suite): ${security.results.length} attacks, ${ok} refused`,
  );
}

console.log(lines.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
