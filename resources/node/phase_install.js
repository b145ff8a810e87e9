'use strict';
// Install phase driver: runs a package's install lifecycle scripts the way npm's
// @npmcli/run-script does (`sh -c <script>` in the package dir, npm's environment, PATH with
// the node_modules/.bin folders first), in order, stopping at the first failure as npm does.
// argv: <report tag> <plan JSON>. The plan comes from the engine (lifecycle_scripts.cpp).
// Each script's start and end are reported on stdout as "<tag> <json>" lines.
const { spawnSync } = require('child_process');

const [tag, planText] = process.argv.slice(2);
const report = (record) => process.stdout.write(`\n${tag} ${JSON.stringify(record)}\n`);

const plan = JSON.parse(planText);
const results = [];
let failed = false;
for (const step of plan.scripts) {
  if (failed) {
    results.push({ event: step.event, status: 'skipped' });
    continue;
  }
  const env = { ...process.env };
  for (const entry of step.env) {
    const eq = entry.indexOf('=');
    env[entry.slice(0, eq)] = entry.slice(eq + 1).replace('%NODE_VERSION%', process.version);
  }
  env.PATH = [...step.path, process.env.PATH || ''].join(':');
  report({ type: 'start', event: step.event });
  const started = Date.now();
  const r = spawnSync('/bin/sh', ['-c', step.script], { cwd: plan.cwd, env, stdio: 'inherit' });
  const result = {
    event: step.event,
    status: r.error ? 'error' : r.status === 0 ? 'ok' : 'failed',
    exit_code: r.status,
    signal: r.signal,
    duration_ms: Date.now() - started,
  };
  if (r.error) result.error = String(r.error.message);
  results.push(result);
  report({ type: 'end', ...result });
  failed = result.status !== 'ok';
}
report({ type: 'summary', scripts: results });
process.exitCode = failed ? 1 : 0;
