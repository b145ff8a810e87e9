// API phase driver: loads the package, walks what it exports (functions, classes, nested objects
// to a bounded depth) and calls everything with generated inputs — no arguments, strings (plain,
// URL-, path- and JSON-like), numbers, booleans, objects, arrays, callbacks. Classes are
// constructed and their methods called; promises are awaited. Each call is time-bounded, errors
// are swallowed and counted, and the whole phase stops starting calls at its budget.
// Started like phase_import.mjs (bootstrap in the project's cwd), then works in the stimulus
// directory: every path it invents, and every relative path a package derives from its arguments
// ('hello' + '.lock', String({}) + '.tmp'), lands there, and every URL it invents names the
// stimulus host — so the analysis sees by prefix what a package did because it was asked.
// argv: <report tag> <package dir> <package name> <budget ms> <call timeout ms> <grace ms>
//       <timer wait ms> <stimulus dir> <stimulus host>.
import fs from 'node:fs';
import entries from './phase_entries.js';

const { readManifest, entryPoints, withTimeout, errorText, watchPending } = entries;

const MAX_DEPTH = 3;
const MAX_KEYS = 64;
const MAX_CALLS = 5000;
const MAX_REPORTED = 200;

export async function run({ importFn, resolveFn }) {
  const [tag, pkgDir, name, budgetText, timeoutText, graceText, timerWaitText, stimulusArg, hostArg] =
    process.argv.slice(1);
  const stimulus = stimulusArg || `${process.cwd()}/.vigil-stimulus`;
  const host = hostArg || 'stimulus.example';
  try {
    fs.mkdirSync(stimulus, { recursive: true });
    process.chdir(stimulus);
  } catch {
    // a read-only project: the calls still run, their relative paths land in the project
  }
  const budget = Number(budgetText) || 20000;
  const callTimeout = Number(timeoutText) || 500;
  const grace = Number(graceText) || 0;
  const timerWait = Number(timerWaitText) || 0;
  // performance.now, not Date: the hook moves Date on by what each accelerated timer skipped.
  const deadline = performance.now() + budget;
  const report = (record) => process.stdout.write(`\n${tag} ${JSON.stringify(record)}\n`);
  // Before anything of the package loads, so all it leaves pending is seen by the grace.
  const { settle } = watchPending();

  const stats = { functions: 0, classes: 0, instances: 0, calls: 0, errors: 0, timeouts: 0, callbacks: 0, load_errors: [] };
  let reported = 0;
  const callback = function vigilCallback() {
    stats.callbacks++;
  };
  const argSets = () => [
    [],
    ['hello'],
    [`https://${host}/api/v1/items?id=1`],
    ['./data/input.txt'],
    [`${stimulus}/input.txt`],
    ['{"name":"test","items":[1,2,3]}'],
    [0],
    [42],
    [-1.5],
    [true],
    [false],
    [{}],
    [{ name: 'test', url: `http://${host}:8080/`, path: './file.txt', value: 1 }],
    [[1, 2, 3]],
    [['a', 'b']],
    [callback],
    ['hello', callback],
    [{ name: 'test' }, callback],
    ['hello', 'world'],
    [null],
    [undefined],
  ];
  const exhausted = () => performance.now() >= deadline || stats.calls >= MAX_CALLS;

  // Errors from callbacks and promises the package let go of: counted, never fatal.
  process.on('uncaughtException', () => stats.errors++);
  process.on('unhandledRejection', () => stats.errors++);
  process.on('exit', () => report({ type: 'summary', ...stats, exhausted: exhausted() }));

  async function invoke(fn, thisArg, args, construct) {
    if (exhausted()) return undefined;
    stats.calls++;
    let result;
    try {
      result = construct ? Reflect.construct(fn, args) : Reflect.apply(fn, thisArg, args);
    } catch {
      stats.errors++;
      return undefined;
    }
    if (result && typeof result.then === 'function') {
      try {
        result = await withTimeout(result, callTimeout);
      } catch (e) {
        if (e && e.timeout) stats.timeouts++;
        else stats.errors++;
        return undefined;
      }
    }
    return result;
  }

  const isClass = (fn) => {
    try {
      return /^class[\s{]/.test(Function.prototype.toString.call(fn));
    } catch {
      return false;
    }
  };

  const methodNames = (proto) => {
    const names = new Set();
    for (let p = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      for (const key of Object.getOwnPropertyNames(p)) {
        if (key === 'constructor') continue;
        const d = Object.getOwnPropertyDescriptor(p, key);
        if (d && typeof d.value === 'function') names.add(key);
      }
      if (names.size >= MAX_KEYS) break;
    }
    return [...names];
  };

  const seen = new Set();
  async function walk(value, where, depth) {
    if (exhausted() || value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
    if (seen.has(value)) return;
    seen.add(value);
    if (typeof value === 'function') {
      if (reported++ < MAX_REPORTED) report({ type: 'call', path: where });
      if (isClass(value)) {
        stats.classes++;
        for (const args of argSets().slice(0, 6)) {
          const instance = await invoke(value, undefined, args, true);
          if (!instance || typeof instance !== 'object') continue;
          stats.instances++;
          for (const m of methodNames(Object.getPrototypeOf(instance)))
            for (const margs of argSets().slice(0, 8)) {
              let method;
              try {
                method = instance[m];
              } catch {
                continue;
              }
              if (typeof method === 'function') await invoke(method, instance, margs, false);
            }
          break;  // one working instance is enough to reach the methods
        }
      } else {
        stats.functions++;
        for (const args of argSets()) await invoke(value, undefined, args, false);
      }
    }
    if (depth >= MAX_DEPTH) return;
    let keys = [];
    try {
      keys = Object.keys(value).slice(0, MAX_KEYS);
    } catch {
      return;
    }
    for (const key of keys) {
      let child;
      try {
        child = value[key];
      } catch {
        continue;
      }
      await walk(child, `${where}.${key}`, depth + 1);
    }
  }

  for (const entry of entryPoints(pkgDir, name, readManifest(pkgDir))) {
    if (exhausted()) break;
    let ns;
    try {
      resolveFn(entry.specifier);
      ns = await withTimeout(importFn(entry.specifier), Math.max(callTimeout, 5000));
    } catch (e) {
      stats.load_errors.push({ specifier: entry.specifier, error: errorText(e) });
      continue;
    }
    // A CommonJS module's namespace holds module.exports as `default`: walk that first.
    if (ns && 'default' in ns) await walk(ns.default, `${entry.specifier}:default`, 0);
    for (const key of Object.keys(ns || {})) {
      if (key === 'default') continue;
      let v;
      try {
        v = ns[key];
      } catch {
        continue;
      }
      await walk(v, `${entry.specifier}:${key}`, 0);
    }
  }
  stats.settled = await settle(grace, timerWait);
  process.exit(0);
}
