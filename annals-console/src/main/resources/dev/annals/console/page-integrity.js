// Integrity: runs POST /admin/verify (checksums, the SHA-256 hash chain and the indexes, docs/storage.md)
// and shows the result and the head hash.

import { post } from './api.js';
import { h, replace, errorBox, emptyState, formatNumber, jsonView } from './ui.js';

export function mount(main) {
  const run = h('button', { type: 'button', id: 'verify-run' }, 'Run verify');
  const result = h('div', { id: 'verify-result' }, emptyState('Not verified yet in this session.', 'Verify reads the whole log: it may take a while on a large store. It needs an admin key when auth is on.'));
  main.append(h('h1', {}, 'Integrity'),
    h('p', { class: 'lead' }, 'Checks every checksum, the whole hash chain and every index against the log.'),
    h('div', { class: 'toolbar' }, run), result);

  run.addEventListener('click', async () => {
    run.disabled = true;
    const started = performance.now();
    replace(result, h('p', { class: 'loading', 'aria-busy': 'true' }, 'Verifying…'));
    try {
      const body = await post('/admin/verify');
      const seconds = (performance.now() - started) / 1000;
      render(result, body || {}, seconds);
    } catch (e) {
      replace(result, errorBox(e, 'Verify failed to run'));
    } finally {
      run.disabled = false;
    }
  });
}

function render(result, body, seconds) {
  const ok = body.ok === true;
  const problems = Array.isArray(body.problems) ? body.problems : [];
  replace(result,
    h('div', { class: 'verdict ' + (ok ? 'ok' : 'bad'), id: 'verify-verdict', role: 'status' },
      h('span', { class: 'verdict-icon', 'aria-hidden': 'true' }, ok ? '✓' : '✗'),
      ok ? 'The store verified: no problem found.' : `The store did NOT verify: ${problems.length} problem${problems.length === 1 ? '' : 's'}.`),
    h('dl', { class: 'stats' },
      h('div', { class: 'stat' }, h('dt', {}, 'Events checked'), h('dd', { class: 'mono', id: 'verify-events' }, formatNumber(body.events))),
      h('div', { class: 'stat' }, h('dt', {}, 'Took'), h('dd', { class: 'mono' }, seconds.toFixed(2) + ' s'))),
    h('div', { class: 'head-hash' },
      h('h3', {}, 'Head hash'),
      h('code', { class: 'hash', id: 'verify-head-hash' }, body.headHash ?? (body.events === 0 ? '(none: the store is empty)' : '(none: this store keeps no hash chain)')),
      body.headHash ? h('button', { type: 'button', class: 'secondary small', onclick: (e) => copy(body.headHash, e.target) }, 'Copy') : null,
      h('p', { class: 'muted small' }, 'Keep this hash somewhere else: if the log is ever rewritten, its head hash changes.')),
    problems.length
      ? h('section', {}, h('h3', {}, 'Problems'), h('ol', { class: 'problems', id: 'verify-problems' },
        problems.map((p) => h('li', {}, typeof p === 'string' ? p : jsonView(p, { collapseDepth: 1 })))))
      : null);
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Select and copy';
  }
}
