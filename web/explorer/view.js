// The whole view of the explorer as data, and its spelling in the URL's
// hash, so that a view can be bookmarked, shared and restored:
//
//   #center=country/mexico&depth=2&cap=10
//    &expand=person/donald-trump,country/united-states*2   (opened nodes; *N: pages of "+N more")
//    &collapse=country/mexico                              (nodes whose leaves are folded)
//    &add=person/jd-vance|SUPPORTS|policy/x                (relationships drawn one by one)
//    &types=LEADS,TARGETS&kinds=PERSON,POLICY&status=IN_FORCE
//    &from=2025-01&to=2025-03&undated=0
//    &path=person/pete-hegseth,organization/sinaloa-cartel&pick=1
//    &sel=country/mexico&zoom=1.25&at=country/mexico&off=-12,30&timeline=0
//
// Every part is optional and defaults are left out, so "#center=ID" (the
// old form) still opens an entity. Values are percent-encoded; IDs never
// hold commas. Parsing is lenient: a part it cannot read is dropped and
// reported, never fatal.

import { isDate, noFilters } from './filters.js';
import { KINDS, REL_TYPES, STATUSES } from './style.js';

export const DEPTHS = [1, 2];
export const CAPS = [10, 25, 50, 100];
export const DEFAULT_CAP = 25;

/** A view with nothing drawn. */
export function emptyView() {
  return {
    center: null, // the entity searched for
    depth: 1, // hops of the centre's neighbourhood
    cap: DEFAULT_CAP, // the most neighbours one opening draws
    expand: [], // [{id, pages}] nodes opened after the centre, in order
    collapse: [], // IDs of opened nodes whose leaf neighbours are folded away
    add: [], // IDs of relationships drawn one by one, with their ends
    filters: noFilters(),
    path: null, // {from, to, pick}: paths between two entities, pick-th drawn
    sel: null, // ID of the selected node or relationship
    zoom: null, // the zoom level, null to fit
    at: null, // {id, dx, dy}: the node at the middle of the view, and the offset from it
    timeline: true, // whether the timeline is open
  };
}

const list = (s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);
const unique = (xs) => [...new Set(xs)];

/**
 * Reads a hash ("#a=b&..." or "a=b&...") into a view. Returns {view,
 * problems}: problems names each part that was dropped.
 */
export function parseHash(hash) {
  const v = emptyView();
  const problems = [];
  const q = new URLSearchParams((hash ?? '').replace(/^#/, ''));
  const bad = (name, value) => problems.push(`${name}=${value}`);

  const center = q.get('center')?.trim();
  if (center) v.center = center;

  if (q.has('depth')) {
    const d = Number(q.get('depth'));
    if (DEPTHS.includes(d)) v.depth = d;
    else bad('depth', q.get('depth'));
  }
  if (q.has('cap')) {
    const c = Number(q.get('cap'));
    if (CAPS.includes(c)) v.cap = c;
    else bad('cap', q.get('cap'));
  }
  const seen = new Set();
  for (const item of list(q.get('expand'))) {
    const [id, n] = item.split('*');
    const pages = n === undefined ? 1 : Number(n);
    if (!id || !Number.isInteger(pages) || pages < 1 || pages > 1000) {
      bad('expand', item);
      continue;
    }
    if (seen.has(id)) continue;
    seen.add(id);
    v.expand.push({ id, pages });
  }
  v.collapse = unique(list(q.get('collapse')));
  v.add = unique(list(q.get('add')));

  const closed = (name, known, into) => {
    for (const x of list(q.get(name))) {
      const u = x.toUpperCase();
      if (known.includes(u)) into.push(u);
      else bad(name, x);
    }
    return unique(into);
  };
  v.filters.types = closed('types', Object.keys(REL_TYPES), []);
  v.filters.kinds = closed('kinds', Object.keys(KINDS), []);
  v.filters.statuses = closed('status', STATUSES, []);
  for (const name of ['from', 'to']) {
    const d = q.get(name)?.trim();
    if (!d) continue;
    if (isDate(d)) v.filters[name] = d;
    else bad(name, d);
  }
  if (q.get('undated') === '0') v.filters.undated = false;

  if (q.has('path')) {
    const [from, to, ...rest] = list(q.get('path'));
    const pick = q.has('pick') ? Number(q.get('pick')) : 0;
    if (from && to && !rest.length && Number.isInteger(pick) && pick >= 0) v.path = { from, to, pick };
    else bad('path', q.get('path'));
  }

  const sel = q.get('sel')?.trim();
  if (sel) v.sel = sel;
  if (q.has('zoom')) {
    const z = Number(q.get('zoom'));
    if (Number.isFinite(z) && z > 0) v.zoom = z;
    else bad('zoom', q.get('zoom'));
  }
  const at = q.get('at')?.trim();
  if (at) {
    const [dx, dy] = (q.get('off') ?? '0,0').split(',').map(Number);
    v.at = { id: at, dx: Number.isFinite(dx) ? dx : 0, dy: Number.isFinite(dy) ? dy : 0 };
  }
  if (q.get('timeline') === '0') v.timeline = false;
  return { view: v, problems };
}

/** Writes a view as a hash without the "#", defaults left out, in a fixed order. */
export function formatHash(v) {
  const parts = [];
  const put = (k, val) => parts.push(`${k}=${encodeURIComponent(val).replaceAll('%2C', ',').replaceAll('%2F', '/').replaceAll('%7C', '|')}`);
  if (v.center) put('center', v.center);
  if (v.depth !== 1) put('depth', v.depth);
  if (v.cap !== DEFAULT_CAP) put('cap', v.cap);
  if (v.expand.length) put('expand', v.expand.map((e) => (e.pages > 1 ? `${e.id}*${e.pages}` : e.id)).join(','));
  if (v.collapse.length) put('collapse', v.collapse.join(','));
  if (v.add.length) put('add', v.add.join(','));
  const f = v.filters;
  if (f.types.length) put('types', f.types.join(','));
  if (f.kinds.length) put('kinds', f.kinds.join(','));
  if (f.statuses.length) put('status', f.statuses.join(','));
  if (f.from) put('from', f.from);
  if (f.to) put('to', f.to);
  if (!f.undated) put('undated', '0');
  if (v.path) {
    put('path', `${v.path.from},${v.path.to}`);
    if (v.path.pick) put('pick', v.path.pick);
  }
  if (v.sel) put('sel', v.sel);
  if (v.zoom != null) put('zoom', round(v.zoom, 3));
  if (v.at) {
    put('at', v.at.id);
    if (v.at.dx || v.at.dy) put('off', `${round(v.at.dx, 0)},${round(v.at.dy, 0)}`);
  }
  if (!v.timeline) put('timeline', '0');
  return parts.join('&');
}

function round(x, digits) {
  const p = 10 ** digits;
  return String(Math.round(x * p) / p);
}

/**
 * The parts of a view that decide what is fetched and drawn: two views
 * with the same key draw the same graph, and differ at most in filters
 * other than types, selection, zoom and panels.
 */
export function dataKey(v) {
  return JSON.stringify([v.center, v.depth, v.cap, v.expand, v.add, v.filters.types, v.path && [v.path.from, v.path.to, v.path.pick]]);
}

/** A deep copy of a view. */
export function cloneView(v) {
  return structuredClone(v);
}
