// THE ONE PLACE that maps the server's projection JSON to what the console shows. The shape is the
// server's (docs/http-api.md, GET /projections), one name per field:
//   {name, version, nextVersion: null | n, status, live, position, head, lagEvents, lagSeconds, parked, lastError,
//    runningOn: null | the server running it,
//    rebuild: null | {version, status, eventsDone, eventsToGo, eventsPerSecond, etaSeconds, caughtUp,
//                     comparison: null | {identical, tables: [{table, liveRows, shadowRows, onlyInLive, onlyInShadow}]}}}

/** The projection objects of a GET /projections body. */
export function projectionList(body) {
  return body && Array.isArray(body.projections) ? body.projections : [];
}

/** One projection's status in the console's terms; raw keeps the server's object for display. */
export function normalizeProjection(raw) {
  return {
    name: raw.name,
    version: String(raw.version),
    // The version a rebuild would build; null when the live version is the newest (no rebuild possible).
    nextVersion: raw.nextVersion === null || raw.nextVersion === undefined ? null : String(raw.nextVersion),
    status: raw.status,
    live: raw.live,
    position: raw.position,
    head: raw.head,
    lagEvents: raw.lagEvents,
    lagSeconds: raw.lagSeconds,
    parked: raw.parked,
    error: raw.lastError ?? undefined,
    runningOn: raw.runningOn ?? undefined,
    rebuild: raw.rebuild ? normalizeRebuild(raw.rebuild) : null,
    raw,
  };
}

function normalizeRebuild(r) {
  const total = r.eventsDone + r.eventsToGo;
  const finished = r.caughtUp || r.status === 'promoted';
  return {
    status: r.status,
    version: String(r.version),
    done: r.eventsDone,
    toGo: r.eventsToGo,
    total,
    fraction: finished ? 1 : total > 0 ? Math.min(1, r.eventsDone / total) : 0,
    rate: r.eventsPerSecond,
    etaSeconds: r.etaSeconds ?? undefined,
    ready: r.status === 'ready',
    running: r.status === 'rebuilding',
    promoting: r.status === 'promoting',
    promoted: r.status === 'promoted',
    failed: r.status === 'failed',
    compare: r.comparison ? normalizeComparison(r.comparison) : null,
  };
}

function normalizeComparison(c) {
  const sum = (key) => c.tables.reduce((acc, t) => acc + t[key], 0);
  return { live: sum('liveRows'), shadow: sum('shadowRows'), identical: c.identical, tables: c.tables };
}
