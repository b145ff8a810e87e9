'use strict';
// What a consumer can load from a package: every `exports` subpath (pattern subpaths expanded
// against the package's files, bounded), else `main`/"."; and its bins. Shared by the import
// and api phase drivers.
const fs = require('fs');
// Taken when the driver loads, before any package code can replace them.
const savedApply = Reflect.apply;
const savedFunctionToString = Function.prototype.toString;
const path = require('path');

const MAX_PATTERN_FILES = 20;

function readManifest(pkgDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  } catch {
    return {};
  }
}

function listFiles(dir, limit) {
  const out = [];
  const walk = (rel) => {
    if (out.length >= limit * 20) return;
    let entries;
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(p);
      } else if (e.isFile()) out.push(p);
    }
  };
  walk('');
  return out;
}

// A target a pattern subpath maps to: the first string found under its conditions.
function firstTarget(value) {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const t = firstTarget(v);
      if (t) return t;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) {
      const t = firstTarget(v);
      if (t) return t;
    }
  }
  return null;
}

// "./features/*" -> "./src/features/*.js": each file matching the target gives one subpath.
function expandPattern(pkgDir, subpath, value, files) {
  const target = firstTarget(value);
  if (!target || !target.startsWith('./') || target.split('*').length !== 2) return [];
  const [pre, post] = target.slice(2).split('*');
  const [spre, spost] = subpath.split('*');
  const out = [];
  for (const f of files) {
    if (out.length >= MAX_PATTERN_FILES) break;
    if (f.length < pre.length + post.length || !f.startsWith(pre) || !f.endsWith(post)) continue;
    const star = f.slice(pre.length, f.length - post.length);
    if (!star) continue;
    out.push(spre + star + spost);
  }
  return out;
}

function subpaths(pkgDir, manifest) {
  const exp = manifest.exports;
  if (exp === undefined || exp === null) return ['.'];
  if (typeof exp === 'string' || Array.isArray(exp)) return ['.'];
  const keys = Object.keys(exp);
  if (!keys.some((k) => k.startsWith('.'))) return ['.'];  // a conditions object for "."
  const out = [];
  let files = null;
  for (const key of keys) {
    if (!key.startsWith('.') || exp[key] === null) continue;  // null: deliberately not exported
    if (key.includes('*')) {
      files = files || listFiles(pkgDir, MAX_PATTERN_FILES);
      out.push(...expandPattern(pkgDir, key, exp[key], files));
    } else if (!key.endsWith('/')) {
      out.push(key);
    }
  }
  return out;
}

function entryPoints(pkgDir, name, manifest) {
  return subpaths(pkgDir, manifest).map((sub) => ({
    subpath: sub,
    specifier: sub === '.' ? name : name + sub.slice(1),
  }));
}

function bins(name, manifest) {
  if (typeof manifest.bin === 'string') return [name.replace(/^@[^/]+\//, '')];
  if (manifest.bin && typeof manifest.bin === 'object') return Object.keys(manifest.bin).map((b) => b.split('/').pop());
  return [];
}

function withTimeout(promise, ms) {
  let timer;
  return Promise.race([
    Promise.resolve(promise).finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`timed out after ${ms} ms`), { timeout: true })), ms);
      timer.unref?.();
    }),
  ]);
}

// The grace after loading or calling: what the package scheduled (timers, sockets, requests,
// child processes) gets up to `grace` ms to run, but a package that left nothing pending is not
// waited for. Pending is tracked with async_hooks from before the package loads: every resource
// created since (unref'd timers and sockets included, intervals never end) counts until it is
// destroyed, and any other process in the sandbox's pid namespace (an orphaned grandchild) counts
// too, since the run ends when the driver exits. Idle must hold for several checks in a row.
// Past the grace, the wait goes on while a timer of the package has not fired yet but is due
// before `timerWait` ms from the start of the settle (hook_time.cjs brings delays of hours down to
// under 5 s, so a delayed payload fires), nested timers included; an interval counts until its
// first tick only, so a ticking interval does not hold the phase to its limit.
const SETTLE_POLL_MS = 20;
const SETTLE_QUIET_CHECKS = 3;

function watchPending() {
  const asyncHooks = require('async_hooks');
  const live = new Map();
  const own = new Set();
  let ownInit = false;
  const hook = asyncHooks.createHook({
    init(id, type, trigger, resource) {
      // Promises are never destroyed until collected; whatever they wait on is a resource here.
      if (type === 'PROMISE') return;
      if (ownInit) own.add(id);
      // A FileHandle is destroyed when collected, long after close() (its fd then is negative).
      else if (type === 'FILEHANDLE') live.set(id, { type, handle: resource });
      // A Timeout's delay (already accelerated by the hook) is set when init runs: its due time.
      else if (type === 'Timeout') live.set(id, { type, due: performance.now() + (Number(resource._idleTimeout) || 0), timer: resource });
      else live.set(id, { type });
    },
    before(id) {
      const r = live.get(id);
      if (r && r.due !== undefined) r.fired = true;
    },
    destroy(id) {
      live.delete(id);
      own.delete(id);
    },
  });
  hook.enable();

  const stdioIds = () => {
    const ids = new Set();
    for (const stream of [process.stdout, process.stderr]) {
      const handle = stream && stream._handle;
      if (handle && typeof handle.getAsyncId === 'function') ids.add(handle.getAsyncId());
    }
    return ids;
  };
  const otherProcesses = () => {
    try {
      return fs.readdirSync('/proc').filter((e) => /^[0-9]+$/.test(e) && e !== '1' && Number(e) !== process.pid).length;
    } catch {
      return 0;
    }
  };
  // The runtime hook arms a companion right before each package timer (hook_time.cjs) that moves
  // its virtual clock; it is the hook's, not the package's, so it is not listed as pending. It is
  // known by its callback's source (read with the toString saved before any package code ran).
  // Only the list is affected: the wait above never needs it (a companion is cleared with its
  // package timer and is due with it).
  const isCompanion = (r) => {
    const callback = r.timer !== undefined ? r.timer._onTimeout : undefined;
    if (typeof callback !== 'function') return false;
    try {
      return savedApply(savedFunctionToString, callback, []).includes('clock.firing(entry)');
    } catch {
      return false;
    }
  };
  const pending = () => {
    const stdio = stdioIds();
    const kinds = [];
    for (const [id, r] of live) {
      if (own.has(id) || stdio.has(id)) continue;
      if (r.handle && !(r.handle.fd >= 0)) continue;
      if (r.type === 'Timeout' && isCompanion(r)) continue;
      kinds.push(r.type);
    }
    const procs = otherProcesses();
    if (procs > 0) kinds.push(`process x${procs}`);
    return kinds;
  };
  const sleep = (ms) =>
    new Promise((resolve) => {
      ownInit = true;
      try {
        setTimeout(resolve, ms);
      } finally {
        ownInit = false;
      }
    });

  // The latest due time of a package timer that has not fired yet and is due by `limit`, or -1.
  const unfiredTimerDue = (limit) => {
    let latest = -1;
    for (const [id, r] of live)
      // _destroyed is set at once by clearTimeout; the destroy hook comes a tick later.
      if (r.due !== undefined && !r.fired && !r.timer._destroyed && !own.has(id) && r.due <= limit)
        latest = Math.max(latest, r.due);
    return latest;
  };

  // Resolves with {waited_ms, ended: 'idle'|'grace'|'timer wait', pending: [...what was still
  // pending], timer_wait_ms: how long past the grace it waited for timers}. `timerWait` bounds
  // the whole settle, grace included (never less than the grace).
  async function settle(grace, timerWait = 0) {
    const started = performance.now();
    const graceEnd = started + grace;
    const hardEnd = started + Math.max(grace, timerWait);
    let quiet = 0;
    let last = [];
    let end = graceEnd;
    for (;;) {
      const now = performance.now();
      // A timer due after the grace: wait until a grace past it, so the callback and what it
      // starts (a request, a nested timer) get their time too. Timers due within the grace are
      // the grace's business as before.
      const due = unfiredTimerDue(hardEnd);
      if (due > graceEnd) end = Math.max(end, Math.min(hardEnd, due + grace));
      const left = end - now;
      if (left <= 0) break;
      await sleep(Math.min(SETTLE_POLL_MS, left));
      last = pending();
      quiet = last.length === 0 ? quiet + 1 : 0;
      if (quiet >= SETTLE_QUIET_CHECKS) {
        hook.disable();
        return { waited_ms: Math.round(performance.now() - started), ended: 'idle',
                 timer_wait_ms: Math.max(0, Math.round(performance.now() - graceEnd)) };
      }
    }
    hook.disable();
    const waited = performance.now() - started;
    return { waited_ms: Math.round(waited), ended: end > graceEnd ? 'timer wait' : 'grace',
             pending: last.slice(0, 10), timer_wait_ms: Math.max(0, Math.round(performance.now() - graceEnd)) };
  }
  return { settle };
}

const errorText = (e) => String((e && (e.code ? `${e.code}: ` : '') + (e.message ?? e)) || e).slice(0, 300);

module.exports = { readManifest, entryPoints, bins, withTimeout, errorText, watchPending };
