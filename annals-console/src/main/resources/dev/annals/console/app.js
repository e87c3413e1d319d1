// The console's entry point: the header bar (API key, health) and hash routing to the pages.
// Each page module exports mount(main, params) and may return a function that stops it (closes SSE
// connections, timers) when the user goes elsewhere, or {stop?, update?}: update(query) takes a new
// query of the same page in place (the stream page's moment), so back/forward redraw without a reload.

import { apiKey, setApiKey } from './api.js';
import { h, replace, emptyState, errorBox } from './ui.js';
import * as streams from './page-streams.js';
import * as stream from './page-stream.js';
import * as tail from './page-tail.js';
import * as audit from './page-audit.js';
import * as projections from './page-projections.js';
import * as integrity from './page-integrity.js';

const routes = [
  { pattern: /^\/streams$/, page: streams, nav: 'streams' },
  { pattern: /^\/stream\/(.+)$/, page: stream, nav: 'streams' },
  { pattern: /^\/tail$/, page: tail, nav: 'tail' },
  { pattern: /^\/audit$/, page: audit, nav: 'audit' },
  { pattern: /^\/projections$/, page: projections, nav: 'projections' },
  { pattern: /^\/integrity$/, page: integrity, nav: 'integrity' },
];

let stopCurrent = null;
let current = null; // {path, update} of the page on screen

/** '#/stream/account-1?x=1' -> {path: '/stream/account-1', query: URLSearchParams} */
export function parseHash(hash) {
  const raw = (hash || '').replace(/^#/, '') || '/streams';
  const q = raw.indexOf('?');
  return { path: q < 0 ? raw : raw.slice(0, q), query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

function route(reload = false) {
  const { path, query } = parseHash(location.hash);
  if (!reload && current && current.path === path && current.update) {
    current.update(query);
    return;
  }
  current = null;
  if (stopCurrent) {
    try {
      stopCurrent();
    } catch (e) {
      console.error('stopping the previous page failed', e);
    }
    stopCurrent = null;
  }
  const main = document.getElementById('main');
  for (const a of document.querySelectorAll('.sidenav a')) {
    a.removeAttribute('aria-current');
  }
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (m) {
      document.querySelector(`.sidenav a[data-page="${r.nav}"]`)?.setAttribute('aria-current', 'page');
      const args = m.slice(1).map(decodeURIComponent);
      replace(main);
      main.dataset.page = r.nav;
      try {
        const mounted = r.page.mount(main, { args, query });
        const stop = typeof mounted === 'function' ? mounted : mounted && mounted.stop;
        stopCurrent = typeof stop === 'function' ? stop : null;
        current = { path, update: mounted && typeof mounted.update === 'function' ? mounted.update : null };
      } catch (e) {
        replace(main, errorBox(e, 'This page failed to start'));
      }
      return;
    }
  }
  main.dataset.page = 'none';
  replace(main, h('h1', {}, 'Not found'), emptyState(`There is no page at ${path}.`, 'Pick a page on the left.'));
}

function wireKey() {
  const form = document.getElementById('key-form');
  const input = document.getElementById('api-key');
  const state = document.getElementById('key-state');
  const show = () => {
    state.textContent = apiKey() ? 'key set' : 'no key';
    state.classList.toggle('on', Boolean(apiKey()));
  };
  input.value = apiKey();
  show();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    setApiKey(input.value.trim());
    show();
    route(true); // reload the page's data with the new key
  });
  document.getElementById('key-clear').addEventListener('click', () => {
    input.value = '';
    setApiKey('');
    show();
    route(true);
  });
}

// The Kafka export badge, shown when the server runs an export (/health's kafkaExport): how far behind
// the head Kafka is, or why the export failed (the tooltip says where it is and the failure in full).
export function exportBadge(exp) {
  const n = (x) => Number(x || 0).toLocaleString('en-US');
  const where = `${exp.topic}: position ${n(exp.exportedPosition)} of ${n(exp.headPosition)}`
    + `, ${n(Math.round(exp.eventsPerSecond))} events/s`;
  switch (exp.state) {
    case 'running':
      return { text: exp.lag > 0 ? `kafka · ${n(exp.lag)} behind` : 'kafka · up to date', title: where, up: true };
    case 'starting':
      return { text: 'kafka · starting', title: `${exp.topic}: connecting and checking`, up: true };
    case 'failed':
      return { text: 'kafka export failed', title: exp.failure || where, up: false };
    default:
      return { text: 'kafka · stopped', title: where, up: false };
  }
}

function showExport(exp) {
  const el = document.getElementById('kafka-export');
  if (!exp || typeof exp !== 'object' || typeof exp.state !== 'string') {
    el.hidden = true;
    return;
  }
  const badge = exportBadge(exp);
  el.textContent = badge.text;
  el.title = badge.title;
  el.className = 'health ' + (badge.up ? 'up' : 'down');
  el.hidden = false;
}

// The servers sharing this store (/health's nodes), shown when there is more than this one: how many are up;
// the tooltip names each, which one this is, and when a server that is down was last seen.
export function nodesBadge(nodes) {
  const up = nodes.filter((n) => n.up).length;
  const title = nodes.map((n) => `${n.name}${n.self ? ' (this server)' : ''}: `
    + (n.up ? 'up' : `down, last seen ${n.lastSeen}`)).join('\n');
  return { text: `nodes · ${up} of ${nodes.length} up`, title, up: up === nodes.length };
}

function showNodes(nodes) {
  const el = document.getElementById('nodes');
  if (!Array.isArray(nodes) || nodes.length < 2) {
    el.hidden = true;
    return;
  }
  const badge = nodesBadge(nodes);
  el.textContent = badge.text;
  el.title = badge.title;
  el.className = 'health ' + (badge.up ? 'up' : 'down');
  el.hidden = false;
}

// "server up" (with the store's engine when the server names it), "store unavailable" when the server
// runs but cannot read its store (a database away: the reason is the tooltip), else the HTTP status.
async function checkHealth() {
  const el = document.getElementById('health');
  try {
    const res = await fetch('/health', { headers: { Accept: 'application/json' } });
    const body = await res.json().catch(() => ({}));
    showExport(body.kafkaExport);
    showNodes(body.nodes);
    const engine = typeof body.engine === 'string' ? body.engine : '';
    if (res.ok) {
      el.textContent = engine ? `server up · ${engine}` : 'server up';
    } else if (res.status === 503 && body.error === 'unavailable' && engine) {
      el.textContent = `store unavailable · ${engine}`;
    } else {
      el.textContent = `server: HTTP ${res.status}`;
    }
    el.title = typeof body.message === 'string' ? body.message : 'Server health';
    el.className = 'health ' + (res.ok ? 'up' : 'down');
  } catch (e) {
    el.textContent = 'server unreachable';
    el.title = 'Server health';
    el.className = 'health down';
  }
}

wireKey();
window.addEventListener('hashchange', () => route());
route();
checkHealth();
setInterval(checkHealth, 15000);
