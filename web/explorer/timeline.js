// The timeline view: the dated events of what is drawn on a time axis, one
// lane per policy or relationship, so that a policy with several dated
// events (a threat, a postponement, a date in force) reads as one story
// left to right. An event dated to a year or a month is a bar over that
// period, a day is a dot: the axis never claims more precision than the
// data has. Every event and lane is a button; choosing one calls onSelect
// with the element's ID, and highlight() marks the lanes of the elements
// selected in the graph.

import { ceil, floor, precision } from './filters.js';
import { kindStyle, relStyle } from './style.js';

const DAY = 86400000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "IN_FORCE" → "in force". */
const words = (s) => (s ? s.toLowerCase().replaceAll('_', ' ') : '');

/**
 * Groups events (as api.timelines returns them) into lanes, one per policy
 * or relationship, ordered by their first event and then by label; events
 * within a lane by date. An event's status is its own when the API gives
 * one, directly or in an object it carries (a step of a status history),
 * else its element's; such an event is a step.
 */
export function buildLanes(events) {
  const byID = new Map();
  for (const ev of events) {
    const p = ev.policy;
    const r = ev.relationship;
    if (!p && !r) continue;
    const id = p ? p.id : r.id;
    let lane = byID.get(id);
    if (!lane) {
      lane = p
        ? { id, kind: 'policy', label: p.label, type: p.type, nodes: [p.id], events: [] }
        : { id, kind: 'relationship', label: `${r.fromName} ${r.type} ${r.toName}`, ends: `${r.fromName} → ${r.toName}`, type: r.type, nodes: [r.source, r.target], events: [] };
      byID.set(id, lane);
    }
    // What else the event says, flat: its own fields, and those of an
    // object it carries (a status change's status and note).
    const said = {};
    let step = false;
    for (const [k, v] of Object.entries(ev)) {
      if (['date', 'policy', 'relationship'].includes(k) || v == null) continue;
      if (typeof v === 'object') {
        step = true;
        for (const [k2, v2] of Object.entries(v)) if (k2 !== 'date' && v2 != null && typeof v2 !== 'object') said[k2] ??= v2;
      } else said[k] = v;
    }
    const { status = null, ...extra } = said;
    lane.events.push({ date: ev.date, status: status ?? (p ? p.status : r.status) ?? null, extra, step });
  }
  const lanes = [...byID.values()];
  for (const l of lanes) {
    l.events.sort((a, b) => floor(a.date) - floor(b.date) || ceil(a.date) - ceil(b.date));
    l.first = floor(l.events[0].date);
  }
  lanes.sort((a, b) => a.first - b.first || a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
  return lanes;
}

/** The period [t0, t1) that lanes cover, or null when there are none. */
export function extent(lanes) {
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const l of lanes) {
    for (const e of l.events) {
      t0 = Math.min(t0, floor(e.date));
      t1 = Math.max(t1, ceil(e.date));
    }
  }
  return Number.isFinite(t0) ? [t0, t1] : null;
}

/**
 * Tick marks for the axis over [t0, t1): years, months or days, spaced so
 * that there are at most max (and at least about half as many), each
 * {t, label}.
 */
export function ticks(t0, t1, max = 12) {
  const span = (t1 - t0) / DAY;
  const out = [];
  const d0 = new Date(t0);
  if (span > 3 * 365) {
    const years = span / 365;
    const step = [1, 2, 5, 10, 20, 50, 100].find((s) => years / s <= max) ?? 100;
    let y = Math.ceil(d0.getUTCFullYear() / step) * step;
    for (let t = Date.UTC(y, 0, 1); t <= t1; y += step, t = Date.UTC(y, 0, 1)) if (t >= t0) out.push({ t, label: String(y) });
    return out;
  }
  if (span > 62) {
    const months = span / 30.4;
    const step = [1, 2, 3, 6, 12].find((s) => months / s <= max) ?? 12;
    let y = d0.getUTCFullYear();
    let m = d0.getUTCMonth();
    for (;;) {
      const t = Date.UTC(y, m, 1);
      if (t > t1) break;
      if (t >= t0 && m % step === 0) out.push({ t, label: m === 0 ? `${MONTHS[m]} ${y}` : MONTHS[m] });
      m += 1;
      if (m === 12) {
        m = 0;
        y += 1;
      }
    }
    if (out.length && !/\d{4}/.test(out[0].label)) out[0].label += ` ${new Date(out[0].t).getUTCFullYear()}`;
    return out;
  }
  const step = [1, 2, 7, 14].find((s) => span / s <= max) ?? 14;
  let t = Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth(), d0.getUTCDate());
  if (t < t0) t += DAY;
  for (let i = 0; t <= t1; t += DAY, i++) {
    if (i % step) continue;
    const d = new Date(t);
    out.push({ t, label: `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}` });
  }
  return out;
}

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
};

export class Timeline {
  /**
   * @param {HTMLElement} root  the element to draw into
   * @param {object} on  select(elementID, lane), hover(elementID | null)
   */
  constructor(root, on) {
    this.root = root;
    this.on = on;
    this.lanes = [];
    this.range = null; // [from, to] Dates that bound the axis, from the filters
    this.linked = new Set();
    this.note = '';
    new ResizeObserver(() => this.#render()).observe(root);
  }

  /**
   * Shows events. range, when given, is the date filter ([from, to], either
   * may be empty), which fixes the axis; note says what is left out.
   */
  show(events, { range = null, note = '' } = {}) {
    this.lanes = buildLanes(events);
    this.range = range;
    this.note = note;
    this.#render();
  }

  /**
   * Marks the lanes of these element IDs (policies and relationships) and
   * of relationships that touch these node IDs; dims the others when any
   * is marked, and scrolls the first into view.
   */
  highlight(ids) {
    this.linked = new Set(ids);
    this.#mark(true);
  }

  #isLinked(lane) {
    return this.linked.has(lane.id) || (lane.kind === 'relationship' && lane.nodes.some((n) => this.linked.has(n)));
  }

  #mark(scroll) {
    const rows = [...this.root.querySelectorAll('.tl-lane')];
    let first = null;
    const any = rows.some((row) => this.#isLinked(this.lanes[Number(row.dataset.index)]));
    for (const row of rows) {
      const on = this.#isLinked(this.lanes[Number(row.dataset.index)]);
      row.classList.toggle('linked', on);
      row.classList.toggle('dim', any && !on);
      if (on && !first) first = row;
    }
    if (scroll && first) {
      const box = this.root.querySelector('.tl-body');
      const top = first.offsetTop - box.offsetTop;
      if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - first.offsetHeight) box.scrollTop = Math.max(0, top - 28);
    }
  }

  #render() {
    const root = this.root;
    const lanes = this.lanes;
    const body = el('div', 'tl-body');
    if (!lanes.length) {
      body.append(el('p', 'tl-empty', this.note || 'No dated events among the entities and relationships drawn.'));
      root.replaceChildren(body);
      return;
    }
    let [t0, t1] = extent(lanes);
    if (this.range?.[0]) t0 = floor(this.range[0]);
    if (this.range?.[1]) t1 = ceil(this.range[1]);
    const pad = Math.max((t1 - t0) * 0.03, DAY);
    t0 -= pad;
    t1 += pad;
    const x = (t) => ((t - t0) / (t1 - t0)) * 100;

    const axis = el('div', 'tl-axis');
    axis.setAttribute('aria-hidden', 'true');
    const scale = el('div', 'tl-scale');
    // Track width in pixels: room for a tick label every 80 pixels or so,
    // and for a status after its marker.
    const trackPx = Math.max(200, root.clientWidth - 300);
    for (const tk of ticks(t0, t1, Math.max(3, Math.floor(trackPx / 80)))) {
      const tick = el('span', 'tl-tick', x(tk.t) < 94 ? tk.label : '');
      tick.style.left = `${x(tk.t)}%`;
      scale.append(tick);
    }
    axis.append(el('span', 'tl-corner', `${lanes.length} ${lanes.length === 1 ? 'lane' : 'lanes'}`), scale);

    const list = el('ol', 'tl-lanes');
    list.setAttribute('aria-label', 'Dated events, by policy and relationship, in date order');
    lanes.forEach((lane, i) => {
      const row = el('li', `tl-lane tl-${lane.kind}`);
      row.dataset.index = String(i);
      row.dataset.id = lane.id;
      const color = lane.kind === 'policy' ? kindStyle('POLICY').color : relStyle(lane.type).color;

      const label = el('button', 'tl-label');
      label.type = 'button';
      const sw = el('span', lane.kind === 'policy' ? 'swatch shape-diamond' : `swatch line line-${relStyle(lane.type).line}`);
      sw.setAttribute('aria-hidden', 'true');
      sw.style.setProperty('--c', color);
      const name = el('span', 'tl-name');
      if (lane.kind === 'policy') name.append(el('span', '', lane.label), el('span', 'tl-sub', words(lane.type)));
      else name.append(el('span', '', lane.ends), el('span', 'tl-sub', lane.type));
      label.append(sw, name);
      label.title = lane.label;
      label.addEventListener('click', () => this.on.select(lane.id, lane));
      label.addEventListener('mouseenter', () => this.on.hover?.(lane.id));
      label.addEventListener('mouseleave', () => this.on.hover?.(null));

      const track = el('div', 'tl-track');
      if (lane.events.length > 1) {
        const a = x(floor(lane.events[0].date));
        const b = x(floor(lane.events.at(-1).date));
        const line = el('span', 'tl-thread');
        line.style.left = `${a}%`;
        line.style.width = `${Math.max(b - a, 0)}%`;
        line.style.setProperty('--c', color);
        track.append(line);
      }
      lane.events.forEach((ev, j) => {
        const a = x(floor(ev.date));
        const b = x(ceil(ev.date));
        const prec = precision(ev.date);
        const mark = el('button', `tl-event tl-${prec}${ev.step ? ' tl-step' : ''}`);
        mark.type = 'button';
        mark.style.left = `${a}%`;
        if (prec !== 'day') mark.style.width = `${Math.max(b - a, 0.6)}%`;
        mark.style.setProperty('--c', color);
        const status = words(ev.status);
        const extra = Object.entries(ev.extra)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ');
        const text = `${ev.date}: ${lane.label}${status ? `, ${status}` : ''}${extra ? ` (${extra})` : ''}`;
        mark.setAttribute('aria-label', text);
        mark.title = text;
        mark.dataset.date = ev.date;
        if (ev.status) mark.dataset.status = ev.status;
        mark.addEventListener('click', () => this.on.select(lane.id, lane, ev));
        mark.addEventListener('mouseenter', () => this.on.hover?.(lane.id));
        mark.addEventListener('mouseleave', () => this.on.hover?.(null));
        track.append(mark);
        // The status after the marker, when it fits before the next one.
        const next = lane.events[j + 1];
        const room = ((next ? x(floor(next.date)) : 100) - (prec === 'day' ? a : b)) * (trackPx / 100);
        if (status && room > status.length * 6.5 + 14) {
          const tag = el('span', 'tl-status', status);
          tag.setAttribute('aria-hidden', 'true');
          tag.style.left = `${prec === 'day' ? a : b}%`;
          track.append(tag);
        }
      });
      row.append(label, track);
      list.append(row);
    });
    body.append(axis, list);
    if (this.note) body.append(el('p', 'tl-note', this.note));
    const scrollTop = root.querySelector('.tl-body')?.scrollTop ?? 0;
    root.replaceChildren(body);
    body.scrollTop = scrollTop;
    this.#mark(false);
  }
}
