// Pure logic behind the stream page's time travel (design §4): which instants the sliders stop at,
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
