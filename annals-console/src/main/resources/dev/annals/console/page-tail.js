// Live tail of the global log over Server-Sent Events (GET /subscribe/all, read by sse.js), with type
// and category filters. Pause closes the connection but keeps the last position seen; resume reconnects from the
// position after it, so nothing appended meanwhile is lost.

import { get } from './api.js';
import { subscribe } from './sse.js';
import { h, replace, errorBox, emptyState, formatInstant, formatNumber, streamLink, jsonDetails } from './ui.js';

const MAX_ROWS = 500;

export function mount(main) {
  const types = h('input', { id: 'tail-types', placeholder: 'e.g. Deposited,Withdrawn', spellcheck: 'false' });
  const category = h('input', { id: 'tail-category', placeholder: 'e.g. account', spellcheck: 'false' });
  const startBtn = h('button', { type: 'submit', id: 'tail-start' }, 'Start');
  const pauseBtn = h('button', { type: 'button', id: 'tail-pause', class: 'secondary', disabled: true }, 'Pause');
  const clearBtn = h('button', { type: 'button', id: 'tail-clear', class: 'secondary' }, 'Clear');
  const status = h('span', { id: 'tail-status', class: 'status idle' }, 'stopped');
  const count = h('span', { id: 'tail-count', class: 'mono' }, '0');
  const lastSeen = h('span', { id: 'tail-last', class: 'mono' }, '—');
  const problem = h('div', { id: 'tail-error' });
  const rows = h('tbody', { id: 'tail-rows' });
  const empty = emptyState('No events yet.', 'Press Start to follow new events as they are appended.');
  const table = h('table', { class: 'grid tail', hidden: true },
    h('thead', {}, h('tr', {}, h('th', { class: 'num' }, 'Position'), h('th', {}, 'Recorded'), h('th', {}, 'Stream'), h('th', {}, 'Type'), h('th', {}, 'Details'))), rows);
  const form = h('form', { class: 'toolbar', id: 'tail-form' },
    h('label', {}, 'Types (comma-separated)', types), h('label', {}, 'Category', category), startBtn, pauseBtn, clearBtn);

  main.append(h('h1', {}, 'Live tail'),
    h('p', { class: 'lead' }, 'New events of the global log as they are appended.'),
    form,
    h('p', { class: 'tail-stats' }, 'Status: ', status, ' · received: ', count, ' · last position: ', lastSeen),
    problem, empty, table);

  let source = null;
  let received = 0;
  let lastPosition = null; // the last position delivered; resume starts right after it
  let resumeFrom = null; // when paused before any event arrived: the head at pause time + 1
  let running = false;
  let filters = {};

  function setStatus(text, cls) {
    status.textContent = text;
    status.className = 'status ' + cls;
  }

  function connect(from) {
    close();
    replace(problem);
    setStatus('connecting…', 'connecting');
    source = subscribe('/subscribe/all', { from, ...filters }, {
      onOpen: () => {
        setStatus('live', 'live');
        replace(problem);
      },
      onEvent: onEvent,
      onNamed: (name, data) => {
        // The server ends a stream with a named event: 'shutdown' (it is stopping) or 'error' (with a body).
        if (name === 'shutdown' || name === 'error') {
          close();
          stopped(name === 'shutdown' ? 'the server is shutting down' : 'the subscription failed', data);
        }
      },
      onRetry: (err, delay) => {
        setStatus(`reconnecting in ${Math.round(delay / 100) / 10} s…`, 'connecting');
        replace(problem, errorBox(err, 'The event stream dropped; reconnecting from the last position seen'));
      },
      onFail: (err) => {
        source = null;
        setStatus('refused', 'error');
        replace(problem, errorBox(err, 'The subscription was refused'));
        running = false;
        pauseBtn.textContent = 'Resume';
        pauseBtn.disabled = false;
      },
    });
  }

  function stopped(what, data) {
    let body = null;
    try {
      body = JSON.parse(data);
    } catch {
      body = null;
    }
    setStatus('disconnected', 'error');
    replace(problem, errorBox({ code: (body && body.error) || 'closed', message: (body && (body.message || body.reason)) || String(data) }, 'The server closed the event stream: ' + what));
    running = false;
    pauseBtn.textContent = 'Resume';
    pauseBtn.disabled = false;
  }

  function onEvent(m) {
    let e;
    try {
      e = JSON.parse(m.data);
    } catch (err) {
      replace(problem, errorBox({ code: 'bad_event', message: 'An event could not be read as JSON: ' + String(m.data).slice(0, 200) }));
      return;
    }
    received++;
    const pos = Number(m.id ?? e.position);
    if (Number.isFinite(pos)) {
      lastPosition = pos;
    }
    count.textContent = formatNumber(received);
    lastSeen.textContent = lastPosition === null ? '—' : String(lastPosition);
    empty.hidden = true;
    table.hidden = false;
    rows.prepend(h('tr', { class: 'fresh', dataset: { position: e.position } },
      h('td', { class: 'num mono' }, formatNumber(e.position)),
      h('td', {}, formatInstant(e.recordedAt)),
      h('td', {}, streamLink(e.stream), h('span', { class: 'muted mono' }, ' v' + e.version)),
      h('td', {}, h('span', { class: 'ev-type' }, e.type)),
      h('td', {}, jsonDetails('data', e.data), jsonDetails('metadata', e.metadata ?? {}))));
    while (rows.children.length > MAX_ROWS) {
      rows.lastChild.remove();
    }
  }

  function close() {
    if (source) {
      source.close();
      source = null;
    }
  }

  async function pause() {
    close();
    running = false;
    setStatus('paused', 'paused');
    pauseBtn.textContent = 'Resume';
    if (lastPosition === null) {
      // Nothing arrived yet: remember the head so resuming misses nothing appended while paused.
      try {
        const body = await get('/head');
        resumeFrom = Number(body.head) + 1;
      } catch (e) {
        replace(problem, errorBox(e, 'Could not read the head position; resume will start at the end'));
      }
    }
  }

  function resume() {
    running = true;
    pauseBtn.textContent = 'Pause';
    const from = lastPosition !== null ? lastPosition + 1 : resumeFrom ?? 'end';
    connect(from);
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    filters = {
      types: types.value.split(',').map((s) => s.trim()).filter(Boolean).join(','),
      category: category.value.trim(),
    };
    lastPosition = null;
    resumeFrom = null;
    running = true;
    startBtn.textContent = 'Restart';
    pauseBtn.disabled = false;
    pauseBtn.textContent = 'Pause';
    connect('end');
  });
  pauseBtn.addEventListener('click', () => (running ? pause() : resume()));
  clearBtn.addEventListener('click', () => {
    rows.replaceChildren();
    received = 0;
    count.textContent = '0';
    table.hidden = true;
    empty.hidden = false;
  });

  return close;
}
