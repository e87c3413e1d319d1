// Small DOM and formatting helpers shared by the pages. No framework: h() builds elements.

/**
 * h('div', {class: 'x', onclick: fn, dataset: {id: 1}}, child, 'text', [more]) -> Element.
 * Children may be strings, numbers, Nodes, arrays, or null/false (skipped).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) {
      continue;
    }
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (k === 'class') {
      el.className = v;
    } else if (k === 'text') {
      el.textContent = v;
    } else if (k in el && typeof v !== 'string') {
      el[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) {
      continue;
    }
    if (Array.isArray(c)) {
      append(el, c);
    } else {
      el.append(c instanceof Node ? c : String(c));
    }
  }
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** An error shown as it came: the server's code, HTTP status and message. */
export function errorBox(err, context) {
  const code = err && err.code ? err.code : (err && err.name) || 'error';
  const status = err && err.status ? ` (HTTP ${err.status})` : '';
  const msg = (err && err.message) || String(err);
  return h('div', { class: 'error', role: 'alert' },
    context ? h('span', { class: 'error-context' }, context + ': ') : null,
    h('code', { class: 'error-code' }, code), status, ' — ', h('span', { class: 'error-message' }, msg));
}

/** A clear empty state: what is missing and what to do about it. */
export function emptyState(title, hint) {
  return h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, title), hint ? h('p', { class: 'empty-hint' }, hint) : null);
}

export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', 'aria-busy': 'true' }, text);
}

// ---- time -------------------------------------------------------------------------------------------

const ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Microseconds since the epoch of an ISO-8601 instant (keeps the server's microseconds, which Date drops). */
export function instantMicros(iso) {
  const m = ISO.exec(iso || '');
  if (!m) {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) {
      throw new Error('not an instant: ' + iso);
    }
    return ms * 1000;
  }
  const seconds = Date.parse(m[1] + m[3]);
  const frac = (m[2] || '').padEnd(6, '0').slice(0, 6);
  return seconds * 1000 + Number(frac);
}

/** ISO-8601 UTC with microseconds, as the server writes instants. */
export function isoFromMicros(micros) {
  const ms = Math.floor(micros / 1000);
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = String(micros - Math.floor(micros / 1_000_000) * 1_000_000).padStart(6, '0');
  return `${base}.${frac}Z`;
}

/** '2026-11-26 17:31:04.123456' (UTC) for display. */
export function formatInstant(iso) {
  if (!iso) {
    return '—';
  }
  try {
    return isoFromMicros(instantMicros(iso)).replace('T', ' ').replace('Z', ' UTC');
  } catch {
    return iso;
  }
}

/** '3 min ago' relative to now. */
export function relativeTime(iso, nowMs = Date.now()) {
  if (!iso) {
    return '';
  }
  const s = Math.round((nowMs - instantMicros(iso) / 1000) / 1000);
  const abs = Math.abs(s);
  const unit = abs < 60 ? [abs, 's'] : abs < 3600 ? [Math.round(abs / 60), 'min'] : abs < 86400 ? [Math.round(abs / 3600), 'h'] : [Math.round(abs / 86400), 'd'];
  return s >= 0 ? `${unit[0]} ${unit[1]} ago` : `in ${unit[0]} ${unit[1]}`;
}

/**
 * An instant typed by a person, read as UTC: '2026-11-26', '2026-11-26 17:30', '2026-11-26T17:30:05.5Z'.
 * Returns the ISO string the server takes, or throws with a message saying what is accepted.
 */
export function parseUserInstant(text) {
  const t = text.trim().replace(' ', 'T');
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(t);
  if (!m) {
    throw new Error(`"${text}" is not a time; use UTC like 2026-11-26 or 2026-11-26 17:30 or 2026-11-26T17:30:05Z`);
  }
  const iso = `${m[1]}T${m[2] || '00:00'}${m[3] || ':00'}${m[4] || 'Z'}`;
  return isoFromMicros(instantMicros(iso));
}

export function formatDuration(seconds) {
  if (seconds === undefined || seconds === null || !Number.isFinite(seconds)) {
    return '—';
  }
  if (seconds < 10) {
    return `${Math.max(0, seconds).toFixed(1)} s`;
  }
  const s = Math.round(seconds);
  if (s < 60) {
    return `${s} s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min ${s % 60} s`;
  }
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function formatNumber(n) {
  return n === undefined || n === null || Number.isNaN(n) ? '—' : Number(n).toLocaleString('en-US');
}

/** The part of a stream name before the first '-' (docs/http-api.md). */
export function categoryOf(stream) {
  const i = stream.indexOf('-');
  return i < 0 ? stream : stream.slice(0, i);
}

export function streamLink(stream) {
  return h('a', { class: 'mono', href: '#/stream/' + encodeURIComponent(stream) }, stream);
}

// ---- JSON -------------------------------------------------------------------------------------------

/**
 * A collapsible, syntax-coloured JSON tree. Every value's line carries data-path (a JSON pointer);
 * paths in opts.highlight get the class 'changed'. opts.annotate(value, key, parentKey) may return a
 * short note shown after a scalar (the money reading of an amount in cents), the raw value kept.
 */
export function jsonView(value, opts = {}) {
  const highlight = opts.highlight || new Set();
  const root = h('div', { class: 'json mono' });
  const ctx = { highlight, collapseDepth: opts.collapseDepth ?? 3, annotate: opts.annotate || null };
  root.append(jsonNode(value, '', null, null, true, ctx, 0));
  return root;
}

function scalar(value) {
  if (value === null) {
    return h('span', { class: 'j-null' }, 'null');
  }
  switch (typeof value) {
    case 'string':
      return h('span', { class: 'j-str' }, JSON.stringify(value));
    case 'number':
      return h('span', { class: 'j-num' }, String(value));
    case 'boolean':
      return h('span', { class: 'j-bool' }, String(value));
    default:
      return h('span', {}, String(value));
  }
}

function jsonNode(value, path, key, parentKey, last, ctx, depth) {
  const keyEl = key === null ? null : [h('span', { class: 'j-key' }, JSON.stringify(key)), ': '];
  const comma = last ? '' : ',';
  const changed = ctx.highlight.has(path) ? ' changed' : '';
  if (value === null || typeof value !== 'object') {
    const note = ctx.annotate ? ctx.annotate(value, key, parentKey) : null;
    return h('div', { class: 'j-line' + changed, dataset: { path } }, keyEl, scalar(value), comma,
      note ? h('span', { class: 'j-note', title: 'read as money: an amount in cents' }, note) : null);
  }
  const isArray = Array.isArray(value);
  const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return h('div', { class: 'j-line' + changed, dataset: { path } }, keyEl, open + close, comma);
  }
  const children = h('div', { class: 'j-children' });
  entries.forEach(([k, v], i) => {
    const childPath = path + '/' + String(k).replaceAll('~', '~0').replaceAll('/', '~1');
    children.append(jsonNode(v, childPath, isArray ? null : k, key, i === entries.length - 1, ctx, depth + 1));
  });
  const summary = h('span', { class: 'j-summary' }, ` ${entries.length} ${isArray ? 'items' : 'keys'} `);
  const toggle = h('button', { class: 'j-toggle', type: 'button', 'aria-label': 'collapse', 'aria-expanded': 'true' }, '▾');
  const node = h('div', { class: 'j-node' + changed, dataset: { path } },
    h('div', { class: 'j-line' }, toggle, keyEl, open, summary), children, h('div', { class: 'j-line j-close' }, close, comma));
  toggle.addEventListener('click', () => {
    const collapsed = node.classList.toggle('collapsed');
    toggle.textContent = collapsed ? '▸' : '▾';
    toggle.setAttribute('aria-expanded', String(!collapsed));
  });
  if (depth >= ctx.collapseDepth) {
    node.classList.add('collapsed');
    toggle.textContent = '▸';
    toggle.setAttribute('aria-expanded', 'false');
  }
  return node;
}

/** The JSON pointers where a and b differ (changed, added or removed leaves, and their containers). */
export function jsonDiff(a, b, path = '', out = new Set()) {
  const isObj = (v) => v !== null && typeof v === 'object';
  if (!isObj(a) || !isObj(b) || Array.isArray(a) !== Array.isArray(b)) {
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.add(path);
    }
    return out;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const p = path + '/' + String(k).replaceAll('~', '~0').replaceAll('/', '~1');
    if (!(k in a) || !(k in b)) {
      out.add(p);
    } else {
      jsonDiff(a[k], b[k], p, out);
    }
  }
  return out;
}

/** A labelled <details> holding a JSON tree, closed unless open is true. */
export function jsonDetails(label, value, open = false, opts = {}) {
  const d = h('details', { class: 'json-details', open }, h('summary', {}, label));
  d.append(jsonView(value, opts));
  return d;
}

/** Wires a debounced callback. */
export function debounce(fn, ms) {
  let t = null;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}
