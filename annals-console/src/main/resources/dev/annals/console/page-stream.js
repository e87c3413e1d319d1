// One stream at a moment chosen in the URL (#/stream/{s}?at=M, stream-moment.js: the value as known
// then and as valid now, and its chart), its events (paged, data and metadata as collapsible JSON) and time travel:
// a slider for T ("as known at T", GET /streams/{s}?knownAt=T) and one for V ("valid at V, known at T"),
// the folded states side by side where a fold exists (GET /streams/{s}/state), and the events that
// make the two views differ.

import { get, streamPath, ApiError } from './api.js';
import { h, replace, errorBox, emptyState, loading, formatInstant, formatNumber, categoryOf, jsonView, jsonDetails, jsonDiff, debounce, instantMicros, parseUserInstant } from './ui.js';
import { instantsOf, recordedAfter, versionKnownAt, differences } from './timeline.js';
import { moneyNote, eventAmount } from './money.js';
import { momentCard } from './stream-moment.js';

const PAGE_SIZE = 25;
const TIMELINE_PAGE = 1000;
const TIMELINE_CAP = 5000;

export function mount(main, { args, query }) {
  const name = args[0];
  const header = h('div', { class: 'page-head' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/streams' }, 'Streams'), ' / ', h('span', { class: 'mono' }, categoryOf(name))),
    h('h1', { class: 'mono', id: 'stream-name' }, name));
  const summary = h('p', { class: 'lead', id: 'stream-summary' }, loading());
  const travel = h('section', { class: 'card', id: 'time-travel' }, h('h2', {}, 'Time travel'), loading('Loading the timeline…'));
  const eventsSection = h('section', { class: 'card', id: 'events' }, h('h2', {}, 'Events'));
  const moment = momentCard(name);
  main.append(header, summary, moment.el, travel, eventsSection);

  const state = { timeline: [], marks: new Map() };
  const list = eventList(name, eventsSection, state);
  let at = query.get('at');
  let sliders = null; // the time travel, once the timeline is in
  loadTimeline(name, summary, travel, state, list, at).then((tt) => {
    sliders = tt;
    if (state.timeline.length > 0) {
      moment.show(state.timeline, at);
    } else {
      moment.el.hidden = true;
    }
  }).catch((e) => {
    replace(summary, e.code === 'not_found' ? `There is no stream named "${name}" (or it has no events).` : 'The stream could not be read.');
    replace(travel, h('h2', {}, 'Time travel'), errorBox(e));
    moment.el.hidden = true;
  });
  list.load();
  // Another moment of the same stream (a link, the form, back/forward): redraw in place.
  return {
    update(q) {
      at = q.get('at');
      if (sliders) {
        moment.show(state.timeline, at);
        sliders.setMoment(at);
      }
    },
  };
}

// ---- events, paged --------------------------------------------------------------------------------

function eventList(name, section, state) {
  const direction = h('select', { id: 'events-direction', 'aria-label': 'Order' },
    h('option', { value: 'forward' }, 'Oldest first'), h('option', { value: 'backward' }, 'Newest first'));
  const body = h('div', { id: 'events-list' });
  const pager = h('div', { class: 'pager' });
  const toolbar = h('div', { class: 'toolbar' }, h('label', {}, 'Order', direction),
    h('button', { type: 'button', class: 'secondary', id: 'events-expand', onclick: () => toggleAll(body, true) }, 'Expand all'),
    h('button', { type: 'button', class: 'secondary', onclick: () => toggleAll(body, false) }, 'Collapse all'));
  section.append(toolbar, body, pager);

  let froms = [undefined];
  let index = 0;

  async function load() {
    replace(body, loading());
    replace(pager);
    try {
      const page = await get(streamPath(name), { from: froms[index], limit: PAGE_SIZE, direction: direction.value });
      froms[index + 1] = page.next ?? null;
      const events = page.events || [];
      if (events.length === 0) {
        replace(body, emptyState('No events on this page.'));
      } else {
        replace(body, events.map(eventCard));
        applyMarks(body, state.marks);
      }
      replace(pager,
        h('button', { type: 'button', class: 'secondary', disabled: index === 0, onclick: () => { index--; load(); } }, '← Previous'),
        h('span', { class: 'muted' }, `Page ${index + 1}`),
        h('button', { type: 'button', class: 'secondary', id: 'events-next', disabled: page.next === null || page.next === undefined, onclick: () => { index++; load(); } }, 'Next →'));
    } catch (e) {
      replace(body, errorBox(e, 'Reading the stream failed'));
    }
  }

  direction.addEventListener('change', () => {
    froms = [undefined];
    index = 0;
    load();
  });
  return { load, remark: () => applyMarks(body, state.marks) };
}

function toggleAll(container, open) {
  for (const d of container.querySelectorAll('details')) {
    d.open = open;
  }
}

function metaChips(md) {
  const chips = [];
  for (const k of ['actor', 'reason', 'correlationId', 'causationId', 'commandId']) {
    if (md && typeof md[k] === 'string') {
      chips.push(h('span', { class: 'chip' }, h('span', { class: 'chip-key' }, k), ' ', h('span', { class: 'mono' }, md[k])));
    }
  }
  if (md && Array.isArray(md.revokes) && md.revokes.length) {
    chips.push(h('span', { class: 'chip warn' }, h('span', { class: 'chip-key' }, 'revokes'), ' ', h('span', { class: 'mono' }, md.revokes.join(', '))));
  }
  if (md && md.imported === true) {
    chips.push(h('span', { class: 'chip' }, 'imported'));
  }
  return chips;
}

export function eventCard(e) {
  const backdated = e.effectiveAt && e.effectiveAt !== e.recordedAt;
  return h('article', { class: 'event', dataset: { id: e.id, version: e.version } },
    h('header', { class: 'event-head' },
      h('span', { class: 'ev-version mono', title: 'version in the stream' }, 'v' + e.version),
      h('span', { class: 'ev-type' }, e.type),
      h('span', { class: 'ev-pos mono muted', title: 'global position' }, '#' + formatNumber(e.position)),
      h('span', { class: 'ev-time', title: 'recordedAt' }, 'recorded ' + formatInstant(e.recordedAt)),
      backdated ? h('span', { class: 'ev-time effective', title: 'effectiveAt' }, 'effective ' + formatInstant(e.effectiveAt)) : null,
      h('span', { class: 'ev-marks' })),
    h('div', { class: 'event-meta' }, h('span', { class: 'mono muted small', title: 'event id' }, e.id), metaChips(e.metadata)),
    jsonDetails('data', e.data, true, { annotate: moneyNote }),
    jsonDetails('metadata', e.metadata ?? {}, false));
}

/** Marks the event cards the current time travel sets apart (recorded after T, revoked, effective after V). */
function applyMarks(container, marks) {
  for (const card of container.querySelectorAll('article.event')) {
    const m = marks.get(card.dataset.id) || [];
    card.classList.toggle('after-t', m.some((x) => x.kind === 'after-t'));
    card.classList.toggle('differs', m.some((x) => x.kind !== 'after-t'));
    replace(card.querySelector('.ev-marks'), m.map((x) => h('span', { class: 'mark mark-' + x.kind }, x.text)));
  }
}

// ---- time travel -------------------------------------------------------------------------------

async function loadTimeline(name, summary, travel, state, list, at) {
  const all = [];
  let from = 1;
  while (all.length < TIMELINE_CAP) {
    const page = await get(streamPath(name), { from, limit: TIMELINE_PAGE, direction: 'forward' });
    all.push(...(page.events || []));
    if (page.next === null || page.next === undefined || (page.events || []).length === 0) {
      break;
    }
    from = page.next;
  }
  state.timeline = all;
  const truncated = all.length >= TIMELINE_CAP;
  const last = all[all.length - 1];
  replace(summary, `${formatNumber(last ? last.version : 0)}${truncated ? '+' : ''} events · category `,
    h('span', { class: 'mono' }, categoryOf(name)), ` · first recorded ${formatInstant(all[0]?.recordedAt)} · last recorded ${formatInstant(last?.recordedAt)}`);
  if (all.length === 0) {
    replace(travel, h('h2', {}, 'Time travel'), emptyState('This stream has no events.'));
    return null;
  }
  return timeTravel(name, travel, state, list, truncated, at);
}

/** The index of the last instant at or before the moment 'at' (a URL value; null, invalid or before all: the end or the start). */
function stopAt(instants, at) {
  let m;
  try {
    m = at ? instantMicros(parseUserInstant(at)) : Infinity;
  } catch {
    m = Infinity;
  }
  let i = 0;
  while (i + 1 < instants.length && instantMicros(instants[i + 1]) <= m) {
    i++;
  }
  return i;
}

function timeTravel(name, travel, state, list, truncated, at) {
  const tInstants = instantsOf(state.timeline, ['recordedAt']);
  const vInstants = instantsOf(state.timeline, ['recordedAt', 'effectiveAt']);
  const tSlider = h('input', { type: 'range', id: 't-slider', min: 0, max: tInstants.length - 1, step: 1, value: stopAt(tInstants, at), 'aria-label': 'Known at T' });
  const vSlider = h('input', { type: 'range', id: 'v-slider', min: 0, max: vInstants.length - 1, step: 1, value: vInstants.length - 1, 'aria-label': 'Valid at V' });
  const follow = h('input', { type: 'checkbox', id: 'v-follows-t', checked: true });
  const tLabel = h('output', { id: 't-value', class: 'mono' });
  const vLabel = h('output', { id: 'v-value', class: 'mono' });
  const views = h('div', { class: 'views', id: 'views' });
  const diffs = h('div', { id: 'differences' });
  const unknown = h('div', { id: 'after-t' });
  let noFold = null;
  let seq = 0;

  const T = () => tInstants[Number(tSlider.value)];
  const V = () => vInstants[Number(vSlider.value)];

  function syncV() {
    if (follow.checked) {
      vSlider.value = String(vInstants.indexOf(T()));
    }
  }

  function labels() {
    tLabel.textContent = `${formatInstant(T())} — after v${versionKnownAt(state.timeline, T())}`;
    vLabel.textContent = formatInstant(V());
  }

  async function fetchState(params) {
    if (noFold) {
      return { none: noFold };
    }
    try {
      const body = await get(streamPath(name) + '/state', params);
      return { value: body && typeof body === 'object' && 'state' in body ? body.state : body, body };
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        noFold = e;
        return { none: e };
      }
      return { error: e };
    }
  }

  const update = debounce(async () => {
    const my = ++seq;
    const t = T();
    const v = V();
    views.setAttribute('aria-busy', 'true');
    try {
      const [known, valid, knownState, validState] = await Promise.all([
        get(streamPath(name), { knownAt: t, limit: TIMELINE_CAP }),
        get(streamPath(name), { validAt: v, knownAt: t, limit: TIMELINE_CAP }),
        fetchState({ knownAt: t }),
        fetchState({ validAt: v, knownAt: t }),
      ]);
      if (my !== seq) {
        return; // a newer slider position is on its way
      }
      render(t, v, known.events || [], valid.events || [], knownState, validState);
    } catch (e) {
      if (my === seq) {
        replace(views, errorBox(e, 'Time travel failed'));
        replace(diffs);
      }
    } finally {
      if (my === seq) {
        views.removeAttribute('aria-busy');
      }
    }
  }, 120);

  function render(t, v, known, valid, knownState, validState) {
    const diff = differences(known, valid, v);
    const later = recordedAfter(state.timeline, t);
    const marks = new Map();
    for (const e of later) {
      marks.set(e.id, [{ kind: 'after-t', text: 'unknown at T' }]);
    }
    for (const d of diff) {
      marks.set(d.event.id, d.reasons.map((r) => ({ kind: r.kind, text: r.text })));
    }
    state.marks = marks;
    list.remark();

    const changed = knownState.value !== undefined && validState.value !== undefined ? jsonDiff(knownState.value, validState.value) : new Set();
    replace(views,
      viewColumn('known', `Known at T`, formatInstant(t), knownState, new Set(), known, marks),
      viewColumn('valid', `Valid at V, known at T`, `V ${formatInstant(v)}`, validState, changed, valid, marks));
    views.dataset.t = t;
    views.dataset.v = v;
    replace(diffs, h('h3', {}, 'What makes them differ'),
      diff.length === 0
        ? emptyState('Nothing: at these times both views agree.', 'Move V before an event\'s effective time, or T past a correction, to see them part.')
        : h('ul', { class: 'diff-list' }, diff.map((d) => h('li', { class: 'diff-item', dataset: { id: d.event.id } },
          h('span', { class: 'mono' }, 'v' + d.event.version), ' ', h('span', { class: 'ev-type' }, d.event.type), ' ',
          d.reasons.map((r) => h('span', { class: 'mark mark-' + r.kind }, r.text))))));
    replace(unknown, later.length === 0 ? null
      : h('p', { class: 'muted' }, `${later.length} event${later.length === 1 ? '' : 's'} recorded after T (unknown at T): `,
        later.slice(0, 20).map((e) => h('span', { class: 'mark mark-after-t' }, `v${e.version} ${e.type}`)), later.length > 20 ? ' …' : ''));
  }

  tSlider.addEventListener('input', () => {
    syncV();
    labels();
    update();
  });
  vSlider.addEventListener('input', () => {
    follow.checked = false;
    labels();
    update();
  });
  follow.addEventListener('change', () => {
    syncV();
    labels();
    update();
  });

  replace(travel,
    h('h2', {}, 'Time travel'),
    h('p', { class: 'muted' }, 'T: what the system knew (events recorded by T). V: what was in effect at V, as known at T (effectiveAt ≤ V, revoked events left out).',
      truncated ? ` The sliders cover the first ${TIMELINE_CAP} events.` : ''),
    h('div', { class: 'sliders' },
      h('label', { for: 't-slider' }, 'Known at T'), tSlider, tLabel,
      h('label', { for: 'v-slider' }, 'Valid at V'), vSlider, vLabel,
      h('span', {}), h('label', { class: 'check' }, follow, ' V follows T'), h('span', {})),
    views, diffs, unknown);
  syncV();
  labels();
  update();
  return {
    /** Puts T at the moment (V following it), as a new URL moment asks. */
    setMoment(next) {
      tSlider.value = String(stopAt(tInstants, next));
      follow.checked = true;
      syncV();
      labels();
      update();
    },
  };
}

function viewColumn(kind, title, subtitle, st, highlight, events, marks) {
  let stateEl;
  if (st.none) {
    stateEl = h('div', { class: 'no-fold' }, h('p', {}, 'No state fold: the server has none registered for this stream\'s category, so only the events are shown.'),
      h('p', { class: 'muted small' }, 'Server said: ', h('code', {}, st.none.code), ' ', st.none.message));
  } else if (st.error) {
    stateEl = errorBox(st.error, 'State');
  } else {
    stateEl = jsonView(st.value, { highlight, collapseDepth: 4, annotate: moneyNote });
  }
  return h('div', { class: 'view view-' + kind, id: 'view-' + kind },
    h('h3', {}, title, ' ', h('span', { class: 'muted small mono' }, subtitle)),
    h('div', { class: 'state', id: 'state-' + kind }, stateEl),
    h('ol', { class: 'mini-events' }, events.map((e) => {
      const m = marks.get(e.id) || [];
      return h('li', { class: m.length ? 'differs' : '', dataset: { id: e.id } },
        h('span', { class: 'mono' }, 'v' + e.version), ' ', h('span', { class: 'ev-type' }, e.type),
        eventAmount(e.data) ? h('span', { class: 'mono money' }, ' ' + eventAmount(e.data)) : null,
        h('span', { class: 'muted small' }, ' eff. ' + formatInstant(e.effectiveAt)));
    })),
    events.length === 0 ? emptyState('No events in this view.') : null);
}
