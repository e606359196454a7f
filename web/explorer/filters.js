// Dates as the API writes them and the filters of the explorer: which
// drawn entities and relationships a view shows. Plain functions over plain
// data, unit-tested in web/test.

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/** Whether s is a Date as the API takes it: "2025", "2025-02" or "2025-02-19". */
export function isDate(s) {
  const m = DATE.exec(s ?? '');
  if (!m) return false;
  const [, , mo, d] = m;
  if (mo && (Number(mo) < 1 || Number(mo) > 12)) return false;
  if (d) {
    const t = new Date(Date.UTC(Number(m[1]), Number(mo) - 1, Number(d)));
    if (t.getUTCDate() !== Number(d)) return false;
  }
  return true;
}

/** "year", "month" or "day": how precise a Date is. */
export function precision(s) {
  const m = DATE.exec(s ?? '');
  if (!m) return null;
  return m[3] ? 'day' : m[2] ? 'month' : 'year';
}

/** The first instant (UTC milliseconds) that a Date covers; NaN for no date. */
export function floor(s) {
  const m = DATE.exec(s ?? '');
  if (!m) return NaN;
  return Date.UTC(Number(m[1]), m[2] ? Number(m[2]) - 1 : 0, m[3] ? Number(m[3]) : 1);
}

/** The first instant after the period that a Date covers. */
export function ceil(s) {
  const m = DATE.exec(s ?? '');
  if (!m) return NaN;
  const y = Number(m[1]);
  if (m[3]) return Date.UTC(y, Number(m[2]) - 1, Number(m[3]) + 1);
  if (m[2]) return Date.UTC(y, Number(m[2]), 1);
  return Date.UTC(y + 1, 0, 1);
}

/**
 * The date that places an element in time, as the API's timeline does: a
 * policy's date, else its start; a relationship's date, else its start,
 * else its end. Empty when undated.
 */
export function when(data) {
  if (!data) return '';
  if (data.kind === 'POLICY') return data.date || data.start || '';
  if (data.kind) return ''; // people, organizations and countries are not dated
  return data.date || data.start || data.end || '';
}

/**
 * Whether a Date lies within [from, to] as the API compares them: the
 * first day it covers against the first day of from and the last day of
 * to. Empty bounds are open.
 */
export function inRange(date, from, to) {
  const d = floor(date);
  if (Number.isNaN(d)) return false;
  if (from && d < floor(from)) return false;
  if (to && d >= ceil(to)) return false;
  return true;
}

/**
 * The filters of a view. Empty lists keep everything: types are
 * relationship types (also passed to the API), kinds entity kinds, statuses
 * policy statuses; from and to bound dated policies and relationships, and
 * undated says whether undated ones stay.
 */
export function noFilters() {
  return { types: [], kinds: [], statuses: [], from: '', to: '', undated: true };
}

/** Whether filters keep everything. */
export function isOpen(f) {
  return !f.types.length && !f.kinds.length && !f.statuses.length && !f.from && !f.to && f.undated;
}

function datedOK(data, f) {
  if (!f.from && !f.to && f.undated) return true;
  const d = when(data);
  if (!d) return f.undated;
  return inRange(d, f.from, f.to);
}

/**
 * Whether filters keep an entity, given as the node data the explorer
 * draws: {kind, status, date, start}. Dates and statuses filter policies
 * only; other kinds have neither.
 */
export function keepsNode(data, f) {
  if (f.kinds.length && !f.kinds.includes(data.kind)) return false;
  if (data.kind !== 'POLICY') return true;
  if (f.statuses.length && !f.statuses.includes(data.status)) return false;
  return datedOK(data, f);
}

/**
 * Whether filters keep a relationship, given as edge data: {type, date,
 * start, end}. Its ends are checked apart (keepsNode).
 */
export function keepsEdge(data, f) {
  if (f.types.length && !f.types.includes(data.type)) return false;
  return datedOK(data, f);
}
