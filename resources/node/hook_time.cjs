// VIGIL runtime hook, time and integrity: accelerated timers, a shifted Date, overrides of globals
// and built-in prototypes, uncaught errors.
//
// Timer rule (the stimulus recorded in every process's runtime.stimulus event):
//   accelerated(d) = d                                          for d <= 1 s (and d > 2^31-1,
//                                                               which Node itself turns into 1 ms)
//                  = 1000 + 4000 * L / (L + 8), L = log2(d / 1000)   above (ms, rounded)
// Bounded: a minute becomes ~2.7 s, ten minutes ~3.1 s, 45 minutes ~3.3 s, a day ~3.7 s, and
// nothing exceeds 5 s. A fixed cap would make every long delay equal; a linear scale would leave
// hour-long delays past the phase. That is a timer's real delay; hook_clock.cjs keeps every
// package timer on one virtual clock, so timers fire in the order of their virtual due times
// (whenever they were set) and Date.now() in a callback is at least the timer's due time. The
// drivers' grace waits for accelerated timers still to fire (phase_entries.js settle). Date is
// also shifted by a per-run offset of 1-30 days (derived from the run's /etc/machine-id, so every
// process of the run agrees) to wake date-gated payloads; where the sandbox preloads libfaketime
// with that offset, native programs and Node's own wall clock are shifted by it and the hook
// adds none. timers/promises setTimeout and
// scheduler.wait join the clock; its setInterval ticks at the accelerated period without moving
// Date.
'use strict';

const core = require('./hook_core.cjs');

const {wrap, disguise, saved} = core;
// Taken before hookTimers: the hook's own watch timer is neither recorded nor accelerated.
const realSetInterval = setInterval;
const realSetTimeout = setTimeout;
const realClearTimeout = clearTimeout;

const FAST_MS = 1000;
const SPAN_MS = 4000;   // accelerated delays approach FAST_MS + SPAN_MS and never reach it
const KNEE = 8;         // log2 steps (doublings of the delay) at which half the span is used
const TIMEOUT_MAX = 2147483647;  // Node fires anything longer after 1 ms: left as Node does it
const DAY_MS = 86400000;

function accelerated(delay) {
  const d = Number(delay);
  if (!(d > FAST_MS) || d > TIMEOUT_MAX)
    return d;
  const l = Math.log2(d / FAST_MS);
  return Math.round(FAST_MS + SPAN_MS * l / (l + KNEE));
}

// Taken before hookTimers: the clock's companion timers are the real ones.
const realDateNow = Date.now;

/// The time Node starts a timer from now (the event loop's cached time), read off a timer armed
/// and cleared at once; the real time when that is not readable.
function timerStart() {
  const probe = realSetTimeout(() => {}, 1);
  realClearTimeout(probe);
  const start = probe !== null && typeof probe === 'object' ? probe._idleStart : undefined;
  return typeof start === 'number' ? start : realDateNow();
}

const clock = require('./hook_clock.cjs').createClock(() => realDateNow(), accelerated, timerStart);

function runOffset() {
  try {
    const id = saved.readFileSync('/etc/machine-id', 'utf8').trim();
    let h = 0;
    for (let i = 0; i < id.length; ++i)
      h = (h * 31 + id.charCodeAt(i)) >>> 0;
    return (1 + (h % 30)) * DAY_MS;
  } catch {
    return 0;
  }
}

/// A package's delay as Node reads it, or null when the hook leaves the timer alone (Node turns
/// anything above TIMEOUT_MAX into 1 ms).
function managedDelay(value) {
  let d = Number(value);
  if (!(d >= 1))
    d = 1;  // Node's rule for 0, negatives and NaN
  return d > TIMEOUT_MAX ? null : Math.trunc(d);
}

function hookTimers() {
  const timers = require('timers');
  // Package timer -> its companion. Clearing the package's timer clears the companion at once:
  // a cleared timer must leave nothing pending (the phase drivers wait for due timers, and a
  // leftover companion would make them wait out a timer that will never run the package's code).
  const companions = new WeakMap();
  const wrapTimer = (obj, api) => {
    const d = saved.getOwnPropertyDescriptor(obj, api);
    if (!d || typeof d.value !== 'function')
      return;
    const original = d.value;
    const interval = api === 'setInterval';
    const proxy = new Proxy(original, {
      apply(target, thisArg, args) {
        // Only a package's timers: Node's and the phase drivers' own time limits stay real.
        const who = typeof args[0] === 'function' ? core.packageCaller(true) : null;
        const delay = who ? managedDelay(args[1]) : null;
        if (who)
          core.emit('runtime.timer', {api, delay_ms: Number(args[1]) || 0, accelerated_ms: accelerated(Number(args[1]) || 0)}, who);
        if (delay === null)
          return core.callScrubbed(target, thisArg, args);
        let timeout = null;
        const entry = clock.add(delay, interval, () => timeout !== null && timeout._destroyed === true);
        // The companion first: same delay, same Node list, so it runs right before the package's.
        const companion = core.callScrubbed(target, globalThis, [() => {
          if (timeout !== null && timeout._destroyed === true) {
            realClearTimeout(companion);
            return;
          }
          clock.firing(entry);
        }, entry.realDelay]);
        companion.unref();
        // Where Node really placed it (its start is the loop time it read when arming), for the
        // timers placed after this one.
        if (companion !== null && typeof companion === 'object' && typeof companion._idleStart === 'number')
          entry.realAt = companion._idleStart + entry.realDelay;
        const callArgs = args.slice();
        callArgs[1] = entry.realDelay;
        timeout = core.callScrubbed(target, thisArg, callArgs);
        if (timeout !== null && typeof timeout === 'object')
          companions.set(timeout, companion);
        return timeout;
      },
    });
    disguise(proxy, original);
    saved.defineProperty(obj, api, {value: proxy, writable: d.writable, enumerable: d.enumerable,
                                    configurable: d.configurable});
  };
  const wrapClear = (obj, api) => {
    const d = saved.getOwnPropertyDescriptor(obj, api);
    if (!d || typeof d.value !== 'function')
      return;
    const original = d.value;
    const proxy = new Proxy(original, {
      apply(target, thisArg, args) {
        const companion = args[0] !== null && typeof args[0] === 'object' ? companions.get(args[0]) : undefined;
        if (companion !== undefined)
          realClearTimeout(companion);
        return core.callScrubbed(target, thisArg, args);
      },
    });
    disguise(proxy, original);
    saved.defineProperty(obj, api, {value: proxy, writable: d.writable, enumerable: d.enumerable,
                                    configurable: d.configurable});
  };
  for (const api of ['setTimeout', 'setInterval']) {
    wrapTimer(globalThis, api);
    wrapTimer(timers, api);
  }
  for (const api of ['clearTimeout', 'clearInterval']) {
    wrapClear(globalThis, api);
    wrapClear(timers, api);
  }
  const tp = require('timers/promises');
  // A promise timer cannot be held back: it takes its place in the order of real fire times and
  // moves the clock when it settles (before the package's own continuation, attached later).
  const promiseTimer = (obj, key, api, interval) => {
    let entry = null;
    wrap(obj, key, (args) => {
      entry = null;
      const who = core.packageCaller(true);
      if (!who)
        return;
      const raw = Number(args[0]) || 0;
      core.emit('runtime.timer', {api, delay_ms: raw, accelerated_ms: accelerated(raw)}, who);
      const delay = managedDelay(args[0]);
      if (delay === null)
        return;
      if (interval) {
        args[0] = accelerated(delay);  // each tick: no clock entry (see the stimulus)
        return;
      }
      entry = clock.addPassive(delay);
      args[0] = entry.realDelay;
    }, (result) => {
      const e = entry;
      entry = null;
      if (e && result && typeof result.then === 'function') {
        const settle = () => clock.settled(e);
        core.guard(() => saved.apply(Promise.prototype.then, result, [settle, settle]));
      }
      return result;
    });
  };
  promiseTimer(tp, 'setTimeout', 'timers/promises.setTimeout', false);
  promiseTimer(tp, 'setInterval', 'timers/promises.setInterval', true);
  if (tp.scheduler && typeof tp.scheduler.wait === 'function')
    promiseTimer(tp.scheduler, 'wait', 'timers/promises.scheduler.wait', false);
}

/// The shift libfaketime already applies to this process's wall clock (the sandbox preloads it
/// with the same offset, app/sandbox/filesystem.cpp), measured against the kernel's own idea of
/// now (boot time + uptime, which no preload can change); 0 when the clock is real.
function nativeShiftMs() {
  try {
    const btime = /^btime (\d+)$/m.exec(saved.readFileSync('/proc/stat', 'latin1'));
    const uptime = parseFloat(saved.readFileSync('/proc/uptime', 'latin1'));
    if (!btime || !(uptime > 0))
      return 0;
    const shift = realDateNow() - (Number(btime[1]) + uptime) * 1000;
    return Math.abs(shift) > DAY_MS / 2 ? Math.round(shift / DAY_MS) * DAY_MS : 0;
  } catch {
    return 0;
  }
}

let nativeMs = 0;

function hookDate() {
  nativeMs = nativeShiftMs();
  // Shifted natively already: the hook adds no second offset.
  clock.state.offsetMs = nativeMs !== 0 ? 0 : runOffset();
  const RealDate = Date;
  const realNow = RealDate.now;
  const now = () => clock.now();
  const proxy = new Proxy(RealDate, {
    construct(target, args, newTarget) {
      return saved.construct(target, args.length === 0 ? [now()] : args, newTarget === proxy ? target : newTarget);
    },
    apply(target, thisArg, args) {
      // Date() as a function: the current time as a string.
      return new RealDate(now()).toString();
    },
  });
  disguise(proxy, RealDate);
  saved.defineProperty(RealDate.prototype, 'constructor', {value: proxy, writable: true, enumerable: false,
                                                           configurable: true});
  saved.defineProperty(globalThis, 'Date', {value: proxy, writable: true, enumerable: false, configurable: true});
  const nowProxy = new Proxy(realNow, {apply: () => now()});
  disguise(nowProxy, realNow);
  saved.defineProperty(RealDate, 'now', {value: nowProxy, writable: true, enumerable: false, configurable: true});
}

// --- Overrides of globals and built-ins -----------------------------------------------------------

const watched = [];

function watch(label, obj, key) {
  if (obj === null || obj === undefined)
    return;
  const d = saved.getOwnPropertyDescriptor(obj, key);
  watched.push({label, obj, key, value: d ? ('value' in d ? d.value : d.get) : undefined, reported: false});
}

function watchAll() {
  for (const name of ['fetch', 'XMLHttpRequest', 'WebSocket', 'JSON', 'Promise', 'Array', 'Object', 'Function',
                      'eval', 'setTimeout', 'setInterval', 'Proxy', 'Reflect', 'crypto', 'Buffer',
                      'console', 'process', 'Date'])
    watch(name, globalThis, name);
  const protos = [['Array.prototype', Array.prototype], ['Object.prototype', Object.prototype],
                  ['Function.prototype', Function.prototype], ['String.prototype', String.prototype],
                  ['Promise.prototype', Promise.prototype], ['RegExp.prototype', RegExp.prototype]];
  for (const [label, proto] of protos)
    for (const key of Reflect.ownKeys(proto))
      if (typeof key === 'string' && key !== 'constructor' && key !== 'caller' && key !== 'arguments')
        watch(label + '.' + key, proto, key);
  for (const key of ['parse', 'stringify'])
    watch('JSON.' + key, JSON, key);
  for (const key of ['keys', 'entries', 'defineProperty', 'assign', 'getOwnPropertyDescriptor'])
    watch('Object.' + key, Object, key);
  const mods = [['http', ['request', 'get']], ['https', ['request', 'get']], ['child_process', ['spawn', 'exec', 'execSync']],
                ['fs', ['readFileSync', 'writeFileSync']]];
  for (const [m, keys] of mods) {
    const mod = require(m);
    for (const key of keys)
      watch(m + '.' + key, mod, key);
  }
  // Adding a function where there was none (XMLHttpRequest polyfill trap) is an override too.
}

function checkOverrides() {
  for (const w of watched) {
    if (w.reported)
      continue;
    const d = saved.getOwnPropertyDescriptor(w.obj, w.key);
    const value = d ? ('value' in d ? d.value : d.get) : undefined;
    if (value !== w.value) {
      w.reported = true;
      core.emit('code.global_override', {target: w.label, change: value === undefined ? 'deleted' : w.value === undefined ? 'added' : 'replaced'},
                {package: '', file: '', line: 0});
    }
  }
}

// --- Process signals ------------------------------------------------------------------------------

/// process.emit carries both 'uncaughtExceptionMonitor' (emitted by Node before it decides to
/// crash) and 'exit'. Observing emit instead of adding listeners leaves process.listeners() and
/// eventNames() exactly as the package made them. emit is inherited from EventEmitter.prototype;
/// the observer sits on process's own prototype object (shared by no other emitter), so neither
/// process nor EventEmitter.prototype gains or changes a property.
function hookProcessEmit() {
  const proto = Object.getPrototypeOf(process);
  const original = process.emit;
  if (typeof original !== 'function' || Object.prototype.hasOwnProperty.call(proto, 'emit'))
    return;
  const proxy = new Proxy(original, {
    apply(target, thisArg, args) {
      if (thisArg === process)
        try { observe(args); } catch {}
      return core.callScrubbed(target, thisArg, args);
    },
  });
  disguise(proxy, original);
  saved.defineProperty(proto, 'emit', {value: proxy, writable: true, enumerable: false, configurable: true});
}

function observe(args) {
  const name = args[0];
  if (name === 'uncaughtExceptionMonitor') {
    const err = args[1];
    const stack = err && typeof err === 'object' ? core.guard(() => String(err.stack || '')) : '';
    core.emit('runtime.uncaught', {message: core.truncate(err && typeof err === 'object' ? err.message : String(err), 500),
                                   stack: core.truncate(stack, 2000), origin: String(args[2] || '')},
              core.attributionOfStack(stack));
  } else if (name === 'exit') {
    checkOverrides();
  }
}

/// `captures`: what hook_modules.cjs could install ({dynamicImport}), recorded with the stimulus
/// so a run without import() capture (another Node's internals) says so.
function install(captures = {}) {
  hookTimers();
  hookDate();
  hookProcessEmit();
  core.write('runtime.stimulus', {date_offset_ms: nativeMs !== 0 ? nativeMs : clock.state.offsetMs,
                                  native_time: nativeMs !== 0 ? 'libfaketime' : 'none',
                                  import_capture: captures.dynamicImport === true,
                                  timer_rule: 'd<=1000ms: d; else 1000+4000*L/(L+8) ms, L=log2(d/1000); one virtual clock: fired in due order, Date >= due',
                                  timer_fast_ms: FAST_MS, timer_cap_ms: FAST_MS + SPAN_MS},
             {package: '', file: '', line: 0});
}

/// After every patch is in place: what later differs from now was changed by package code.
function startWatching() {
  watchAll();
  const t = realSetInterval(checkOverrides, 500);
  // Never keeps the process alive; timers are not listed by process.getActiveResourcesInfo() when unref'd.
  t.unref();
}

module.exports = {install, startWatching, checkOverrides};
