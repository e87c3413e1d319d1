// Projections: status, checkpoint position against the head (a bar: how much of the log is projected),
// lag (events and seconds) with a lag chart, polled every 2 s; rebuild (blue/green) with a progress bar
// and ETA; compare (the row counts explained), then promote.
// Field names of the server's JSON are mapped in projection-fields.js only.

import { get, post, projectionPath } from './api.js';
import { h, replace, errorBox, emptyState, loading, formatNumber, formatDuration, jsonView } from './ui.js';
import { projectionList, normalizeProjection } from './projection-fields.js';

const POLL_MS = 2000;
const HISTORY = 90; // samples kept for the chart: 3 minutes

export function mount(main) {
  const problem = h('div', { id: 'projections-error' });
  const list = h('div', { class: 'projection-list', id: 'projection-list' }, loading());
  const updated = h('span', { class: 'muted small', id: 'projections-updated' });
  main.append(h('h1', {}, 'Projections'),
    h('p', { class: 'lead' }, 'Read models kept up to date from the log. Refreshed every 2 s. ', updated),
    problem, list);

  const cards = new Map(); // name -> {el, update}
  const history = new Map(); // name -> [{lagEvents, lagSeconds}]
  let timer = null;
  let stopped = false;

  async function poll() {
    try {
      const body = await get('/projections');
      if (stopped) {
        return;
      }
      replace(problem);
      const projections = projectionList(body).map(normalizeProjection);
      if (projections.length === 0) {
        replace(list, emptyState('No projections are registered.', 'A domain module contributes projections; start the server with one (e.g. ./annals demo).'));
        cards.clear();
      } else {
        if (list.querySelector('.loading, .empty')) {
          list.replaceChildren();
        }
        for (const p of projections) {
          const samples = history.get(p.name) || [];
          samples.push({ lagEvents: p.lagEvents, lagSeconds: p.lagSeconds });
          while (samples.length > HISTORY) {
            samples.shift();
          }
          history.set(p.name, samples);
          if (!cards.has(p.name)) {
            const card = projectionCard(p.name, poll);
            cards.set(p.name, card);
            list.append(card.el);
          }
          cards.get(p.name).update(p, samples);
        }
      }
      updated.textContent = 'Updated ' + new Date().toISOString().slice(11, 19) + ' UTC.';
    } catch (e) {
      if (!stopped) {
        replace(problem, errorBox(e, 'Reading projection status failed'));
      }
    } finally {
      if (!stopped) {
        clearTimeout(timer);
        timer = setTimeout(poll, POLL_MS);
      }
    }
  }

  poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function projectionCard(name, refresh) {
  const title = h('h2', {}, h('span', { class: 'mono' }, name), ' ', h('span', { class: 'muted small' }));
  const badge = h('span', { class: 'badge' });
  const stats = h('dl', { class: 'stats' });
  const caughtUp = h('div', { class: 'projected' });
  const chart = h('div', { class: 'chart' });
  const rebuildBox = h('div', { class: 'rebuild' });
  const actionMsg = h('div', { class: 'action-msg' });
  const rebuildBtn = h('button', { type: 'button', class: 'rebuild-btn' }, 'Rebuild');
  const el = h('section', { class: 'card projection', dataset: { name } },
    h('div', { class: 'card-head' }, title, badge),
    h('div', { class: 'projection-body' }, h('div', {}, stats, caughtUp), chart),
    h('div', { class: 'actions' }, rebuildBtn), rebuildBox, actionMsg,
    h('details', { class: 'raw' }, h('summary', {}, 'Raw status'), h('div', { class: 'raw-json' })));
  let confirming = false;

  rebuildBtn.addEventListener('click', async () => {
    rebuildBtn.disabled = true;
    replace(actionMsg, h('p', { class: 'muted' }, 'Starting a rebuild…'));
    try {
      await post(projectionPath(name) + '/rebuild');
      replace(actionMsg, h('p', { class: 'ok' }, 'Rebuild started: the current version keeps serving while the new one builds.'));
      refresh();
    } catch (e) {
      replace(actionMsg, errorBox(e, 'Rebuild failed'));
    } finally {
      rebuildBtn.disabled = false;
    }
  });

  async function promote() {
    replace(actionMsg, h('p', { class: 'muted' }, 'Promoting…'));
    try {
      const body = await post(projectionPath(name) + '/promote');
      confirming = false;
      replace(actionMsg, h('p', { class: 'ok', id: 'promoted-' + name }, `Promoted: version ${body.version} now serves reads.`));
      refresh();
    } catch (e) {
      confirming = false;
      replace(actionMsg, errorBox(e, 'Promote failed'));
    }
  }

  function update(p, samples) {
    replace(title.lastChild, p.version ? 'version ' + p.version : '');
    badge.textContent = p.status;
    badge.className = 'badge status-' + p.status.toLowerCase().replace(/[^a-z]+/g, '-');
    replace(stats,
      stat('Position', formatNumber(p.position), 'position'),
      p.head !== undefined ? stat('Head', formatNumber(p.head), 'head') : null,
      stat('Lag (events)', formatNumber(p.lagEvents), 'lag-events'),
      stat('Lag (seconds)', p.lagSeconds === undefined ? '—' : formatDuration(p.lagSeconds), 'lag-seconds'),
      p.parked !== undefined ? stat('Parked events', formatNumber(p.parked), 'parked') : null,
      p.runningOn !== undefined ? stat('Running on', p.runningOn, 'running-on') : null);
    replace(caughtUp, projectedBar(p));
    replace(chart, lagChart(samples));
    if (p.error) {
      stats.append(stat('Last error', p.error, 'error'));
    }
    const r = p.rebuild;
    // Only a projection with a next version can be rebuilt (the server refuses the others).
    rebuildBtn.hidden = p.nextVersion === null;
    rebuildBtn.textContent = p.nextVersion === null ? 'Rebuild' : 'Rebuild → version ' + p.nextVersion;
    rebuildBtn.disabled = Boolean(r && (r.running || r.ready || r.promoting));
    if (!r) {
      replace(rebuildBox);
    } else if (r.promoted) {
      replace(rebuildBox,
        h('h3', {}, 'Rebuild → version ' + r.version, ' ', h('span', { class: 'badge small status-promoted' }, 'promoted')),
        h('p', { class: 'ok' }, `Version ${r.version} serves reads; the old version was dropped.`),
        r.compare ? comparisonView(r.compare, 'Compared at promotion') : null);
    } else {
      const pct = Math.round(r.fraction * 100);
      replace(rebuildBox,
        h('h3', {}, 'Rebuild → version ' + r.version, ' ', h('span', { class: 'badge small status-' + r.status }, r.status)),
        h('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct },
          h('div', { class: 'progress-bar', style: `width: ${pct}%` })),
        h('p', { class: 'progress-text' },
          h('span', { class: 'pct' }, pct + '%'), ' · ', formatNumber(r.done), ' done · ', formatNumber(r.toGo), ' to go',
          ` · ${formatNumber(Math.round(r.rate))} events/s`,
          r.ready ? ' · caught up' : ` · ETA ${formatDuration(r.etaSeconds)}`),
        r.failed ? h('p', { class: 'error' }, 'The rebuild failed; start it again.') : null,
        r.ready ? compareAndPromote(r) : null);
    }
    replace(el.querySelector('.raw-json'), jsonView(p.raw, { collapseDepth: 2 }));
  }

  function compareAndPromote(r) {
    const box = h('div', { class: 'compare' },
      r.compare ? comparisonView(r.compare, 'Compare before promoting') : h('p', { class: 'muted' }, 'Comparing…'));
    if (confirming) {
      box.append(h('div', { class: 'confirm' },
        h('span', {}, 'Promote now? Reads switch to the rebuilt version and the old one is dropped.'),
        h('button', { type: 'button', class: 'danger confirm-promote', onclick: promote }, 'Confirm promote'),
        h('button', { type: 'button', class: 'secondary', onclick: () => { confirming = false; refresh(); } }, 'Cancel')));
    } else {
      box.append(h('button', { type: 'button', class: 'promote-btn', onclick: () => { confirming = true; refresh(); } }, 'Promote…'));
    }
    return box;
  }

  return { el, update };
}

/** How much of the log the projection has processed: position against head, as a bar and in words. */
function projectedBar(p) {
  if (typeof p.position !== 'number' || typeof p.head !== 'number') {
    return null;
  }
  const pct = p.head > 0 ? Math.min(100, (p.position / p.head) * 100) : 100;
  const behind = Math.max(0, p.head - p.position);
  return [h('div', { class: 'meter' + (behind === 0 ? ' done' : ''), role: 'meter', 'aria-label': 'Projected share of the log', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.floor(pct) },
    h('div', { class: 'meter-bar', style: `width: ${pct}%` })),
  h('p', { class: 'small muted projected-text' }, `${formatNumber(p.position)} of ${formatNumber(p.head)} events in the log projected`,
    behind === 0 ? h('strong', { class: 'ok' }, ' · caught up') : ` · ${formatNumber(behind)} to go`)];
}

/** Plain words for the counts: what they add up, which table has more or fewer rows, and what the sample shows. */
export function comparisonText(c) {
  const diff = c.shadow - c.live;
  const rows = (n) => `${formatNumber(Math.abs(n))} row${Math.abs(n) === 1 ? '' : 's'}`;
  const total = diff === 0 ? 'Both versions hold the same number of rows'
    : `The rebuilt version holds ${rows(diff)} ${diff > 0 ? 'more' : 'fewer'} than the live one`;
  const perTable = c.tables.map((t) => {
    const d = t.shadowRows - t.liveRows;
    const sampled = t.onlyInLive.length + t.onlyInShadow.length;
    const counts = d === 0 ? `the same number of rows (${formatNumber(t.liveRows)})` : `${rows(d)} ${d > 0 ? 'more' : 'fewer'} in the rebuilt version`;
    const contents = sampled === 0 ? ', identical rows' : ', and rows whose contents differ (sampled below)';
    return `${t.table}: ${counts}${contents}`;
  });
  return `The counts are rows in the read model's tables, added up over its ${c.tables.length} table${c.tables.length === 1 ? '' : 's'}. `
    + `${total} (${formatNumber(c.shadow)} against ${formatNumber(c.live)}). ${perTable.join('; ')}. `
    + 'Equal counts do not mean equal rows: a row whose values changed shows once as "− live" and once as "+ rebuilt" in the sample, which lists a few such rows per table, not all of them.';
}

/** Live against rebuilt: summed row counts, then each table with its sample of rows found on one side only. */
function comparisonView(c, title) {
  const diff = c.shadow - c.live;
  return h('div', { class: 'comparison' },
    h('h4', {}, title),
    h('dl', { class: 'stats' },
      stat('Live version rows', formatNumber(c.live), 'live-count'),
      stat('Rebuilt version rows', formatNumber(c.shadow), 'shadow-count'),
      stat('Rebuilt − live', (diff > 0 ? '+' : '') + formatNumber(diff), 'count-diff'),
      stat('Rows', c.identical ? 'identical' : 'differ', 'identical')),
    h('p', { class: 'comparison-text small', id: 'comparison-text' }, comparisonText(c)),
    h('table', { class: 'grid compare-tables' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Table'), h('th', {}, 'Live rows'), h('th', {}, 'Rebuilt rows'), h('th', {}, 'Sample of differing rows'))),
      h('tbody', {}, ...c.tables.map((t) => h('tr', { dataset: { table: t.table } },
        h('td', { class: 'mono' }, t.table), h('td', { class: 'mono' }, formatNumber(t.liveRows)),
        h('td', { class: 'mono' }, formatNumber(t.shadowRows)),
        h('td', { class: 'sample mono small' },
          ...t.onlyInLive.map((row) => h('div', { class: 'only-live' }, '− live: ' + row)),
          ...t.onlyInShadow.map((row) => h('div', { class: 'only-shadow' }, '+ rebuilt: ' + row)),
          t.onlyInLive.length + t.onlyInShadow.length === 0 ? 'identical' : null))))));
}

function stat(label, value, key) {
  return h('div', { class: 'stat', dataset: { stat: key } }, h('dt', {}, label), h('dd', { class: 'mono' }, value));
}

/**
 * An SVG chart of lag in events (solid) and seconds (dashed) over the samples since the page opened
 * (one every 2 s, the last 3 minutes), each on its own scale, with its axes labelled. A projection that
 * kept up shows a green zero line saying so, rather than an empty box.
 */
export function lagChart(samples) {
  const w = 420;
  const hgt = 96;
  const left = 34;
  const right = 8;
  const top = 8;
  const bottom = 18;
  const ns = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) {
      e.setAttribute(k, String(v));
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  };
  const svg = el('svg', { viewBox: `0 0 ${w} ${hgt}`, class: 'lag-chart', role: 'img' });
  const last = samples[samples.length - 1] || {};
  const maxOf = (key) => Math.max(0, ...samples.map((s) => (typeof s[key] === 'number' ? s[key] : 0)));
  const peakEvents = maxOf('lagEvents');
  const peakSeconds = maxOf('lagSeconds');
  const idle = peakEvents === 0 && peakSeconds === 0;
  svg.setAttribute('aria-label', `Lag over the last ${samples.length} samples; now ${last.lagEvents ?? '?'} events, ${last.lagSeconds ?? '?'} s`);
  const step = (w - left - right) / (HISTORY - 1);
  const x0 = w - right - step * (samples.length - 1);
  const y = (v, max) => hgt - bottom - (v / Math.max(max, 1e-9)) * (hgt - top - bottom);
  svg.append(el('rect', { x: left, y: top, width: w - left - right, height: hgt - top - bottom, class: 'plot' }));
  svg.append(el('text', { x: left - 4, y: top + 8, class: 'chart-label', 'text-anchor': 'end' }, idle ? '1' : formatNumber(peakEvents)));
  svg.append(el('text', { x: left - 4, y: hgt - bottom, class: 'chart-label', 'text-anchor': 'end' }, '0'));
  svg.append(el('text', { x: left, y: hgt - 4, class: 'chart-label' }, '3 min ago'));
  svg.append(el('text', { x: w - right, y: hgt - 4, class: 'chart-label', 'text-anchor': 'end' }, 'now'));
  svg.append(el('line', { x1: left, x2: w - right, y1: hgt - bottom, y2: hgt - bottom, class: idle ? 'axis caught-up' : 'axis' }));
  const line = (key, max, cls) => {
    const pts = samples.map((s, i) => (typeof s[key] === 'number' ? `${(x0 + i * step).toFixed(1)},${y(s[key], max).toFixed(1)}` : null)).filter(Boolean);
    if (pts.length === 0) {
      return;
    }
    svg.append(el('polyline', { points: pts.length === 1 ? `${pts[0]} ${pts[0]}` : pts.join(' '), class: cls }));
    const [lx, ly] = pts[pts.length - 1].split(',');
    svg.append(el('circle', { cx: lx, cy: ly, r: 2.5, class: cls + ' now-dot' }));
  };
  line('lagEvents', peakEvents || 1, 'lag-events');
  line('lagSeconds', peakSeconds || 1, 'lag-seconds');
  if (idle) {
    svg.append(el('text', { x: (left + w - right) / 2, y: top + (hgt - top - bottom) / 2 + 4, class: 'chart-note', 'text-anchor': 'middle' },
      `No lag in the last ${formatDuration(samples.length * POLL_MS / 1000)}: every event was projected as it came`));
  }
  return h('figure', { class: 'lag' }, svg,
    h('figcaption', { class: 'small muted' }, h('span', { class: 'key-events' }, '— events behind'), ' ', h('span', { class: 'key-seconds' }, '-- seconds behind'),
      ` · peak ${formatNumber(peakEvents)} events, ${formatDuration(peakSeconds)} · a sample every ${POLL_MS / 1000} s since this page opened`));
}
