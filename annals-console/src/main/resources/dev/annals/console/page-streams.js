// Streams: search by name prefix and category, with each stream's event count and last activity.
// GET /streams?prefix=&category=&after=&limit= -> {"streams": [{stream, version, lastPosition, lastRecordedAt}], "next"}

import { get } from './api.js';
import { h, replace, errorBox, emptyState, loading, formatInstant, relativeTime, formatNumber, streamLink, categoryOf } from './ui.js';

const PAGE_SIZE = 50;

export function mount(main, { query }) {
  const prefix = h('input', { id: 'streams-prefix', name: 'prefix', placeholder: 'e.g. account-', value: query.get('prefix') || '', spellcheck: 'false' });
  const category = h('input', { id: 'streams-category', name: 'category', placeholder: 'e.g. account', value: query.get('category') || '', spellcheck: 'false' });
  const results = h('div', { id: 'streams-results' });
  const form = h('form', { class: 'toolbar', id: 'streams-form' },
    h('label', {}, 'Name starts with', prefix),
    h('label', {}, 'Category', category),
    h('button', { type: 'submit' }, 'Search'));

  // The pages already seen, so "Previous" works: cursors[i] is the 'after' of page i.
  let cursors = [''];
  let pageIndex = 0;

  async function load() {
    replace(results, loading());
    try {
      const body = await get('/streams', { prefix: prefix.value.trim(), category: category.value.trim(), after: cursors[pageIndex], limit: PAGE_SIZE });
      const rows = body.streams || [];
      cursors[pageIndex + 1] = body.next ?? null;
      render(rows, body.next ?? null);
    } catch (e) {
      replace(results, errorBox(e, 'Listing streams failed'));
    }
  }

  function render(rows, next) {
    if (rows.length === 0) {
      const filtered = prefix.value.trim() || category.value.trim();
      replace(results, emptyState(filtered ? 'No stream matches this search.' : 'The store has no streams yet.',
        filtered ? 'Try a shorter prefix or another category.' : 'Append an event (POST /streams/{stream}) and it shows up here.'));
      return;
    }
    const table = h('table', { class: 'grid', id: 'streams-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Stream'), h('th', {}, 'Category'), h('th', { class: 'num' }, 'Events'),
        h('th', { class: 'num' }, 'Last position'), h('th', {}, 'Last activity'))),
      h('tbody', {}, rows.map((s) => h('tr', { dataset: { stream: s.stream } },
        h('td', {}, streamLink(s.stream)),
        h('td', { class: 'mono' }, categoryOf(s.stream)),
        h('td', { class: 'num' }, formatNumber(s.version)),
        h('td', { class: 'num mono' }, formatNumber(s.lastPosition)),
        h('td', { title: formatInstant(s.lastRecordedAt) }, relativeTime(s.lastRecordedAt), h('span', { class: 'muted small' }, ' · ' + formatInstant(s.lastRecordedAt)))))));
    const pager = h('div', { class: 'pager' },
      h('button', { type: 'button', class: 'secondary', disabled: pageIndex === 0, onclick: () => { pageIndex--; load(); } }, '← Previous'),
      h('span', { class: 'muted' }, `Page ${pageIndex + 1} · ${rows.length} stream${rows.length === 1 ? '' : 's'}`),
      h('button', { type: 'button', class: 'secondary', id: 'streams-next', disabled: next === null, onclick: () => { pageIndex++; load(); } }, 'Next →'));
    replace(results, table, pager);
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    cursors = [''];
    pageIndex = 0;
    const q = new URLSearchParams();
    if (prefix.value.trim()) q.set('prefix', prefix.value.trim());
    if (category.value.trim()) q.set('category', category.value.trim());
    history.replaceState(null, '', '#/streams' + (q.toString() ? '?' + q : ''));
    load();
  });

  const goName = h('input', { id: 'stream-open-name', placeholder: 'e.g. account-42', spellcheck: 'false', 'aria-label': 'Stream name' });
  const go = h('form', { class: 'toolbar open-stream', id: 'stream-open' },
    h('label', {}, 'Open a stream by its exact name', goName), h('button', { type: 'submit', class: 'secondary' }, 'Open'));
  go.addEventListener('submit', (e) => {
    e.preventDefault();
    if (goName.value.trim()) {
      location.hash = '#/stream/' + encodeURIComponent(goName.value.trim());
    }
  });

  main.append(h('h1', {}, 'Streams'), h('p', { class: 'lead' }, 'Find a stream by the start of its name or its category (the part before the first "-").'), form, results, go);
  load();
}
