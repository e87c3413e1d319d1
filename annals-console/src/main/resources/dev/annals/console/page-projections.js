// Projections: status, checkpoint position, lag (events and seconds) with a small lag chart, polled
// every 2 s; rebuild (blue/green) with a progress bar and ETA; compare, then promote.
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
  const chart = h('div', { class: 'chart' });
  const rebuildBox = h('div', { class: 'rebuild' });
  const actionMsg = h('div', { class: 'action-msg' });
  const rebuildBtn = h('button', { type: 'button', class: 'rebuild-btn' }, 'Rebuild');
  const el = h('section', { class: 'card projection', dataset: { name } },
    h('div', { class: 'card-head' }, title, badge),
    h('div', { class: 'projection-body' }, stats, chart),
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
      p.parked !== undefined ? stat('Parked events', formatNumber(p.parked), 'parked') : null);
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

/** Live against rebuilt: summed row counts, then each table with its sample of rows found on one side only. */
function comparisonView(c, title) {
  return h('div', { class: 'comparison' },
    h('h4', {}, title),
    h('dl', { class: 'stats' },
      stat('Live version rows', formatNumber(c.live), 'live-count'),
      stat('Rebuilt version rows', formatNumber(c.shadow), 'shadow-count'),
      stat('Difference', formatNumber(c.shadow - c.live), 'count-diff'),
      stat('Rows', c.identical ? 'identical' : 'differ', 'identical')),
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

/** A small SVG line chart of lag in events (solid) and seconds (dashed), each on its own scale. */
export function lagChart(samples) {
  const w = 320;
  const hgt = 72;
  const pad = 4;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${hgt}`);
  svg.setAttribute('class', 'lag-chart');
  svg.setAttribute('role', 'img');
  const last = samples[samples.length - 1] || {};
  svg.setAttribute('aria-label', `Lag over the last ${samples.length} samples; now ${last.lagEvents ?? '?'} events, ${last.lagSeconds ?? '?'} s`);
  const line = (key, cls) => {
    const values = samples.map((s) => s[key]);
    const known = values.filter((v) => typeof v === 'number');
    if (known.length === 0) {
      return;
    }
    const max = Math.max(1, ...known);
    const step = samples.length > 1 ? (w - 2 * pad) / (HISTORY - 1) : 0;
    const x0 = w - pad - step * (samples.length - 1);
    const pts = values.map((v, i) => (typeof v === 'number' ? `${(x0 + i * step).toFixed(1)},${(hgt - pad - (v / max) * (hgt - 2 * pad)).toFixed(1)}` : null)).filter(Boolean);
    const pl = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    pl.setAttribute('points', pts.join(' '));
    pl.setAttribute('class', cls);
    svg.append(pl);
  };
  const base = document.createElementNS('http://www.w3.org/2000/svg', 'line');
  base.setAttribute('x1', pad);
  base.setAttribute('x2', w - pad);
  base.setAttribute('y1', hgt - pad);
  base.setAttribute('y2', hgt - pad);
  base.setAttribute('class', 'axis');
  svg.append(base);
  line('lagEvents', 'lag-events');
  line('lagSeconds', 'lag-seconds');
  const maxOf = (key) => Math.max(0, ...samples.map((s) => (typeof s[key] === 'number' ? s[key] : 0)));
  const label = document.createElementNS('http://www.w3.org/2000/svg', 'text');
  label.setAttribute('x', pad + 2);
  label.setAttribute('y', 12);
  label.setAttribute('class', 'chart-label');
  label.textContent = `peak ${formatNumber(maxOf('lagEvents'))} events · ${formatDuration(maxOf('lagSeconds'))}`;
  svg.append(label);
  return h('figure', { class: 'lag' }, svg,
    h('figcaption', { class: 'small muted' }, h('span', { class: 'key-events' }, '— events'), ' ', h('span', { class: 'key-seconds' }, '-- seconds'), ` · last ${samples.length * 2} s`));
}
