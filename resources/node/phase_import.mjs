// Import phase driver: loads every entry point of the package as a consumer would — require()
// for CommonJS, import() for ESM (an ESM-only package is imported, never lost to
// ERR_REQUIRE_ESM) — then runs its bins with --help.
// Started as `node --input-type=module -e <bootstrap>` with cwd = the consumer project, so that
// the bootstrap's import() resolves bare specifiers from the project's node_modules exactly as
// the project's own code would; the bootstrap hands its import and import.meta.resolve here.
// argv: <report tag> <package dir> <package name> <grace ms> <entry timeout ms> <timer wait ms>.
import { createRequire } from 'module';
import { spawnSync } from 'child_process';
import path from 'path';
import entries from './phase_entries.js';

const { readManifest, entryPoints, bins, withTimeout, errorText, watchPending } = entries;

export async function run({ importFn, resolveFn }) {
  const [tag, pkgDir, name, graceText, timeoutText, timerWaitText] = process.argv.slice(1);
  const grace = Number(graceText) || 0;
  const timerWait = Number(timerWaitText) || 0;
  const entryTimeout = Number(timeoutText) || 5000;
  const report = (record) => process.stdout.write(`\n${tag} ${JSON.stringify(record)}\n`);
  // Before anything of the package loads, so all it leaves pending is seen by the grace.
  const { settle } = watchPending();
  const require = createRequire(path.join(process.cwd(), 'index.js'));
  const manifest = readManifest(pkgDir);
  const results = [];
  for (const entry of entryPoints(pkgDir, name, manifest)) {
    const r = { specifier: entry.specifier, require: 'unresolved', import: 'unresolved' };
    report({ type: 'entry-start', specifier: entry.specifier });
    let requirable = true;
    try {
      require.resolve(entry.specifier);
    } catch {
      requirable = false;  // no require/default condition: an import-only entry
    }
    if (requirable) {
      try {
        require(entry.specifier);
        r.require = 'ok';
      } catch (e) {
        // ESM-only under a require condition: import() below loads it, nothing is lost.
        r.require = e && e.code === 'ERR_REQUIRE_ESM' ? 'esm' : `error: ${errorText(e)}`;
      }
    }
    let importable = true;
    try {
      resolveFn(entry.specifier);
    } catch {
      importable = false;
    }
    if (importable) {
      try {
        await withTimeout(importFn(entry.specifier), entryTimeout);
        r.import = 'ok';
      } catch (e) {
        r.import = e && e.timeout ? 'timeout' : `error: ${errorText(e)}`;
      }
    }
    r.loaded = r.require === 'ok' || r.import === 'ok';
    results.push(r);
    report({ type: 'entry', ...r });
  }
  const binResults = [];
  for (const bin of bins(name, manifest)) {
    const started = Date.now();
    const s = spawnSync(path.join(process.cwd(), 'node_modules', '.bin', bin), ['--help'], {
      stdio: 'inherit',
      timeout: entryTimeout,
      killSignal: 'SIGKILL',
    });
    const b = {
      bin,
      status: s.error ? (s.error.code === 'ETIMEDOUT' ? 'timeout' : `error: ${errorText(s.error)}`) : 'ran',
      exit_code: s.status,
      signal: s.signal,
      duration_ms: Date.now() - started,
    };
    binResults.push(b);
    report({ type: 'bin', ...b });
  }
  // Let what the package scheduled at load time (timers, pending requests) run for a while.
  const settled = await settle(grace, timerWait);
  const loaded = results.filter((r) => r.loaded).length;
  report({ type: 'summary', entries: results, bins: binResults, loaded, failed: results.length - loaded, settled });
  process.exit(results.length > 0 && loaded === 0 ? 1 : 0);
}
