// Audit: events by actor, correlationId and time range (GET /audit), and the causation tree of one
// correlation, built in the browser from metadata.causationId.

import { get, AUDIT_PARAMS } from './api.js';
import { h, replace, errorBox, emptyState, loading, formatInstant, formatNumber, streamLink, jsonDetails, parseUserInstant } from './ui.js';
import { causationTree } from './causation.js';

const PAGE_SIZE = 50;
const TREE_CAP = 2000;

export function mount(main, { query }) {
  const actor = h('input', { id: 'audit-actor', placeholder: 'e.g. alice', value: query.get('actor') || '', spellcheck: 'false' });
  const correlation = h('input', { id: 'audit-correlation', placeholder: 'correlation id', value: query.get('correlationId') || '', spellcheck: 'false' });
  // Placeholders come from the log itself (its first and last events), so the examples are in range.
  const from = h('input', { id: 'audit-from', placeholder: 'YYYY-MM-DD HH:MM', value: query.get('from') || '' });
  const to = h('input', { id: 'audit-to', placeholder: 'YYYY-MM-DD HH:MM', value: query.get('to') || '' });
  const span = h('p', { class: 'muted small', id: 'audit-span' });
  const form = h('form', { class: 'toolbar', id: 'audit-form' },
    h('label', {}, 'Actor', actor), h('label', {}, 'Correlation id', correlation),
    h('label', {}, 'From (UTC)', from), h('label', {}, 'To (UTC)', to),
    h('button', { type: 'submit' }, 'Search'));
  const results = h('div', { id: 'audit-results' });
  const tree = h('section', { class: 'card', id: 'causation', hidden: true });
  main.append(h('h1', {}, 'Audit'), h('p', { class: 'lead' }, 'Who did what, when, and why: search by actor, correlation and time.'), form, span, results, tree);
  examplesFromTheLog(actor, correlation, from, to, span);

  let cursors = [undefined];
  let index = 0;
  let params = null;

  function readForm() {
    return {
      actor: actor.value.trim(),
      correlationId: correlation.value.trim(),
      [AUDIT_PARAMS.since]: from.value.trim() ? parseUserInstant(from.value) : '',
      [AUDIT_PARAMS.until]: to.value.trim() ? parseUserInstant(to.value) : '',
    };
  }

  async function search() {
    replace(results, loading());
    try {
      const body = await get('/audit', { ...params, limit: PAGE_SIZE, [AUDIT_PARAMS.next]: cursors[index] });
      cursors[index + 1] = body.next ?? null;
      render(body.events || [], body.next ?? null);
    } catch (e) {
      replace(results, errorBox(e, 'The audit search failed'));
    }
  }

  function render(events, next) {
    if (events.length === 0) {
      replace(results, emptyState('No event matches.', 'Widen the time range or check the actor\'s and correlation\'s spelling.'));
      return;
    }
    const table = h('table', { class: 'grid', id: 'audit-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Recorded'), h('th', {}, 'Actor'), h('th', {}, 'Stream'), h('th', {}, 'Type'), h('th', {}, 'Reason'), h('th', {}, 'Correlation'), h('th', {}, 'Details'))),
      h('tbody', {}, events.map((e) => {
        const md = e.metadata || {};
        return h('tr', { dataset: { id: e.id } },
          h('td', {}, formatInstant(e.recordedAt)),
          h('td', { class: 'mono' }, md.actor || '—'),
          h('td', {}, streamLink(e.stream), h('span', { class: 'muted mono' }, ' v' + e.version)),
          h('td', {}, h('span', { class: 'ev-type' }, e.type)),
          h('td', {}, md.reason || ''),
          h('td', {}, md.correlationId
            ? h('button', { type: 'button', class: 'link mono tree-link', title: 'Show the causation tree', onclick: () => showTree(md.correlationId) }, md.correlationId)
            : '—'),
          h('td', {}, jsonDetails('data', e.data), jsonDetails('metadata', md)));
      })));
    replace(results, table, h('div', { class: 'pager' },
      h('button', { type: 'button', class: 'secondary', disabled: index === 0, onclick: () => { index--; search(); } }, '← Previous'),
      h('span', { class: 'muted' }, `Page ${index + 1} · ${events.length} event${events.length === 1 ? '' : 's'}`),
      h('button', { type: 'button', class: 'secondary', id: 'audit-next', disabled: next === null, onclick: () => { index++; search(); } }, 'Next →')));
  }

  async function showTree(correlationId) {
    tree.hidden = false;
    replace(tree, h('h2', {}, 'Causation tree ', h('span', { class: 'mono small' }, correlationId)), loading());
    try {
      const events = [];
      let cursor;
      while (events.length < TREE_CAP) {
        const body = await get('/audit', { correlationId, limit: 500, [AUDIT_PARAMS.next]: cursor });
        events.push(...(body.events || []));
        if (body.next === null || body.next === undefined || (body.events || []).length === 0) {
          break;
        }
        cursor = body.next;
      }
      const roots = causationTree(events);
      replace(tree, h('h2', {}, 'Causation tree ', h('span', { class: 'mono small' }, correlationId)),
        h('p', { class: 'muted' }, `${events.length} events in this correlation${events.length >= TREE_CAP ? ' (first ' + TREE_CAP + ')' : ''}. A child was caused by its parent (metadata.causationId).`),
        roots.length ? h('ul', { class: 'tree', id: 'causation-tree' }, roots.map(treeNode)) : emptyState('No events carry this correlation id.'));
      tree.scrollIntoView({ block: 'nearest' });
    } catch (e) {
      replace(tree, h('h2', {}, 'Causation tree'), errorBox(e, 'Loading the correlation failed'));
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    try {
      params = readForm();
    } catch (e) {
      replace(results, errorBox({ code: 'invalid_input', message: e.message }));
      return;
    }
    cursors = [undefined];
    index = 0;
    const q = new URLSearchParams(Object.entries({ actor: actor.value.trim(), correlationId: correlation.value.trim(), from: from.value.trim(), to: to.value.trim() }).filter(([, v]) => v));
    history.replaceState(null, '', '#/audit' + (q.toString() ? '?' + q : ''));
    search();
  });

  if ([actor, correlation, from, to].some((i) => i.value)) {
    form.requestSubmit();
  } else {
    replace(results, emptyState('Search the log by who, which correlation, or when.', 'Leave a field empty to not filter by it.'));
  }
}

function treeNode(node) {
  if (!node.event) {
    return h('li', { class: 'tree-node virtual', dataset: { cause: node.cause } },
      h('div', { class: 'tree-label' }, node.command ? 'command ' : 'caused by ', h('span', { class: 'mono' }, node.cause),
        h('span', { class: 'muted' }, node.command ? ' (the events it wrote)' : ' (not an event of this correlation)')),
      node.children.length ? h('ul', {}, node.children.map(treeNode)) : null);
  }
  const e = node.event;
  const md = e.metadata || {};
  return h('li', { class: 'tree-node', dataset: { id: e.id } },
    h('div', { class: 'tree-label' },
      h('span', { class: 'ev-type' }, e.type), ' on ', streamLink(e.stream), h('span', { class: 'muted mono' }, ' v' + e.version),
      md.actor ? h('span', { class: 'chip' }, md.actor) : null,
      h('span', { class: 'muted small' }, ' ' + formatInstant(e.recordedAt)),
      h('span', { class: 'muted mono small' }, ' ' + e.id)),
    node.children.length ? h('ul', {}, node.children.map(treeNode)) : null);
}

/** 'YYYY-MM-DD HH:MM' (UTC) of an instant, as the time fields take it. */
function minutes(iso) {
  return iso.slice(0, 10) + ' ' + iso.slice(11, 16);
}

/** Fills the placeholders from the log's first and last events: its time span, an actor and a correlation it holds. */
async function examplesFromTheLog(actor, correlation, from, to, span) {
  try {
    const [first, last] = await Promise.all([get('/all', { limit: 1 }), get('/all', { limit: 1, direction: 'backward' })]);
    const a = (first.events || [])[0];
    const z = (last.events || [])[0];
    if (!a || !z) {
      span.textContent = 'The log is empty: nothing to search yet.';
      return;
    }
    from.placeholder = minutes(a.recordedAt);
    to.placeholder = minutes(z.recordedAt);
    const md = (e) => e.metadata || {};
    const someActor = md(z).actor || md(a).actor;
    const someCorrelation = md(z).correlationId || md(a).correlationId;
    if (typeof someActor === 'string') {
      actor.placeholder = 'e.g. ' + someActor;
    }
    if (typeof someCorrelation === 'string') {
      correlation.placeholder = 'e.g. ' + someCorrelation;
    }
    span.textContent = `The log holds events recorded from ${minutes(a.recordedAt)} to ${minutes(z.recordedAt)} UTC (positions ${formatNumber(a.position)} to ${formatNumber(z.position)}).`;
  } catch {
    // The examples are a nicety: the search works without them (a failing search shows its own error).
  }
}
