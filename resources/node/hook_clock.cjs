// VIGIL runtime hook, the virtual clock: one clock for every timer a package sets and for Date.
//
// virtual now = real now + run offset + skipped. A package timer of delay d set at virtual time v
// is due at virtual time D = v + d. Its real delay is
//   d                 for d <= 1 s,
//   accelerated(d)    above (hook_time.cjs's rule, at most 5 s),
// then moved so that real fire times follow virtual due times, strictly (kGapMs apart: Node fires
// timers of equal expiry from different lists in no set order): a timer never fires after one
// due later. Just before it fires, the clock moves on to its due time (skipped grows), so
// Date.now() in the callback is at least D and never goes back.
//
// The callback itself is the package's own, called by Node as it would be unhooked, so a stack
// taken inside it has no frame of the hook. The clock is moved by a companion timer armed just
// before with the same delay: same start, same duration, same Node timer list, so Node runs it
// right before the package's (unref'd: it never keeps the process alive nor shows in
// process.getActiveResourcesInfo()).
//
// Order is kept by moving a new timer's real fire time earlier (it catches up; the clock jumps to
// its due when it fires). A timer set again and again from its own callback while a later one
// waits (a 100 ms poll before a 10-minute payload) would catch up thousands of times: after
// kCatchUpBudget consecutive catch-ups, and for interval ticks, the due time moves later instead
// (ticks are skipped, as Node skips them when a machine wakes from suspend).
'use strict';

const kCatchUpBudget = 100;
// Real fire times of differently due timers are this far apart: Node reads the loop's time again
// when it arms a timer, so the start it uses may be 1 ms past the one the placement read.
const kGapMs = 2;

/// realNow(): real ms (Date's base); accelerate(d): real delay for a virtual one; timerNow(): the
/// ms Node's timers count from. Real fire times are placed in timerNow's terms: Node starts a
/// timer from the event loop's cached time, which lags the real time by however long the current
/// script or callback has run (hundreds of ms while a loaded machine starts node), so a timer
/// placed 1 ms before another by the real clock could fire after it.
function createClock(realNow, accelerate, timerNow = realNow) {
  const state = {offsetMs: 0, skippedMs: 0};
  const pending = [];  // entries in (due, seq) order
  let seq = 0;
  let catchUps = 0;

  const now = () => realNow() + state.offsetMs + state.skippedMs;

  function advanceTo(due) {
    const behind = due - now();
    if (behind > 0)
      state.skippedMs += behind;
  }

  function remove(e) {
    const i = pending.indexOf(e);
    if (i >= 0)
      pending.splice(i, 1);
  }

  function insert(e) {
    let i = pending.length;
    while (i > 0 && (pending[i - 1].due > e.due || (pending[i - 1].due === e.due && pending[i - 1].seq > e.seq)))
      --i;
    pending.splice(i, 0, e);
  }

  function prune() {
    for (let i = pending.length - 1; i >= 0; --i)
      if (pending[i].gone())
        pending.splice(i, 1);
  }

  /// Sets e.due (maybe later) and e.realAt (absolute real ms, > t) for a timer armed at real t.
  function place(e, t, natural, mayCatchUp) {
    prune();
    let lo = -Infinity;  // latest fire time of an earlier-due timer
    let hi = Infinity;   // earliest fire time of a later-due timer
    for (const p of pending) {
      if (p.due <= e.due)
        lo = Math.max(lo, p.realAt);
      else
        hi = Math.min(hi, p.realAt);
    }
    let at = Math.max(natural, lo + kGapMs);
    if (at >= hi) {
      if (mayCatchUp && catchUps < kCatchUpBudget && hi - kGapMs > t && hi - kGapMs >= lo + kGapMs) {
        at = hi - kGapMs;
        e.caughtUp = true;
      } else {
        // After every timer that really fires first, and due no earlier than the last of them.
        let lastDue = e.due;
        for (const p of pending)
          if (p.realAt <= at)
            lastDue = Math.max(lastDue, p.due);
        for (const p of pending)
          if (p.due <= lastDue)
            at = Math.max(at, p.realAt + kGapMs);
        e.due = lastDue;
      }
    }
    e.realAt = at;
  }

  /// A package timer of `delay` virtual ms. `gone()` says when the package cleared it. Returns
  /// the entry; entry.realDelay is the delay to arm both Node timers with (for an interval, the
  /// period: an interval keeps the first tick's real delay).
  function add(delay, interval, gone) {
    const real = accelerate(delay);
    const t = timerNow();
    const e = {due: now() + delay, seq: ++seq, realAt: 0, caughtUp: false, gone,
               period: interval ? delay : 0, realDelay: 0};
    place(e, t, t + real, !interval);
    insert(e);
    e.realDelay = Math.max(1, Math.round(e.realAt - t));
    return e;
  }

  /// The companion timer fired: the package's callback runs next.
  function firing(e) {
    remove(e);
    catchUps = e.caughtUp ? catchUps + 1 : 0;
    e.caughtUp = false;
    advanceTo(e.due);
    if (e.period > 0) {
      // Node re-arms the interval one real period from now.
      const t = timerNow();
      e.due += e.period;
      e.seq = ++seq;
      place(e, t, t + e.realDelay, false);
      insert(e);
    }
  }

  /// A timer the hook cannot precede with a companion (timers/promises): it takes its place in
  /// the order and moves the clock when it settles. Returns the entry.
  function addPassive(delay) {
    return add(delay, false, () => false);
  }

  function settled(e) {
    remove(e);
    advanceTo(e.due);
  }

  return {state, now, add, addPassive, firing, settled};
}

module.exports = {createClock};
