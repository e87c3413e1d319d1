// THE ONE PLACE that maps the server's projection JSON (GET /projections) to what the console shows.
// The design (§5) says what a status carries, not its field names; each field below lists the
// names tried in order. Align these lists with the server's actual JSON and nothing else changes.

const FIELDS = {
  list: ['projections', 'items', 'data'],
  name: ['name', 'id.name', 'projection', 'id'],
  version: ['version', 'id.version', 'projectionVersion'],
  status: ['status', 'state', 'phase'],
  live: ['live', 'serving', 'active'],
  position: ['position', 'checkpoint', 'lastPosition', 'processedPosition'],
  head: ['head', 'headPosition', 'storeHead'],
  lagEvents: ['lagEvents', 'lag.events', 'lag_events', 'lagInEvents', 'eventsBehind'],
  lagSeconds: ['lagSeconds', 'lag.seconds', 'lag_seconds', 'lagInSeconds', 'secondsBehind'],
  parked: ['parked', 'parkedCount', 'parked.count', 'poisonEvents'],
  error: ['error', 'lastError', 'failure'],
  rebuild: ['rebuild', 'progress', 'shadow', 'rebuilding'],
  rebuildStatus: ['status', 'state', 'phase'],
  rebuildVersion: ['version', 'targetVersion', 'shadowVersion', 'id.version'],
  rebuildDone: ['eventsDone', 'done', 'processed', 'events.done'],
  rebuildToGo: ['eventsToGo', 'toGo', 'remaining', 'events.toGo'],
  rebuildTotal: ['eventsTotal', 'total', 'events.total'],
  rebuildRate: ['rate', 'eventsPerSecond', 'eventsPerSec', 'ratePerSecond'],
  rebuildEta: ['etaSeconds', 'eta', 'eta_seconds'],
  rebuildReady: ['caughtUp', 'ready', 'readyToPromote', 'canPromote'],
  compare: ['compare', 'comparison', 'diff'],
  compareLive: ['liveCount', 'liveRows', 'live.count', 'live', 'currentCount'],
  compareShadow: ['shadowCount', 'shadowRows', 'shadow.count', 'shadow', 'newCount'],
  compareTables: ['tables'], // [{table, liveRows, shadowRows, onlyInLive, onlyInShadow}]: counts are summed
  compareSample: ['diffSample', 'sample', 'differences', 'diffs', 'tables'],
  compareIdentical: ['identical', 'same', 'equal'],
};

/** Status words (lower-case) that mean a rebuild has caught up and may be promoted. */
const READY_WORDS = ['ready', 'caught_up', 'caughtup', 'caught-up', 'complete', 'completed', 'done', 'ready_to_promote'];
/** Status words that mean a rebuild is in progress. */
const RUNNING_WORDS = ['rebuilding', 'running', 'catching_up', 'building', 'in_progress', 'started'];

function at(obj, path) {
  let v = obj;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object' || !(part in v)) {
      return undefined;
    }
    v = v[part];
  }
  return v;
}

function pick(obj, names) {
  if (obj === null || typeof obj !== 'object') {
    return undefined;
  }
  for (const n of names) {
    const v = at(obj, n);
    if (v !== undefined && v !== null) {
      return v;
    }
  }
  return undefined;
}

/** Seconds from a number or an ISO-8601 duration ('PT1.5S', 'PT2M3S') as Java's Duration prints. */
function seconds(v) {
  if (typeof v === 'string') {
    const m = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(-?\d+(?:\.\d+)?)S)?$/.exec(v.trim());
    if (m) {
      return Number(m[1] || 0) * 3600 + Number(m[2] || 0) * 60 + Number(m[3] || 0);
    }
  }
  return num(v);
}

const num = (v) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : undefined);
const str = (v) => (v === undefined || v === null ? undefined : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The projection objects of a GET /projections body (an array, or an object holding one). */
export function projectionList(body) {
  if (Array.isArray(body)) {
    return body;
  }
  const list = pick(body, FIELDS.list);
  if (Array.isArray(list)) {
    return list;
  }
  if (list && typeof list === 'object') {
    return Object.entries(list).map(([name, p]) => ({ name, ...p })); // {"projections": {"name": {...}}}
  }
  return [];
}

/** One projection's status in the console's terms; raw keeps the server's object for display. */
export function normalizeProjection(raw) {
  const head = num(pick(raw, FIELDS.head));
  const position = num(pick(raw, FIELDS.position));
  let lagEvents = num(pick(raw, FIELDS.lagEvents));
  if (lagEvents === undefined && head !== undefined && position !== undefined) {
    lagEvents = Math.max(0, head - position);
  }
  const r = pick(raw, FIELDS.rebuild);
  return {
    name: str(pick(raw, FIELDS.name)) ?? '(unnamed)',
    version: str(pick(raw, FIELDS.version)),
    status: str(pick(raw, FIELDS.status)) ?? 'unknown',
    position,
    head,
    lagEvents,
    lagSeconds: seconds(pick(raw, FIELDS.lagSeconds)),
    live: typeof pick(raw, FIELDS.live) === 'boolean' ? pick(raw, FIELDS.live) : undefined,
    parked: num(typeof pick(raw, FIELDS.parked) === 'object' ? pick(raw, FIELDS.parked).length : pick(raw, FIELDS.parked)),
    error: str(pick(raw, FIELDS.error)),
    rebuild: r && typeof r === 'object' ? normalizeRebuild(r, head, raw) : null,
    raw,
  };
}

function normalizeRebuild(r, head, raw) {
  const done = num(pick(r, FIELDS.rebuildDone));
  let toGo = num(pick(r, FIELDS.rebuildToGo));
  let total = num(pick(r, FIELDS.rebuildTotal));
  if (toGo === undefined && total !== undefined && done !== undefined) {
    toGo = Math.max(0, total - done);
  }
  if (total === undefined && done !== undefined && toGo !== undefined) {
    total = done + toGo;
  }
  if (total === undefined && done !== undefined && head !== undefined) {
    total = head;
    toGo = Math.max(0, head - done);
  }
  const rate = num(pick(r, FIELDS.rebuildRate));
  let etaSeconds = seconds(pick(r, FIELDS.rebuildEta));
  if (etaSeconds === undefined && rate && toGo !== undefined) {
    etaSeconds = toGo / rate;
  }
  const status = (str(pick(r, FIELDS.rebuildStatus)) ?? '').toLowerCase();
  const readyFlag = pick(r, FIELDS.rebuildReady);
  const ready = readyFlag === true || READY_WORDS.includes(status);
  const running = !ready && (RUNNING_WORDS.includes(status) || (toGo !== undefined && toGo > 0));
  const c = pick(r, FIELDS.compare) ?? pick(raw, FIELDS.compare); // inside the progress, or beside it
  return {
    status: status || (ready ? 'ready' : running ? 'rebuilding' : 'unknown'),
    version: str(pick(r, FIELDS.rebuildVersion)),
    done,
    toGo,
    total,
    fraction: total ? Math.min(1, (done ?? 0) / total) : ready ? 1 : 0,
    rate,
    etaSeconds,
    ready,
    running,
    compare: c && typeof c === 'object' ? normalizeComparison(c) : null,
  };
}

function normalizeComparison(c) {
  let live = num(pick(c, FIELDS.compareLive));
  let shadow = num(pick(c, FIELDS.compareShadow));
  const tables = pick(c, FIELDS.compareTables);
  if (Array.isArray(tables)) {
    const sum = (names) => tables.reduce((acc, t) => acc + (num(pick(t, names)) ?? 0), 0);
    live = live ?? sum(FIELDS.compareLive);
    shadow = shadow ?? sum(FIELDS.compareShadow);
  }
  const identical = pick(c, FIELDS.compareIdentical);
  return { live, shadow, identical: typeof identical === 'boolean' ? identical : undefined, sample: pick(c, FIELDS.compareSample), raw: c };
}

/**
 * One card per projection name. When the server lists a rebuild as its own entry (same name, another
 * version, not live, with progress), it becomes the rebuild of the live entry. Keeps the server's order.
 */
export function groupByName(projections) {
  const byName = new Map();
  for (const p of projections) {
    const seen = byName.get(p.name);
    if (!seen) {
      byName.set(p.name, p);
      continue;
    }
    const [main, other] = seen.live === false && p.live !== false ? [p, seen] : [seen, p];
    if (!main.rebuild && other.rebuild) {
      main.rebuild = { ...other.rebuild, version: other.rebuild.version ?? other.version };
    }
    byName.set(p.name, main);
  }
  return [...byName.values()];
}
