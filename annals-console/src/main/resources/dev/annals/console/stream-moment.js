// The stream page's answer to "what did we believe at M, and what was true at M?" for a moment M
// chosen in the URL (#/stream/{stream}?at=M; no 'at' means now):
//  - two figures: the state's value as known then (GET .../state?knownAt=M) and as valid now
//    (GET .../state?validAt=M, known now), with the corrections recorded after M that part them;
//  - a chart of that value over time, both ways, with a marker on each correction.
// The value is the state's money field (money.js says how it is found), else its first number.

import { get, streamPath, ApiError } from './api.js';
import { h, replace, errorBox, loading, formatInstant, formatNumber, instantMicros, isoFromMicros, parseUserInstant, jsonDiff } from './ui.js';
import { correctionsTo, chartWindow, chartInstants } from './timeline.js';
import { headlineMoney, valueAt, formatMoney, formatMoneyDelta, eventAmount } from './money.js';
import { stepChart, stepValueAt } from './chart.js';

const PARALLEL = 6; // state requests in flight at once while drawing the chart
const POINTS = 80; // at most this many instants a line (two state requests each)

/** '#/stream/account-A0046?at=2026-03-15T14:47:00Z' (no 'at': now). */
export function momentHref(stream, at) {
  return '#/stream/' + encodeURIComponent(stream) + (at ? '?at=' + urlInstant(at) : '');
}

/** An instant as short as it can be said exactly: '2026-03-15T14:47:00Z', fractions only when there are some. */
export function urlInstant(iso) {
  const s = isoFromMicros(instantMicros(iso));
  return s.replace(/\.0+Z$/, 'Z').replace(/(\.\d*?)0+Z$/, '$1Z');
}

/** The card; show(timeline, at) (re)draws it for the moment 'at' (a URL value, or null for now). */
export function momentCard(name) {
  const title = h('h2', { id: 'moment-title' }, 'Now');
  const input = h('input', { id: 'moment-input', name: 'at', spellcheck: 'false', placeholder: 'now', 'aria-label': 'Moment (UTC)' });
  const form = h('form', { class: 'moment-form', id: 'moment-form' },
    h('label', { for: 'moment-input' }, 'Moment (UTC)'), input,
    h('button', { type: 'submit' }, 'Show'),
    h('a', { class: 'button secondary', id: 'moment-now', href: momentHref(name, null) }, 'Now'));
  const problem = h('div', { id: 'moment-problem' });
  const figures = h('div', { class: 'figures', id: 'figures' }, loading());
  const causes = h('div', { class: 'causes', id: 'moment-causes' });
  const chart = h('figure', { class: 'value-chart', id: 'value-chart' });
  const el = h('section', { class: 'card moment', id: 'moment' },
    h('div', { class: 'moment-head' }, title, form), problem, figures, causes, chart);
  let seq = 0;

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text || text.toLowerCase() === 'now') {
      location.hash = momentHref(name, null);
      return;
    }
    try {
      location.hash = momentHref(name, parseUserInstant(text));
    } catch (err) {
      replace(problem, errorBox({ code: 'invalid_input', message: err.message }));
    }
  });

  async function stateOf(params) {
    try {
      const body = await get(streamPath(name) + '/state', params);
      return { state: body && typeof body === 'object' && 'state' in body ? body.state : body };
    } catch (e) {
      return e instanceof ApiError && e.status === 404 ? { none: e } : { error: e };
    }
  }

  async function show(timeline, at) {
    const my = ++seq;
    const live = () => my === seq;
    replace(problem);
    let moment = null;
    if (at) {
      try {
        moment = parseUserInstant(at);
      } catch (err) {
        replace(problem, errorBox({ code: 'invalid_input', message: err.message + ' — showing now instead.' }));
      }
    }
    const m = moment || isoFromMicros(Date.now() * 1000);
    input.value = moment ? urlInstant(moment).replace('T', ' ').replace('Z', '') : '';
    replace(title, moment ? ['At ', h('span', { class: 'mono', id: 'moment-value' }, short(moment))] : 'Now');
    el.dataset.at = moment ? urlInstant(moment) : 'now';
    replace(figures, loading('Asking the server for the state then and now…'));
    replace(causes);
    replace(chart);

    const corrections = correctionsTo(timeline, m);
    const [known, valid] = await Promise.all([stateOf(moment ? { knownAt: moment } : {}), stateOf({ validAt: m })]);
    if (!live()) {
      return;
    }
    const failed = known.error || valid.error;
    if (failed) {
      replace(figures, errorBox(failed, 'Reading the state failed'));
      return;
    }
    if (known.none) {
      replace(figures, h('div', { class: 'no-fold' },
        h('p', {}, 'No state fold: the server has none registered for this stream\'s category, so there is no value to compare. The time travel below shows the events both ways.'),
        h('p', { class: 'muted small' }, 'Server said: ', h('code', {}, known.none.code), ' ', known.none.message)));
      replace(causes, causeList(timeline, corrections, moment, name));
      return;
    }
    const field = pickField(valid.state) || pickField(known.state);
    replace(figures, figureRow(field, known.state, valid.state, moment));
    replace(causes, causeList(timeline, corrections, moment, name));
    if (!field) {
      replace(chart, h('p', { class: 'muted' }, 'Nothing to chart: the state holds no number.'));
      return;
    }
    replace(chart, loading('Drawing the value over time…'));
    try {
      const drawn = await drawChart(timeline, field, m, moment, corrections, stateOf, live, name);
      if (live()) {
        replace(chart, ...drawn);
      }
    } catch (e) {
      if (live()) {
        replace(chart, errorBox(e, 'Drawing the chart failed'));
      }
    }
  }

  return { el, show };
}

/** The state's money field, else its first number: {path, money}. */
function pickField(state) {
  const money = headlineMoney(state);
  if (money) {
    return { path: money.path, money: true };
  }
  const walk = (v, path) => {
    if (typeof v === 'number') {
      return { path, money: false };
    }
    if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const found = walk(child, [...path, k]);
        if (found) {
          return found;
        }
      }
    }
    return null;
  };
  return state !== null && typeof state === 'object' ? walk(state, []) : null;
}

function figureRow(field, knownState, validState, moment) {
  const when = moment ? short(moment) : 'now';
  const fmt = (v) => (typeof v !== 'number' ? '—' : field && field.money ? formatMoney(v) : formatNumber(v));
  const figure = (kind, label, value, sub) => h('div', { class: 'figure figure-' + kind, id: 'figure-' + kind, dataset: { value: value ?? '' } },
    h('div', { class: 'figure-label' }, label),
    h('div', { class: 'figure-value mono' + (field && field.money ? ' money' : ''), title: value === undefined ? '' : `${value}${field && field.money ? ' (cents)' : ''}` }, fmt(value)),
    h('div', { class: 'figure-sub muted small' }, sub));
  if (!field) {
    const differing = jsonDiff(knownState, validState).size;
    return [h('p', {}, differing === 0 ? 'The state as known then and as valid now are the same.' : `The state as known then and as valid now differ in ${differing} place${differing === 1 ? '' : 's'} (see below).`)];
  }
  const k = valueAt(knownState, field.path);
  const v = valueAt(validState, field.path);
  const delta = typeof k === 'number' && typeof v === 'number' ? v - k : undefined;
  const fieldName = h('span', { class: 'mono' }, field.path.join('.'));
  return [
    figure('known', 'As known then', k, moment ? `What the system said at ${when} (the events recorded by then).` : 'What the system says now (every event recorded).'),
    figure('valid', 'As valid now', v, moment ? `What was true at ${when}, as we know it now (revoked events left out, late corrections in).`
      : 'What is in effect now (revoked events left out, events taking effect later not yet in).'),
    h('div', { class: 'figure figure-delta' + (delta ? ' differs' : ''), id: 'figure-delta' },
      h('div', { class: 'figure-label' }, 'Difference'),
      h('div', { class: 'figure-value mono' }, delta === undefined ? '—' : field.money ? formatMoneyDelta(delta) : formatNumber(delta)),
      h('div', { class: 'figure-sub muted small' }, fieldName, field.money ? ' as money (cents ÷ 100)' : '')),
  ];
}

/** '2026-03-15 14:47 UTC', with seconds and fractions only when the instant has them. */
function short(iso) {
  return formatInstant(iso).replace(/\.0{6} UTC$/, ' UTC').replace(/:00 UTC$/, ' UTC');
}

function causeList(timeline, corrections, moment, name) {
  if (corrections.length > 0) {
    return [h('p', { class: 'causes-title' }, `Why they differ: ${corrections.length === 1 ? 'a correction' : corrections.length + ' corrections'} recorded after this moment.`),
      h('ul', { class: 'cause-list' }, corrections.map((c) => h('li', { class: 'cause', dataset: { id: c.event.id } },
        h('span', { class: 'marker-key' }, '◆'), ' ',
        h('span', { class: 'mono' }, 'v' + c.event.version), ' ', h('span', { class: 'ev-type' }, c.event.type), ' ',
        eventAmount(c.event.data) ? h('span', { class: 'mono money' }, eventAmount(c.event.data) + ' ') : null,
        `recorded ${short(c.event.recordedAt)}, in effect from ${short(c.event.effectiveAt || c.event.recordedAt)}`,
        c.revoked.length ? [', revokes ', c.revoked.map((r) => `v${r.version} ${r.type}${eventAmount(r.data) ? ' ' + eventAmount(r.data) : ''}`).join(', ')] : null,
        c.event.metadata && typeof c.event.metadata.reason === 'string' ? h('span', { class: 'muted' }, ` — “${c.event.metadata.reason}”`) : null)))];
  }
  // Nothing corrects this moment; point at the moments that were corrected, if any.
  const byId = new Map(timeline.map((e) => [e.id, e]));
  const revoking = timeline.filter((e) => Array.isArray(e.metadata?.revokes) && e.metadata.revokes.some((id) => byId.has(id))).slice(0, 3);
  const hint = moment ? 'Nothing recorded after this moment changes what was true at it.' : '';
  if (revoking.length === 0) {
    return hint ? [h('p', { class: 'muted' }, hint)] : [];
  }
  return [hint ? h('p', { class: 'muted' }, hint) : null,
    h('p', { class: 'muted' }, 'This stream was corrected after the fact. See a moment between the mistake and its correction:'),
    h('ul', { class: 'cause-list' }, revoking.map((e) => {
      const first = Math.min(...e.metadata.revokes.filter((id) => byId.has(id)).map((id) => instantMicros(byId.get(id).recordedAt)));
      const mid = Math.floor((first + instantMicros(e.recordedAt)) / 2 / 60_000_000) * 60_000_000;
      return h('li', { class: 'suggested' }, h('a', { href: momentHref(name, isoFromMicros(mid)), class: 'suggested-moment' }, short(isoFromMicros(mid))),
        ` — before v${e.version} ${e.type} (recorded ${short(e.recordedAt)}) revoked ${e.metadata.revokes.length === 1 ? 'an earlier event' : 'earlier events'}`);
    }))];
}

async function pool(tasks, n) {
  const out = new Array(tasks.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  }));
  return out;
}

function xFormatter(span) {
  const day = 86_400_000_000;
  return (x) => {
    const iso = isoFromMicros(Math.round(x));
    if (span < day / 2) {
      return iso.slice(11, 16);
    }
    if (span < 4 * day) {
      return iso.slice(5, 10) + ' ' + iso.slice(11, 16);
    }
    return span > 300 * day ? iso.slice(0, 10) : iso.slice(5, 10);
  };
}

async function drawChart(timeline, field, m, moment, corrections, stateOf, live, name) {
  const win = chartWindow(timeline, m, corrections);
  const byId = new Map(timeline.map((e) => [e.id, e]));
  const revokingInWindow = timeline.filter((e) => Array.isArray(e.metadata?.revokes) && e.metadata.revokes.some((id) => byId.has(id))
    && instantMicros(e.recordedAt) >= win.xMin && instantMicros(e.recordedAt) <= win.xMax);
  const marked = [...new Map([...corrections.map((c) => c.event), ...revokingInWindow].map((e) => [e.id, e])).values()];
  const keep = marked.flatMap((e) => [instantMicros(e.recordedAt), instantMicros(e.effectiveAt || e.recordedAt)]);
  const at = chartInstants(timeline, win.xMin, win.xMax, POINTS, keep);
  const y = (r) => (r.state === undefined ? undefined : valueAt(r.state, field.path));
  const [knownPts, validPts] = await Promise.all([
    pool(at.filter((p) => p.version > 0).map((p) => async () => ({ x: p.x, y: y(await stateOf({ version: p.version })) })), PARALLEL),
    pool(at.map((p) => async () => ({ x: p.x, y: y(await stateOf({ validAt: isoFromMicros(p.x) })) })), PARALLEL),
  ]);
  if (!live()) {
    return [];
  }
  const numeric = (pts) => pts.filter((p) => typeof p.y === 'number');
  const fmt = field.money ? formatMoney : formatNumber;
  const markers = marked.map((e) => {
    const x = instantMicros(e.recordedAt);
    return { x, y: stepValueAt(numeric(knownPts), x), key: 'correction', id: e.id,
      label: `◆ v${e.version} ${e.type}${eventAmount(e.data) ? ' ' + eventAmount(e.data) : ''}, recorded ${short(e.recordedAt)}` };
  });
  // What the corrections void, where it was recorded: the known line's step that the valid line never takes.
  for (const id of new Set(marked.flatMap((e) => e.metadata?.revokes || []))) {
    const r = byId.get(id);
    const x = r ? instantMicros(r.recordedAt) : NaN;
    if (r && x >= win.xMin && x <= win.xMax) {
      markers.push({ x, y: stepValueAt(numeric(knownPts), x), key: 'revoked', id: r.id,
        label: `v${r.version} ${r.type}${eventAmount(r.data) ? ' ' + eventAmount(r.data) : ''} (revoked later)` });
    }
  }
  const mx = Math.min(Math.max(instantMicros(m), win.xMin), win.xMax);
  const svg = stepChart({
    series: [{ key: 'known', label: 'As known then', points: numeric(knownPts) }, { key: 'valid', label: 'As valid now', points: numeric(validPts) }],
    xMin: win.xMin, xMax: win.xMax, markers,
    moment: { x: mx, label: moment ? short(moment) : 'now' },
    yFormat: fmt, xFormat: xFormatter(win.xMax - win.xMin),
    onPick: (x) => {
      location.hash = momentHref(name, isoFromMicros(Math.floor(x / 60_000_000) * 60_000_000));
    },
  });
  svg.id = 'value-svg';
  svg.setAttribute('aria-label', `${field.path.join('.')} over time, as known then and as valid now, with ${markers.length} correction marker${markers.length === 1 ? '' : 's'}`);
  const thinned = at.length >= POINTS;
  return [svg, h('figcaption', { class: 'small muted chart-legend' },
    h('span', { class: 'key-known' }, '━ as known then'), ' (the value the system showed at each time) · ',
    h('span', { class: 'key-valid' }, '━ as valid now'), ' (what was true at each time, as known now) · ',
    h('span', { class: 'key-correction' }, '◆ correction'), ' · ',
    h('span', { class: 'key-moment' }, '┃ the moment'), ' · ',
    h('span', { class: 'mono' }, field.path.join('.')), `, ${formatInstant(isoFromMicros(win.xMin)).slice(0, 10)} to ${formatInstant(isoFromMicros(win.xMax)).slice(0, 10)}`,
    thinned ? ` (sampled at ${POINTS} instants a line)` : '', '. Click the chart to pick a moment.')];
}
