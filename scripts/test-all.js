// `npm test`: build, typecheck, lint, format check, unit, integration and end-to-end tests, then one summary line.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { hasDisplay, root, run } from './lib.js';

const results = join(root, 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const steps = [];
const counts = { passed: 0, failed: 0, skipped: 0 };

async function step(name, command, args, options) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const code = await run(command, args, options);
  steps.push({ name, ok: code === 0, seconds: (Date.now() - started) / 1000 });
  return code === 0;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function addVitest(file) {
  const report = readJson(file);
  if (!report) return;
  counts.passed += report.numPassedTests ?? 0;
  // A file that fails before its tests run (import or hook error) counts as one failure, so the line stays honest.
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed'),
  ).length;
  counts.failed += (report.numFailedTests ?? 0) + brokenFiles;
  counts.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}

function addPlaywright(file) {
  const report = readJson(file);
  if (!report?.stats) return;
  counts.passed += (report.stats.expected ?? 0) + (report.stats.flaky ?? 0);
  counts.failed += report.stats.unexpected ?? 0;
  counts.skipped += report.stats.skipped ?? 0;
}

const npx = (args, options) => ['npx', args, options];

if (!(await step('build', 'npm', ['run', 'build']))) {
  console.error('Build failed; the tests need the build.');
  process.exit(1);
}
await step('typecheck', 'npm', ['run', 'typecheck']);
await step('packaging layout', 'npm', ['run', 'package:check']);
await step('lint', 'npm', ['run', 'lint']);
await step('format', 'npm', ['run', 'format:check']);

const vitest = (project) => [
  'vitest',
  'run',
  '--project',
  project,
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${join(results, `${project}.json`)}`,
];
await step('unit tests', ...npx(vitest('unit')));
addVitest(join(results, 'unit.json'));
await step('integration tests', ...npx(vitest('integration')));
addVitest(join(results, 'integration.json'));

// Electron needs a display; Chromium runs headless either way.
const underXvfb = !hasDisplay() && existsSync('/usr/bin/xvfb-run');
await step(
  'end-to-end tests',
  ...(underXvfb ? ['xvfb-run', ['-a', 'npx', 'playwright', 'test']] : ['npx', ['playwright', 'test']]),
);
addPlaywright(join(results, 'e2e-results.json'));

console.log('\n=== summary ===');
for (const s of steps) console.log(`${s.ok ? 'ok  ' : 'FAIL'}  ${s.name} (${s.seconds.toFixed(1)} s)`);
const failedSteps = steps.filter((s) => !s.ok).length;
console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(failedSteps === 0 && counts.failed === 0 ? 0 : 1);
