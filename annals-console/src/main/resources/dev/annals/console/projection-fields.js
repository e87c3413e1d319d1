// THE ONE PLACE that maps the server's projection JSON (GET /projections) to what the console shows.
// The design (§5) says what a status carries, not its field names; each field below lists the
// names tried in order. Align these lists with the server's actual JSON and nothing else changes.

const FIELDS = {
  list: ['projections', 'items', 'data'],
  name: ['name', 'projection', 'id'],
  version: ['version', 'projectionVersion'],
  status: ['status', 'state', 'phase'],
  position: ['position', 'checkpoint', 'lastPosition', 'processedPosition'],
  head: ['head', 'headPosition', 'storeHead'],
  lagEvents: ['lagEvents', 'lag.events', 'lag_events', 'lagInEvents', 'eventsBehind'],
  lagSeconds: ['lagSeconds', 'lag.seconds', 'lag_seconds', 'lagInSeconds', 'secondsBehind'],
  parked: ['parked', 'parkedCount', 'parked.count', 'poisonEvents'],
  error: ['error', 'lastError', 'failure'],
  rebuild: ['rebuild', 'shadow', 'rebuilding'],
  rebuildStatus: ['status', 'state', 'phase'],
  rebuildVersion: ['version', 'targetVersion', 'shadowVersion'],
  rebuildDone: ['eventsDone', 'done', 'processed', 'events.done'],
  rebuildToGo: ['eventsToGo', 'toGo', 'remaining', 'events.toGo'],
  rebuildTotal: ['eventsTotal', 'total', 'events.total'],
  rebuildRate: ['rate', 'eventsPerSecond', 'eventsPerSec', 'ratePerSecond'],
  rebuildEta: ['etaSeconds', 'eta', 'eta_seconds'],
  rebuildReady: ['caughtUp', 'ready', 'readyToPromote', 'canPromote'],
  compare: ['compare', 'comparison', 'diff'],
  compareLive: ['liveCount', 'live.count', 'live', 'currentCount'],
  compareShadow: ['shadowCount', 'shadow.count', 'shadow', 'newCount'],
  compareSample: ['diffSample', 'sample', 'differences', 'diffs'],
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
    lagSeconds: num(pick(raw, FIELDS.lagSeconds)),
    parked: num(typeof pick(raw, FIELDS.parked) === 'object' ? pick(raw, FIELDS.parked).length : pick(raw, FIELDS.parked)),
    error: str(pick(raw, FIELDS.error)),
    rebuild: r && typeof r === 'object' ? normalizeRebuild(r, head) : null,
    raw,
  };
}

function normalizeRebuild(r, head) {
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
  let etaSeconds = num(pick(r, FIELDS.rebuildEta));
  if (etaSeconds === undefined && rate && toGo !== undefined) {
    etaSeconds = toGo / rate;
  }
  const status = (str(pick(r, FIELDS.rebuildStatus)) ?? '').toLowerCase();
  const readyFlag = pick(r, FIELDS.rebuildReady);
  const ready = readyFlag === true || READY_WORDS.includes(status);
  const running = !ready && (RUNNING_WORDS.includes(status) || (toGo !== undefined && toGo > 0));
  const c = pick(r, FIELDS.compare);
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
    compare: c && typeof c === 'object' ? {
      live: num(pick(c, FIELDS.compareLive)),
      shadow: num(pick(c, FIELDS.compareShadow)),
      sample: pick(c, FIELDS.compareSample),
      raw: c,
    } : null,
  };
}
