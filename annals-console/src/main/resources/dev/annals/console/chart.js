// A small inline-SVG step chart (no library): values that hold until the next point, as a folded
// state does between events. Used for a stream's value over time, as known then and as valid now.
//
// stepChart({
//   series: [{key, label, points: [{x, y}]}],  // x in microseconds since the epoch, sorted or not
//   xMin, xMax,                                  // the window shown; each series holds its last y to xMax
//   markers: [{x, y?, label, key}],              // events worth pointing at (a correction)
//   moment: {x, label} | null,                   // the chosen moment, a vertical rule
//   yFormat, xFormat,                            // tick labels
//   onPick: (x) => void,                         // a click in the plot picks an instant
// }) -> <svg>

const NS = 'http://www.w3.org/2000/svg';
const W = 960;
const H = 250;
const PAD = { left: 84, right: 16, top: 18, bottom: 28 };

function el(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) {
      e.setAttribute(k, String(v));
    }
  }
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

/** About n round tick values covering [lo, hi]. */
export function niceTicks(lo, hi, n = 4) {
  if (!(hi > lo)) {
    return [lo];
  }
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push(Math.round(t * 1e6) / 1e6);
  }
  return ticks;
}

const MINUTE = 60_000_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Round instants (microseconds) between xMin and xMax, aligned to UTC minutes, hours, days or weeks, at most about max. */
export function timeTicks(xMin, xMax, max = 8) {
  const span = xMax - xMin;
  const step = [MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY, 56 * DAY, 91 * DAY, 364 * DAY]
    .find((s) => span / s <= max) || 364 * DAY;
  const ticks = [];
  for (let t = Math.ceil(xMin / step) * step; t <= xMax; t += step) {
    ticks.push(t);
  }
  return ticks;
}

/** The y value of a step series at x (the last point at or before x), or undefined before its first point. */
export function stepValueAt(points, x) {
  let y;
  for (const p of [...points].sort((a, b) => a.x - b.x)) {
    if (p.x <= x) {
      y = p.y;
    } else {
      break;
    }
  }
  return y;
}

export function stepChart(opts) {
  const { series, xMin, xMax, markers = [], moment = null, yFormat = String, xFormat = String, onPick } = opts;
  const ys = series.flatMap((s) => s.points.map((p) => p.y)).concat(markers.filter((m) => m.y !== undefined).map((m) => m.y));
  let yLo = Math.min(...ys);
  let yHi = Math.max(...ys);
  if (!Number.isFinite(yLo)) {
    yLo = 0;
    yHi = 1;
  }
  const margin = Math.max((yHi - yLo) * 0.12, Math.abs(yHi) * 0.002, 1);
  yLo -= margin;
  yHi += margin;
  const span = Math.max(1, xMax - xMin);
  const px = (x) => PAD.left + ((Math.min(Math.max(x, xMin), xMax) - xMin) / span) * (W - PAD.left - PAD.right);
  const py = (y) => PAD.top + (1 - (y - yLo) / (yHi - yLo)) * (H - PAD.top - PAD.bottom);

  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'step-chart', role: 'img' });
  svg.append(el('rect', { x: PAD.left, y: PAD.top, width: W - PAD.left - PAD.right, height: H - PAD.top - PAD.bottom, class: 'plot' }));

  for (const t of niceTicks(yLo, yHi)) {
    svg.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: py(t), y2: py(t), class: 'grid' }));
    svg.append(el('text', { x: PAD.left - 6, y: py(t) + 4, class: 'tick y-tick', 'text-anchor': 'end' }, yFormat(t)));
  }
  for (const x of timeTicks(xMin, xMax)) {
    svg.append(el('line', { x1: px(x), x2: px(x), y1: H - PAD.bottom, y2: H - PAD.bottom + 4, class: 'grid' }));
    svg.append(el('text', { x: px(x), y: H - 8, class: 'tick x-tick', 'text-anchor': 'middle' }, xFormat(x)));
  }

  for (const s of series) {
    const pts = [...s.points].sort((a, b) => a.x - b.x).filter((p) => p.x <= xMax);
    if (pts.length === 0) {
      continue;
    }
    // Points before the window collapse into the value at its start.
    const before = pts.filter((p) => p.x < xMin);
    const inside = pts.filter((p) => p.x >= xMin);
    const start = before.length ? [{ x: xMin, y: before[before.length - 1].y }] : [];
    const steps = [...start, ...inside];
    let d = `M${px(steps[0].x).toFixed(1)},${py(steps[0].y).toFixed(1)}`;
    for (let i = 1; i < steps.length; i++) {
      d += ` H${px(steps[i].x).toFixed(1)} V${py(steps[i].y).toFixed(1)}`;
    }
    d += ` H${px(xMax).toFixed(1)}`;
    svg.append(el('path', { d, class: 'series series-' + s.key, 'data-series': s.key }));
  }

  if (moment) {
    const g = el('g', { class: 'moment' });
    g.append(el('line', { x1: px(moment.x), x2: px(moment.x), y1: PAD.top, y2: H - PAD.bottom }));
    g.append(el('text', { x: px(moment.x) + 4, y: PAD.top + 11, class: 'moment-label', 'text-anchor': px(moment.x) > W * 0.75 ? 'end' : 'start', dx: px(moment.x) > W * 0.75 ? -8 : 0 }, moment.label));
    for (const s of series) {
      const y = stepValueAt(s.points, moment.x);
      if (y !== undefined) {
        g.append(el('circle', { cx: px(moment.x), cy: py(y), r: 4.5, class: 'dot dot-' + s.key }));
      }
    }
    svg.append(g);
  }

  markers.forEach((m, i) => {
    const g = el('g', { class: 'marker marker-' + (m.key || 'event'), 'data-id': m.id || '' });
    const x = px(m.x);
    g.append(el('line', { x1: x, x2: x, y1: PAD.top, y2: H - PAD.bottom }));
    const y = m.y === undefined ? PAD.top + 8 : py(m.y);
    g.append(el('path', { d: `M${x},${y - 7} L${x + 6},${y} L${x},${y + 7} L${x - 6},${y} Z`, class: 'marker-shape' }));
    const right = x < W * 0.7;
    g.append(el('text', { x: right ? x + 9 : x - 9, y: H - PAD.bottom - 8 - i * 14, 'text-anchor': right ? 'start' : 'end', class: 'marker-label' }, m.label));
    g.append(el('title', {}, m.label));
    svg.append(g);
  });

  if (onPick) {
    svg.classList.add('pickable');
    svg.addEventListener('click', (ev) => {
      const box = svg.getBoundingClientRect();
      const vx = ((ev.clientX - box.left) / box.width) * W;
      if (vx >= PAD.left && vx <= W - PAD.right) {
        onPick(xMin + ((vx - PAD.left) / (W - PAD.left - PAD.right)) * span);
      }
    });
  }
  return svg;
}
