// The explorer page. One view (view.js) says what is drawn: the centre, the
// nodes opened after it, filters, the paths between two entities, the
// selection and the zoom. User actions change the view and fetch what it
// needs; the view is written to the URL's hash after each change, and a
// hash that changes (a pasted URL, back and forward, an edited address)
// is read back and drawn. The test hooks on window are documented in
// package web.

import './style.css';
import { APIError, entity, neighborhood, paths as fetchPaths, relationship, relationshipsWithEnds, timelines } from './api.js';
import { Combobox } from './combobox.js';
import { FORMATS, fetchExport, save, slug, toPNG, toSVG } from './exporter.js';
import { isDate, isOpen, noFilters } from './filters.js';
import { GraphView, cytoscape } from './graph.js';
import { entityView, h, helpView, kindSwatch, pathsView, relationshipView, typeSwatch, words } from './panel.js';
import { KINDS, REL_TYPES, STATUSES, kindStyle, nodeSize } from './style.js';
import { Timeline } from './timeline.js';
import { CAPS, DEPTHS, cloneView, dataKey, emptyView, formatHash, parseHash } from './view.js';

const MAX_HOPS = 6; // the longest path looked for (the API's default maximum)
const MAX_PATHS = 10;

const $ = (sel) => document.querySelector(sel);

let view = emptyView();
let pathList = []; // the paths of view.path, as fetched
let pathAdded = { nodes: new Set(), edges: new Set() }; // drawn only for the picked path
let names = new Map(); // entity ID -> name, of everything fetched
let gen = 0; // bumped by each rebuild, so that a stale one stops
let lastHash = null; // the hash last written or read

// ---------------------------------------------------------------- feedback

let busy = 0;

function setBusy(delta) {
  busy += delta;
  const on = busy > 0;
  document.body.dataset.busy = String(on);
  $('#graph-area').setAttribute('aria-busy', String(on));
}

/** Runs an API task, counting it as busy and showing its error plainly. */
async function run(task) {
  setBusy(1);
  try {
    return await task();
  } catch (err) {
    showError(err);
    return undefined;
  } finally {
    setBusy(-1);
  }
}

/** An error in what the user asked for, shown but not logged as a fault. */
const userError = (message) => Object.assign(new Error(message), { user: true });

function showError(err) {
  const prefix = err instanceof APIError ? 'GraphQL error: ' : 'Error: ';
  $('#error-text').textContent = prefix + err.message;
  $('#error').hidden = false;
  if (!err.user) console.error(err);
}

function clearError() {
  $('#error').hidden = true;
  $('#error-text').textContent = '';
}

function status(text) {
  $('#status').textContent = text;
}

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function countText() {
  const { nodes, edges, hidden } = graph.counts();
  return `${plural(nodes, 'entity', 'entities')}, ${plural(edges, 'relationship')} drawn${hidden ? `, ${hidden} hidden by the filters or folded` : ''}`;
}

function showPanel(content) {
  $('#details').replaceChildren(content);
}

// --------------------------------------------------------------- the URL

/** Writes the view to the hash: a new history entry when push, else in place. */
function writeHash({ push = false } = {}) {
  const hash = formatHash(view);
  if (hash === lastHash) return;
  lastHash = hash;
  const url = hash ? `#${hash}` : location.pathname + location.search;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

/** Follows a hash that changed under the page: draws the view it names. */
async function follow() {
  const hash = location.hash.replace(/^#/, '');
  if (hash === lastHash) return;
  lastHash = hash;
  const { view: next, problems } = parseHash(hash);
  if (problems.length) showError(userError(`Parts of the address were not understood and are ignored: ${problems.join(', ')}`));
  await applyView(next);
}

/** Makes the page show next: refetches when it draws something else, else restyles. */
async function applyView(next) {
  const refetch = dataKey(next) !== dataKey(view) || (next.center && graph.entities().empty());
  view = next;
  syncControls();
  if (!view.center && !view.path) {
    graph.clear();
    pathList = [];
    showPanel(helpView());
    afterChange();
    status('Search for an entity to begin.');
    return;
  }
  if (refetch) {
    await rebuild({ fresh: true });
  } else {
    reopen();
    graph.applyFilters(view.filters);
    restoreSelection();
    graph.restoreViewport(view.zoom, view.at);
    afterChange();
  }
  lastHash = formatHash(view);
  history.replaceState(null, '', lastHash ? `#${lastHash}` : location.pathname);
}

// ------------------------------------------------------------------ graph

const graph = new GraphView($('#graph'), {
  node: (node, ev) => {
    graph.focus([], { pan: false });
    if (ev.shiftKey) pickPathEnd(nodeItem(node));
    else openNode(node.id());
  },
  edge: (edge) => {
    graph.focus([], { pan: false });
    openEdge(edge.id());
  },
  more: (owner) => more(owner),
  background: () => {
    view.sel = null;
    graph.cy.elements().unselect();
    graph.focus([]);
    timeline.highlight([]);
    if ($('#tl-only').checked) refreshTimeline();
    if (view.path && pathList.length) showPaths();
    writeHash();
  },
  viewport: () => viewportChanged(),
  insets: () => {
    const legend = $('#legend');
    const canvas = $('#graph').getBoundingClientRect();
    const box = legend.getBoundingClientRect();
    return { left: legend.open ? box.right - canvas.left : 0, top: $('.toolbar').getBoundingClientRect().bottom - canvas.top };
  },
});

let viewportTimer = 0;
function viewportChanged() {
  clearTimeout(viewportTimer);
  viewportTimer = setTimeout(() => {
    view.zoom = graph.cy.zoom();
    view.at = graph.anchor();
    writeHash();
  }, 250);
}

function nodeItem(node) {
  return { id: node.id(), label: node.data('label'), kind: node.data('kind') };
}

function learnNames(nodes) {
  for (const n of nodes) names.set(n.id, n.label);
}

/** How many entities a neighbourhood fetch asks for: pages of cap, and the centre. */
function limitFor(id) {
  const pages = view.expand.find((e) => e.id === id)?.pages ?? 1;
  return 1 + view.cap * pages;
}

/** The opened state of each node, from the view. */
function reopen() {
  graph.opened.clear();
  const opened = [view.center, ...view.expand.map((e) => e.id)].filter(Boolean);
  for (const id of opened) graph.setOpened(id, view.collapse.includes(id) ? 'collapsed' : 'expanded');
}

/**
 * Fetches and draws the whole view: the centre's neighbourhood, each
 * opening, the relationships added one by one and the picked path. fresh
 * lays it out anew; else nodes keep their places.
 */
async function rebuild({ fresh = true } = {}) {
  const my = ++gen;
  clearError();
  await run(async () => {
    const types = view.filters.types;
    const keep = fresh ? null : graph.positions();
    const opened = view.expand.filter((e) => e.id !== view.center);
    const [centre, ...subs] = await Promise.all([
      view.center ? neighborhood(view.center, { depth: view.depth, limit: limitFor(view.center), types }) : null,
      ...opened.map((e) => neighborhood(e.id, { depth: 1, limit: limitFor(e.id), types })),
    ]);
    const added = await relationshipsWithEnds(view.add, { types });
    const list = view.path ? await fetchPaths(view.path.from, view.path.to, { maxHops: MAX_HOPS, types, first: MAX_PATHS }) : [];
    if (my !== gen) return;

    graph.clear();
    graph.pinned.clear();
    names = new Map();
    pathAdded = { nodes: new Set(), edges: new Set() };
    if (centre) {
      learnNames(centre.nodes);
      graph.merge(centre.nodes, centre.edges);
      graph.node(view.center)?.addClass('center');
    }
    opened.forEach((e, i) => {
      learnNames(subs[i].nodes);
      graph.merge(subs[i].nodes, subs[i].edges, { near: e.id });
    });
    for (const a of added) {
      learnNames(a.nodes);
      graph.merge(a.nodes, [a.edge], { near: a.nodes.find((n) => graph.node(n.id))?.id });
    }
    reopen();
    pathList = list;
    if (view.path && list.length) {
      view.path.pick = Math.min(view.path.pick, list.length - 1);
      drawPath(list[view.path.pick]);
      // The path form shows the ends, as if they had been picked there.
      const ends = [list[0].nodes[0], list[0].nodes.at(-1)];
      [pathEnds.from, pathEnds.to] = ends.map((n) => ({ id: n.id, label: n.label, kind: n.kind }));
      fromBox.set(pathEnds.from);
      toBox.set(pathEnds.to);
    }
    markEnds();
    graph.applyFilters(view.filters);
    if (keep) {
      graph.entities().forEach((n) => {
        const p = keep.get(n.id());
        if (p) n.position(p);
      });
    }
    const known = keep ? graph.entities().filter((n) => keep.has(n.id())).length : 0;
    await relayout({ fresh: !keep || known < graph.entities().length / 2 });
    if (my !== gen) return;
    graph.restoreViewport(view.zoom, view.at);
    if (view.path && list.length) graph.highlightPath(list[view.path.pick].nodes.map((n) => n.id), list[view.path.pick].edges.map((e) => e.id));
    await restoreSelection();
    afterChange();
    if (view.path && !list.length) {
      status(`No path between ${names.get(view.path.from) ?? view.path.from} and ${names.get(view.path.to) ?? view.path.to} within ${MAX_HOPS} hops.`);
    } else if (centre) {
      status(`${names.get(view.center) ?? view.center}: ${countText()}${centre.truncated ? '; more in reach: click “+N more” to draw them' : ''}.`);
    } else {
      status(`${countText()}.`);
    }
  });
}

/** Selects view.sel, or the centre, and shows it in the panel. */
async function restoreSelection() {
  graph.cy.elements().unselect();
  const id = view.sel;
  const el = id ? graph.element(id) : null;
  if (el) {
    el.select();
    timeline.highlight([id]);
    if (el.isNode()) await showEntity(id);
    else await showRelationship(id);
    return;
  }
  if (view.path && pathList.length) {
    showPaths();
    return;
  }
  if (view.center && graph.node(view.center)) {
    graph.node(view.center).select();
    timeline.highlight([view.center]);
    await showEntity(view.center);
  }
}

/** Lays the graph out around the legend as it will be. */
async function relayout(opts) {
  renderLegend();
  await graph.layout(opts);
}

/** Refreshes everything that shows what is drawn: legend, list, counts, timeline. */
function afterChange() {
  renderLegend();
  renderContents();
  refreshTimeline();
}

/** Starts over from one entity: its neighbourhood alone is drawn. */
async function showCenter(item) {
  const next = emptyView();
  next.center = item.id;
  next.depth = Number($('#depth').value) || 1;
  next.cap = view.cap;
  next.filters = view.filters;
  next.timeline = view.timeline;
  view = next;
  names.set(item.id, item.label);
  await rebuild({ fresh: true });
  writeHash({ push: true });
}

/** Shows a node in the panel and, when it is not opened yet, draws its neighbours. */
async function openNode(id) {
  clearError();
  if (graph.opened.has(id) || !graph.node(id)) {
    select(id);
    return;
  }
  await run(async () => {
    const sub = await neighborhood(id, { depth: 1, limit: 1 + view.cap, types: view.filters.types });
    learnNames(sub.nodes);
    const added = graph.merge(sub.nodes, sub.edges, { near: id });
    view.expand.push({ id, pages: 1 });
    graph.setOpened(id, 'expanded');
    graph.applyFilters(view.filters);
    if (added.nodes || added.edges) await relayout();
    view.zoom = view.at = null;
    view.sel = id;
    graph.cy.elements().unselect();
    graph.node(id)?.select();
    timeline.highlight([id]);
    writeHash({ push: true });
    afterChange();
    status(
      `Opened ${names.get(id) ?? id}: ${plural(added.nodes, 'new entity', 'new entities')}, ${plural(added.edges, 'new relationship')}; ${countText()}.` +
        (graph.undrawn(graph.node(id)) ? ` “+${graph.undrawn(graph.node(id))} more” draws the next ${view.cap}.` : ''),
    );
    await showEntity(id);
  });
}

/**
 * "+N more" by an opened node: unfolds a collapsed node, else draws the
 * next page of an expanded node's neighbours.
 */
async function more(owner) {
  clearError();
  if (graph.opened.get(owner) === 'collapsed') {
    await toggleOpen(owner);
    return;
  }
  await run(async () => {
    let entry = view.expand.find((e) => e.id === owner);
    if (!entry) {
      entry = { id: owner, pages: 1 };
      view.expand.push(entry);
    }
    entry.pages += 1;
    const isCentre = owner === view.center;
    const sub = await neighborhood(owner, { depth: isCentre ? view.depth : 1, limit: limitFor(owner), types: view.filters.types });
    learnNames(sub.nodes);
    const added = graph.merge(sub.nodes, sub.edges, { near: owner });
    graph.applyFilters(view.filters);
    if (added.nodes || added.edges) await relayout();
    view.zoom = view.at = null;
    writeHash({ push: true });
    afterChange();
    const left = graph.undrawn(graph.node(owner));
    status(`${names.get(owner) ?? owner}: ${plural(added.nodes, 'more entity', 'more entities')} drawn${left ? `, ${left} relationships still not drawn` : ''}; ${countText()}.`);
  });
}

/** Collapses an expanded node (folds its leaves away) or expands it again. */
async function toggleOpen(id) {
  const how = graph.opened.get(id);
  if (!how) {
    await openNode(id);
    return;
  }
  if (how === 'expanded') {
    view.collapse.push(id);
    graph.setOpened(id, 'collapsed');
  } else {
    view.collapse = view.collapse.filter((x) => x !== id);
    graph.setOpened(id, 'expanded');
  }
  graph.applyFilters(view.filters);
  if (how === 'collapsed') await relayout();
  writeHash({ push: true });
  afterChange();
  const folded = graph.cy.nodes('.folded').length;
  status(how === 'expanded' ? `Collapsed ${names.get(id) ?? id}: its leaves are folded into “+N more” (${folded} folded in all).` : `Expanded ${names.get(id) ?? id} again; ${countText()}.`);
  if ($('#details .entity')?.dataset.id === id) await showEntity(id, { force: true });
}

/** Selects a drawn node or relationship and shows it in the panel. */
async function select(id) {
  const el = graph.element(id);
  if (!el) return;
  view.sel = id;
  graph.cy.elements().unselect();
  el.select();
  timeline.highlight([id]);
  writeHash();
  if ($('#tl-only').checked) refreshTimeline();
  if (el.isNode()) await showEntity(id);
  else await showRelationship(id);
}

/**
 * Shows an entity in the panel, unless the selection moved on while it was
 * fetched (force: show it anyway).
 */
async function showEntity(id, { force = false } = {}) {
  await run(async () => {
    const detail = await entity(id, { types: view.filters.types });
    names.set(id, detail.name);
    if (!force && view.sel !== id && !(view.sel == null && id === view.center)) return;
    showPanel(
      entityView(detail, actions, {
        opened: graph.opened.get(id) ?? null,
        drawn: (rid) => !!graph.element(rid),
        types: view.filters.types,
      }),
    );
  });
}

async function showRelationship(id) {
  await run(async () => {
    const r = await relationship(id);
    if (view.sel !== id) return;
    showPanel(relationshipView(r));
    status(`${r.type} from ${r.from.name} to ${r.to.name}: ${plural(r.evidence.length, 'quote')}.`);
  });
}

/** Shows a relationship with every quote that supports it. */
async function openEdge(id) {
  clearError();
  await select(id);
}

/**
 * A relationship from the panel: selects it when drawn, else draws it and
 * its far end (kept in the view's add list) and selects it.
 */
async function drawRelationship(rel) {
  if (graph.element(rel.id)) {
    await select(rel.id);
    return;
  }
  await run(async () => {
    const [a] = await relationshipsWithEnds([rel.id], { types: view.filters.types });
    learnNames(a.nodes);
    const near = a.nodes.find((n) => graph.node(n.id))?.id;
    graph.merge(a.nodes, [a.edge], { near });
    view.add.push(rel.id);
    graph.applyFilters(view.filters);
    await relayout();
    view.zoom = view.at = null;
    writeHash({ push: true });
    afterChange();
  });
  await select(rel.id);
}

// ------------------------------------------------------------------ paths

function pickPathEnd(item) {
  if (!pathEnds.from || pathEnds.to) setFrom(item);
  else setTo(item);
}

const pathEnds = { from: null, to: null }; // as {id, label, kind}, while picking

function setFrom(item) {
  pathEnds.from = item;
  pathEnds.to = null;
  fromBox.set(item);
  toBox.set(null);
  markEnds();
  status(`Path from ${item.label}: now pick where it goes to (shift-click a node or fill in “to”).`);
  $('#path-to').focus();
}

function setTo(item) {
  pathEnds.to = item;
  toBox.set(item);
  if (pathEnds.from) findPaths();
}

function markEnds() {
  const ids = view.path ? [view.path.from, view.path.to] : [pathEnds.from?.id, pathEnds.to?.id];
  graph.markEndpoints(ids.filter(Boolean));
}

/** Removes what was drawn only for the path shown, and its marks. */
function undrawPath() {
  graph.clearPath();
  graph.cy.remove(graph.cy.collection([...pathAdded.edges, ...pathAdded.nodes].map((id) => graph.cy.getElementById(id))));
  pathAdded = { nodes: new Set(), edges: new Set() };
  graph.pinned.clear();
}

/**
 * Draws one path: adds its nodes and edges, remembering which were new,
 * and pins them, so that the filters never break the path asked for.
 */
function drawPath(p) {
  graph.pinned = new Set([...p.nodes.map((n) => n.id), ...p.edges.map((e) => e.id)]);
  for (const n of p.nodes) if (!graph.node(n.id)) pathAdded.nodes.add(n.id);
  for (const e of p.edges) if (!graph.element(e.id)) pathAdded.edges.add(e.id);
  learnNames(p.nodes);
  const near = p.nodes.find((n) => graph.node(n.id))?.id;
  graph.merge(p.nodes, p.edges, { near });
}

async function findPaths() {
  clearError();
  if (!pathEnds.from || !pathEnds.to) {
    showError(userError('Pick both ends of the path: where it starts and where it goes to.'));
    return;
  }
  const { from, to } = pathEnds;
  await run(async () => {
    const list = await fetchPaths(from.id, to.id, { maxHops: MAX_HOPS, types: view.filters.types, first: MAX_PATHS });
    undrawPath();
    view.path = { from: from.id, to: to.id, pick: 0 };
    view.sel = null;
    pathList = list;
    markEnds();
    if (!list.length) {
      writeHash({ push: true });
      status(`No path between ${from.label} and ${to.label} within ${MAX_HOPS} hops.`);
      showPanel(h('div', { class: 'path-view' }, h('h2', {}, 'No path'), h('p', {}, `${from.label} and ${to.label} are not joined within ${MAX_HOPS} hops.`)));
      afterChange();
      return;
    }
    await showPath(0, { push: true });
  });
}

/** Draws path i of the list, highlights it and lists the paths. */
async function showPath(i, { push = false } = {}) {
  const wasEmpty = graph.entities().empty();
  undrawPath();
  view.path.pick = i;
  const p = pathList[i];
  drawPath(p);
  markEnds();
  graph.applyFilters(view.filters);
  if (pathAdded.nodes.size || pathAdded.edges.size) await relayout({ fresh: wasEmpty });
  graph.highlightPath(
    p.nodes.map((n) => n.id),
    p.edges.map((e) => e.id),
  );
  graph.fit(graph.cy.elements('.path'));
  view.zoom = view.at = null;
  graph.cy.elements().unselect();
  showPaths();
  writeHash({ push });
  afterChange();
  timeline.highlight(p.edges.map((e) => e.id));
  status(`Path ${i + 1} of ${pathList.length} from ${p.nodes[0].label} to ${p.nodes.at(-1).label}: ${plural(p.length, 'hop')}; ${countText()}.`);
}

function showPaths() {
  showPanel(pathsView(pathList, view.path.pick, (i) => showPath(i, { push: true })));
}

function clearPath() {
  pathEnds.from = pathEnds.to = null;
  fromBox.set(null);
  toBox.set(null);
  undrawPath();
  view.path = null;
  pathList = [];
  markEnds();
  graph.applyFilters(view.filters);
  writeHash({ push: true });
  afterChange();
  status(`Path cleared; ${countText()}.`);
}

// ---------------------------------------------------------------- filters

function checkboxes(container, name, values, label, swatch) {
  container.replaceChildren(
    ...values.map((v) => {
      const id = `${name}-${v}`;
      return h('label', { for: id, class: 'check' }, h('input', { type: 'checkbox', id, name, value: v, checked: true }), swatch ? swatch(v) : '', label(v));
    }),
  );
}

checkboxes($('#types-list'), 'type', Object.keys(REL_TYPES), (t) => t, typeSwatch);
checkboxes($('#kinds-list'), 'kind', Object.keys(KINDS), (k) => KINDS[k].label, kindSwatch);
checkboxes($('#status-list'), 'status', STATUSES, words);
for (const d of DEPTHS) $('#depth').append(h('option', { value: d }, d));
for (const c of CAPS) $('#cap').append(h('option', { value: c }, c));

/** The values checked in a list, or [] when all are (no filter). */
function checked(name) {
  const boxes = [...document.querySelectorAll(`input[name="${name}"]`)];
  const on = boxes.filter((b) => b.checked).map((b) => b.value);
  return on.length === boxes.length ? [] : on;
}

function setChecked(name, values) {
  for (const b of document.querySelectorAll(`input[name="${name}"]`)) b.checked = !values.length || values.includes(b.value);
}

function summary(values, all) {
  return values.length ? `${values.length} of ${all}` : 'all';
}

/** Puts the view's settings into the controls. */
function syncControls() {
  const f = view.filters;
  setChecked('type', f.types);
  setChecked('kind', f.kinds);
  setChecked('status', f.statuses);
  $('#types-summary').textContent = summary(f.types, Object.keys(REL_TYPES).length);
  $('#status-summary').textContent = summary(f.statuses, STATUSES.length);
  $('#date-from').value = f.from;
  $('#date-to').value = f.to;
  $('#date-from').removeAttribute('aria-invalid');
  $('#date-to').removeAttribute('aria-invalid');
  $('#undated').checked = f.undated;
  $('#depth').value = String(view.depth);
  $('#cap').value = String(view.cap);
  $('#filters-reset').disabled = isOpen(f);
  setTimelineOpen(view.timeline);
}

/** Reads the filter controls; types changes refetch (the API filters them), the rest restyle. */
async function filtersChanged() {
  clearError();
  const f = {
    types: checked('type'),
    kinds: checked('kind'),
    statuses: checked('status'),
    from: $('#date-from').value.trim(),
    to: $('#date-to').value.trim(),
    undated: $('#undated').checked,
  };
  for (const [name, input] of [
    ['from', $('#date-from')],
    ['to', $('#date-to')],
  ]) {
    if (f[name] && !isDate(f[name])) {
      input.setAttribute('aria-invalid', 'true');
      showError(userError(`“${f[name]}” is not a date: write 2025, 2025-02 or 2025-02-19.`));
      f[name] = view.filters[name];
    } else input.removeAttribute('aria-invalid');
  }
  if (checked('type').length === 0 && !document.querySelector('input[name="type"]:checked')) {
    showError(userError('Keep at least one relationship type.'));
    setChecked('type', view.filters.types);
    return;
  }
  const typesChanged = f.types.join() !== view.filters.types.join();
  view.filters = f;
  $('#types-summary').textContent = summary(f.types, Object.keys(REL_TYPES).length);
  $('#status-summary').textContent = summary(f.statuses, STATUSES.length);
  $('#filters-reset').disabled = isOpen(f);
  if (typesChanged && (view.center || view.path)) {
    await rebuild({ fresh: false });
  } else {
    graph.applyFilters(f);
    afterChange();
    status(`Filters applied: ${countText()}.`);
  }
  writeHash();
}

$('#filters').addEventListener('change', () => filtersChanged());

$('#filters').addEventListener('submit', (e) => {
  e.preventDefault();
  filtersChanged();
});
$('#filters-reset').addEventListener('click', async () => {
  const typesChanged = view.filters.types.length > 0;
  view.filters = noFilters();
  syncControls();
  if (typesChanged && (view.center || view.path)) await rebuild({ fresh: false });
  else {
    graph.applyFilters(view.filters);
    afterChange();
  }
  writeHash();
});
for (const [button, value] of [
  ['#types-all', true],
  ['#types-none', false],
]) {
  $(button).addEventListener('click', () => {
    for (const b of document.querySelectorAll('input[name="type"]')) b.checked = value;
    if (value) filtersChanged();
  });
}
$('#cap').addEventListener('change', async () => {
  view.cap = Number($('#cap').value);
  if (view.center) await rebuild({ fresh: false });
  writeHash({ push: true });
});
$('#depth').addEventListener('change', async () => {
  if (!view.center) return;
  view.depth = Number($('#depth').value);
  await rebuild({ fresh: true });
  writeHash({ push: true });
});

// --------------------------------------------------------------- timeline

const timeline = new Timeline($('#timeline'), {
  select: (id) => {
    const el = graph.element(id);
    graph.focus([id]);
    if (el) select(id);
    timeline.highlight([id]);
  },
  hover: (id) => {
    graph.cy.elements('.hover').removeClass('hover');
    if (id) graph.element(id)?.addClass('hover');
  },
});

let timelineKey = '';
let timelineEvents = [];
let timelineTimer = 0;

/**
 * Asks the API for the dated events of every entity shown (with the date
 * and type filters) and shows those of the policies and relationships
 * drawn; debounced, and cached while what is drawn stays the same.
 */
function refreshTimeline() {
  if (timelineTimer) clearTimeout(timelineTimer);
  else setBusy(1); // once per pending refresh, undone when it has run
  if (!view.timeline) {
    timelineTimer = 0;
    setBusy(-1);
    return;
  }
  timelineTimer = setTimeout(async () => {
    timelineTimer = 0;
    try {
      const { nodes, edges } = graph.shown();
      const ids = nodes.map((n) => n.id()).sort();
      const f = view.filters;
      const key = JSON.stringify([ids, f.from, f.to, f.types]);
      if (key !== timelineKey) {
        timelineEvents = ids.length ? await timelines(ids, { from: f.from, to: f.to, types: f.types }) : [];
        timelineKey = key;
      }
      const shownNodes = new Set(ids);
      const shownEdges = new Set(edges.map((e) => e.id()));
      const events = timelineEvents.filter((ev) => (ev.policy ? shownNodes.has(ev.policy.id) : shownEdges.has(ev.relationship.id)));
      const only = $('#tl-only').checked && view.sel;
      const sel = only ? graph.element(view.sel) : null;
      const mine = sel
        ? events.filter((ev) => {
            if (sel.isEdge()) return ev.relationship?.id === view.sel;
            return ev.policy?.id === view.sel || ev.relationship?.source === view.sel || ev.relationship?.target === view.sel;
          })
        : events;
      timeline.show(mine, { range: f.from || f.to ? [f.from, f.to] : null, note: '' });
      timeline.highlight(view.sel ? [view.sel] : view.center ? [] : []);
      const undated = nodes.filter((n) => n.data('kind') === 'POLICY' && !n.data('date') && !n.data('start')).length;
      $('#timeline-summary').textContent = `${plural(mine.length, 'dated event')} of ${only ? 'the selection' : 'what is drawn'}${undated ? `; ${plural(undated, 'undated policy', 'undated policies')} not shown` : ''}`;
    } catch (err) {
      showError(err);
    } finally {
      setBusy(-1);
    }
  }, 120);
}

function setTimelineOpen(open) {
  $('#timeline-toggle').setAttribute('aria-expanded', String(open));
  $('#timeline-area').classList.toggle('closed', !open);
  $('#timeline').hidden = !open;
}

$('#timeline-toggle').addEventListener('click', () => {
  view.timeline = !view.timeline;
  setTimelineOpen(view.timeline);
  writeHash();
  if (view.timeline) refreshTimeline();
  graph.cy.resize();
});
$('#tl-only').addEventListener('change', () => refreshTimeline());

// ----------------------------------------------------------------- export

async function exportAs(format) {
  clearError();
  const { nodes, edges } = graph.shown();
  if (nodes.empty()) {
    showError(userError('Nothing is drawn yet: search for an entity first.'));
    return;
  }
  const base = `policygraph-${slug(view.center ?? view.path?.from ?? 'graph')}`;
  const title = `policygraph: ${names.get(view.center) ?? 'graph'} (${plural(nodes.length, 'entity', 'entities')}, ${plural(edges.length, 'relationship')})`;
  await run(async () => {
    if (format === 'svg' || format === 'png') {
      const svg = toSVG(graph.cy, { title });
      if (format === 'svg') save(new Blob([svg], { type: 'image/svg+xml' }), `${base}.svg`);
      else save(await toPNG(graph.cy, svg), `${base}.png`);
    } else {
      const blob = await fetchExport(format, { nodes: nodes.map((n) => n.id()), edges: edges.map((e) => e.id()), types: view.filters.types });
      save(blob, `${base}.${FORMATS[format].ext}`);
    }
    const what = FORMATS[format]?.label ?? `${format.toUpperCase()} image`;
    status(`Exported ${plural(nodes.length, 'entity', 'entities')} and ${plural(edges.length, 'relationship')} as ${what}.`);
  });
  $('#export-menu').open = false;
}

for (const b of document.querySelectorAll('#export-menu [data-format]')) b.addEventListener('click', () => exportAs(b.dataset.format));

// -------------------------------------------------------- legend, contents

function renderLegend() {
  const { nodes, edges } = graph.shown();
  const kinds = new Map();
  nodes.forEach((n) => kinds.set(n.data('kind'), (kinds.get(n.data('kind')) ?? 0) + 1));
  const types = new Map();
  edges.forEach((e) => types.set(e.data('type'), (types.get(e.data('type')) ?? 0) + 1));
  const kindItems = Object.keys(KINDS).map((k) =>
    h('li', { class: kinds.has(k) ? '' : 'absent' }, kindSwatch(k), `${KINDS[k].label} (${KINDS[k].shapeName})`, kinds.has(k) ? h('span', { class: 'count' }, ` ${kinds.get(k)}`) : ''),
  );
  const degs = nodes.map((n) => n.data('degree') ?? 0);
  const top = Math.max(1, ...degs);
  const samples = [...new Set([1, Math.round(Math.sqrt(top)), top])].filter((d) => d >= 1);
  const sizes = h(
    'li',
    { class: 'sizes' },
    h('span', { class: 'visually-hidden' }, 'Node size grows with the number of relationships: '),
    samples.map((d) => {
      const dot = h('span', { class: 'size-dot', 'aria-hidden': 'true' });
      const px = Math.round(nodeSize(d) / 2.2);
      dot.style.width = dot.style.height = `${px}px`;
      return h('span', { class: 'size-sample' }, dot, `${d}`);
    }),
    h('span', { class: 'size-note', 'aria-hidden': 'true' }, ' relationships'),
  );
  const typeItems = [...types]
    .sort((a, b) => Object.keys(REL_TYPES).indexOf(a[0]) - Object.keys(REL_TYPES).indexOf(b[0]))
    .map(([t, n]) => h('li', { 'data-type': t }, typeSwatch(t), t, h('span', { class: 'count' }, ` ${n}`)));
  const extra = [];
  if (graph.cy.$('.path').nonempty()) {
    extra.push(h('li', {}, h('span', { class: 'swatch line line-path', 'aria-hidden': 'true' }), 'Path'));
  }
  if (graph.cy.nodes('.more').nonempty()) extra.push(h('li', {}, h('span', { class: 'swatch more-swatch', 'aria-hidden': 'true' }), '+N more: click to draw'));
  $('#legend-body').replaceChildren(
    h('h2', {}, 'Entities'),
    h('ul', { class: 'legend-kinds' }, kindItems),
    h('h2', {}, 'Size'),
    h('ul', { class: 'legend-sizes' }, sizes),
    h('h2', {}, 'Relationships'),
    typeItems.length ? h('ul', { class: 'legend-types' }, typeItems, extra) : h('p', { class: 'muted' }, 'None drawn.'),
  );
}

/**
 * A list of every entity and relationship drawn, as buttons: the drawing's
 * text alternative, and a way to reach each element from the keyboard.
 */
function renderContents() {
  const { nodes, edges } = graph.shown();
  $('#contents-summary').textContent = `Entities and relationships drawn (${nodes.length} and ${edges.length})`;
  const nodeList = h(
    'ul',
    { class: 'contents-nodes', 'aria-label': 'Entities' },
    nodes
      .sort((a, b) => a.data('label').localeCompare(b.data('label')))
      .map((n) => h('li', {}, h('button', { type: 'button', 'data-id': n.id(), onclick: () => openNode(n.id()) }, `${n.data('label')} (${kindStyle(n.data('kind')).label})`))),
  );
  const label = (id) => graph.node(id)?.data('label') ?? id;
  const edgeList = h(
    'ul',
    { class: 'contents-edges', 'aria-label': 'Relationships' },
    edges.map((e) =>
      h('li', {}, h('button', { type: 'button', 'data-id': e.id(), onclick: () => openEdge(e.id()) }, `${label(e.data('source'))} ${e.data('type')} ${label(e.data('target'))}`)),
    ),
  );
  const mores = graph.cy.nodes('.more').map((m) =>
    h('li', {}, h('button', { type: 'button', 'data-owner': m.data('owner'), onclick: () => more(m.data('owner')) }, `${label(m.data('owner'))}: ${m.data('display')}`)),
  );
  $('#contents-body').replaceChildren(
    h('h3', {}, 'Entities'),
    nodeList,
    h('h3', {}, 'Relationships'),
    edgeList,
    mores.length ? h('h3', {}, 'Not drawn yet') : '',
    mores.length ? h('ul', { class: 'contents-more', 'aria-label': 'Not drawn yet' }, mores) : '',
  );
}

// ----------------------------------------------------------------- wiring

const actions = {
  center: (e) => {
    searchBox.set({ id: e.id, label: e.name, kind: e.kind });
    showCenter({ id: e.id, label: e.name, kind: e.kind });
  },
  toggle: (e) => toggleOpen(e.id),
  pathFrom: (e) => setFrom({ id: e.id, label: e.name, kind: e.kind }),
  pathTo: (e) => {
    if (!pathEnds.from) {
      showError(userError('Pick where the path starts first.'));
      return;
    }
    setTo({ id: e.id, label: e.name, kind: e.kind });
  },
  relationship: (rel) => drawRelationship(rel),
};

const kindsParam = () => ({ kinds: view.filters.kinds });
const searchBox = new Combobox($('#search'), { onSelect: showCenter, onError: showError, params: kindsParam });
const fromBox = new Combobox($('#path-from'), {
  onSelect: (item) => {
    pathEnds.from = item;
    markEnds();
    if (pathEnds.to) findPaths();
  },
  onError: showError,
  params: kindsParam,
});
const toBox = new Combobox($('#path-to'), {
  onSelect: (item) => {
    pathEnds.to = item;
    markEnds();
    if (pathEnds.from) findPaths();
  },
  onError: showError,
  params: kindsParam,
});

$('#search-form').addEventListener('submit', (e) => e.preventDefault());
$('#path-form').addEventListener('submit', (e) => {
  e.preventDefault();
  findPaths();
});
$('#path-clear').addEventListener('click', clearPath);
$('#error-close').addEventListener('click', clearError);
$('#fit').addEventListener('click', () => {
  graph.fit();
  view.zoom = view.at = null;
  writeHash();
});
$('#relayout').addEventListener('click', async () => {
  await relayout({ fresh: true });
  view.zoom = view.at = null;
  writeHash();
});
$('#reset').addEventListener('click', () => {
  graph.clear();
  const next = emptyView();
  next.filters = view.filters;
  next.cap = view.cap;
  next.timeline = view.timeline;
  view = next;
  pathList = [];
  writeHash({ push: true });
  showPanel(helpView());
  status('Graph cleared.');
  afterChange();
});
$('#copy-link').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText(location.href);
    status('Link to this view copied.');
  } catch {
    status(`Link to this view: ${location.href}`);
  }
});

window.addEventListener('hashchange', follow);
window.addEventListener('popstate', follow);

showPanel(helpView());
renderLegend();
renderContents();
syncControls();
setBusy(0);

// Test hooks: the Cytoscape.js instance, for assertions on what is drawn;
// the library, to load an export into a fresh instance; and the view.
window.__cy = graph.cy;
window.__cytoscape = cytoscape;
window.__view = () => cloneView(view);

if (location.hash.length > 1) {
  follow().then(() => {
    if (view.center && view.sel == null) searchBox.set({ id: view.center, label: names.get(view.center) ?? view.center });
  });
} else {
  lastHash = '';
  status('Search for an entity to begin.');
}
