// Pure logic behind the stream page's time travel (docs/time.md): which instants the sliders stop at,
// and why the view "valid at V, known at T" differs from the view "known at T".

import { instantMicros, formatInstant } from './ui.js';

/** The distinct instants among the given fields of the events, oldest first. */
export function instantsOf(events, fields) {
  const byMicros = new Map();
  for (const e of events) {
    for (const f of fields) {
      if (e[f]) {
        byMicros.set(instantMicros(e[f]), e[f]);
      }
    }
  }
  return [...byMicros.entries()].sort((a, b) => a[0] - b[0]).map(([, iso]) => iso);
}

/** The events recorded after T (unknown to the system at T). */
export function recordedAfter(events, knownAt) {
  const t = instantMicros(knownAt);
  return events.filter((e) => instantMicros(e.recordedAt) > t);
}

/** The highest version recorded at or before T, 0 when none. */
export function versionKnownAt(events, knownAt) {
  const t = instantMicros(knownAt);
  let v = 0;
  for (const e of events) {
    if (instantMicros(e.recordedAt) <= t && e.version > v) {
      v = e.version;
    }
  }
  return v;
}

function revokesOf(e) {
  const r = e.metadata && e.metadata.revokes;
  return Array.isArray(r) ? r : [];
}

/**
 * For the events known at T, the reasons each one makes the valid-at-V view differ from the known-at-T
 * view. known: the events known at T (version order); valid: the events valid at V known at T
 * (effectiveAt order). Returns [{event, reasons: [{kind, text}]}] for the events with at least one reason:
 *  - 'revoked': voided by a known event's metadata.revokes, so left out of the valid view;
 *  - 'future': effectiveAt after V, so not yet in effect at V;
 *  - 'backdated': in effect earlier than an event with a lower version, so folded in another order;
 *  - 'revokes': this event voids others (the cause of a 'revoked');
 *  - 'missing': absent from the valid view for a reason the console cannot tell.
 */
export function differences(known, valid, validAt) {
  const v = instantMicros(validAt);
  const validIds = new Set(valid.map((e) => e.id));
  const byId = new Map(known.map((e) => [e.id, e]));
  const revokedBy = new Map();
  for (const e of known) {
    for (const id of revokesOf(e)) {
      revokedBy.set(id, e);
    }
  }
  // Backdated: in the valid order it comes before some event with a lower version.
  const backdated = new Map();
  let lowestAfter = null; // the event with the lowest version after position i
  for (let i = valid.length - 1; i >= 0; i--) {
    const e = valid[i];
    if (lowestAfter !== null && lowestAfter.version < e.version) {
      backdated.set(e.id, lowestAfter);
    }
    if (lowestAfter === null || e.version < lowestAfter.version) {
      lowestAfter = e;
    }
  }
  const out = [];
  for (const e of known) {
    const reasons = [];
    const by = revokedBy.get(e.id);
    if (by) {
      reasons.push({ kind: 'revoked', text: `revoked by v${by.version} (${by.type})` });
    }
    if (instantMicros(e.effectiveAt || e.recordedAt) > v) {
      reasons.push({ kind: 'future', text: `effective ${formatInstant(e.effectiveAt)}, after V` });
    }
    const earlier = backdated.get(e.id);
    if (earlier && validIds.has(e.id)) {
      reasons.push({ kind: 'backdated', text: `backdated: effective ${formatInstant(e.effectiveAt)}, before v${earlier.version}` });
    }
    const voids = revokesOf(e).filter((id) => byId.has(id));
    if (voids.length > 0) {
      reasons.push({ kind: 'revokes', text: 'revokes ' + voids.map((id) => 'v' + byId.get(id).version).join(', ') });
    }
    if (!validIds.has(e.id) && !by && !reasons.some((r) => r.kind === 'future')) {
      reasons.push({ kind: 'missing', text: 'not in the valid-at view' });
    }
    if (reasons.length > 0) {
      out.push({ event: e, reasons });
    }
  }
  return out;
}

/**
 * The corrections to a moment M: events recorded after M that change what was true at M — they revoke
 * an event recorded by M, or take effect at or before M. They are why "as known then" (the events
 * recorded by M) and "as valid now" (the events in effect at M, as known now) part.
 * Returns [{event, revoked: [events recorded by M that it voids]}], in version order.
 */
export function correctionsTo(events, moment) {
  const m = instantMicros(moment);
  const byId = new Map(events.map((e) => [e.id, e]));
  const out = [];
  for (const e of events) {
    if (instantMicros(e.recordedAt) <= m) {
      continue;
    }
    const revoked = revokesOf(e).map((id) => byId.get(id)).filter((r) => r && instantMicros(r.recordedAt) <= m);
    if (revoked.length > 0 || instantMicros(e.effectiveAt || e.recordedAt) <= m) {
      out.push({ event: e, revoked });
    }
  }
  return out;
}

/**
 * The stretch of time a chart of the moment should show, in microseconds: around the moment and its
 * corrections (from the earliest instant they reach back to, to the latest one recorded, with a margin),
 * or the whole stream when nothing corrects the moment.
 */
export function chartWindow(events, moment, corrections) {
  const all = events.flatMap((e) => [instantMicros(e.recordedAt), instantMicros(e.effectiveAt || e.recordedAt)]);
  const first = Math.min(...all);
  const last = Math.max(...all);
  const m = instantMicros(moment);
  if (corrections.length === 0) {
    return { xMin: first, xMax: last > first ? last : first + 3_600_000_000 };
  }
  const reached = corrections.flatMap((c) => [instantMicros(c.event.effectiveAt || c.event.recordedAt),
    ...c.revoked.map((r) => instantMicros(r.effectiveAt || r.recordedAt))]);
  const lo = Math.min(m, ...reached);
  const hi = Math.max(m, ...corrections.map((c) => instantMicros(c.event.recordedAt)));
  const pad = Math.max((hi - lo) * 0.35, 60_000_000);
  // The value holds after the last event, so the window may end after it: the correction is not on the edge.
  return { xMin: Math.max(first, lo - pad), xMax: hi + pad };
}

/**
 * The instants a chart of the stream is drawn at, both lines at the same ones so that thinning never
 * makes them part where they agree: every instant an event was recorded or took effect inside the
 * window (at most cap, evenly thinned, always keeping the instants in keep), and the last one before
 * the window (the value at its start). Each comes with the highest version recorded by then (0: none),
 * so the state known then is the state after that version.
 * Returns [{x, version}], oldest first.
 */
export function chartInstants(events, xMin, xMax, cap = 120, keep = []) {
  const kept = new Set(keep);
  const all = [...new Set(events.flatMap((e) => [instantMicros(e.recordedAt), instantMicros(e.effectiveAt || e.recordedAt)]))].sort((a, b) => a - b);
  const before = all.filter((x) => x < xMin).slice(-1);
  const inside = all.filter((x) => x >= xMin && x <= xMax);
  const thinned = new Set([...thin(inside, cap), ...inside.filter((x) => kept.has(x))]);
  const recorded = events.map((e) => ({ x: instantMicros(e.recordedAt), version: e.version })).sort((a, b) => a.x - b.x);
  let k = 0;
  let version = 0;
  return [...before, ...inside.filter((x) => thinned.has(x))].map((x) => {
    while (k < recorded.length && recorded[k].x <= x) {
      version = Math.max(version, recorded[k].version);
      k++;
    }
    return { x, version };
  });
}

function thin(list, cap) {
  if (list.length <= cap) {
    return list;
  }
  const out = [];
  for (let i = 0; i < cap; i++) {
    out.push(list[Math.round((i * (list.length - 1)) / (cap - 1))]);
  }
  return [...new Set(out)];
}
