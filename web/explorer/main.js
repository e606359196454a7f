// The explorer page: search for an entity, draw its neighbourhood, expand
// nodes, read a relationship's evidence and find the shortest path between
// two entities. The test hooks on window are documented in package web.

import './style.css';
import { APIError, entity, neighborhood, relationship, shortestPath } from './api.js';
import { Combobox } from './combobox.js';
import { GraphView, cytoscape } from './graph.js';
import { entityView, h, helpView, pathView, relationshipView } from './panel.js';
import { KINDS } from './style.js';

const NEIGHBOURS = 60; // the most entities one neighbourhood fetch adds
const MAX_HOPS = 6; // the longest path looked for (the API's default maximum)

const $ = (sel) => document.querySelector(sel);

const state = {
  center: null, // ID of the entity searched for
  expanded: new Set(), // IDs whose neighbourhoods are drawn
  from: null, // ends of the path, as {id, label, kind}
  to: null,
};

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

function showError(err) {
  const box = $('#error');
  const prefix = err instanceof APIError ? 'GraphQL error: ' : 'Error: ';
  $('#error-text').textContent = prefix + err.message;
  box.hidden = false;
  console.error(err);
}

function clearError() {
  $('#error').hidden = true;
  $('#error-text').textContent = '';
}

function status(text) {
  $('#status').textContent = text;
}

function countText() {
  const { nodes, edges } = graph.counts();
  return `${nodes} ${nodes === 1 ? 'entity' : 'entities'}, ${edges} ${edges === 1 ? 'relationship' : 'relationships'}`;
}

function showPanel(content) {
  $('#details').replaceChildren(content);
}

// ------------------------------------------------------------------- graph

const graph = new GraphView($('#graph'), {
  node: (node, ev) => (ev.shiftKey ? pickPathEnd(nodeItem(node)) : openNode(node.id())),
  edge: (edge) => openEdge(edge.id()),
  background: () => {},
});

function nodeItem(node) {
  return { id: node.id(), label: node.data('label'), kind: node.data('kind') };
}

/** Starts over from one entity: its neighbourhood alone is drawn. */
async function showCenter(item) {
  clearError();
  await run(async () => {
    const depth = Number($('#depth').value) || 1;
    const [sub, detail] = await Promise.all([neighborhood(item.id, { depth, limit: NEIGHBOURS }), entity(item.id)]);
    graph.clear();
    state.center = item.id;
    state.expanded = new Set([item.id]);
    graph.merge(sub.nodes, sub.edges);
    graph.node(item.id)?.addClass('center expanded');
    graph.markEndpoints([state.from?.id, state.to?.id].filter(Boolean));
    await graph.layout({ randomize: true });
    graph.node(item.id)?.select();
    history.replaceState(null, '', `#center=${encodeURIComponent(item.id)}`);
    showPanel(entityView(detail, actions));
    status(`${detail.name}: ${countText()}${sub.truncated ? ` (more within reach; the nearest ${NEIGHBOURS} are shown)` : ''}.`);
    renderContents();
  });
}

/** Selects a node, shows what it is, and draws its neighbours. */
async function openNode(id) {
  clearError();
  await run(async () => {
    const expand = !state.expanded.has(id);
    const [detail, sub] = await Promise.all([entity(id), expand ? neighborhood(id, { depth: 1, limit: NEIGHBOURS }) : null]);
    showPanel(entityView(detail, actions));
    if (!sub) {
      status(`${detail.name} is expanded already: ${countText()}.`);
      return;
    }
    state.expanded.add(id);
    const added = graph.merge(sub.nodes, sub.edges, { near: id });
    graph.node(id)?.addClass('expanded');
    if (added.nodes || added.edges) await graph.layout();
    graph.node(id)?.select();
    status(
      `Expanded ${detail.name}: ${added.nodes} new ${added.nodes === 1 ? 'entity' : 'entities'}, ` +
        `${added.edges} new ${added.edges === 1 ? 'relationship' : 'relationships'}; ${countText()}.` +
        (sub.truncated ? ` Only the nearest ${NEIGHBOURS} neighbours were fetched.` : ''),
    );
    renderContents();
  });
}

/** Shows a relationship with every quote that supports it. */
async function openEdge(id) {
  clearError();
  await run(async () => {
    const r = await relationship(id);
    graph.cy.getElementById(id).select();
    showPanel(relationshipView(r));
    status(`${r.type} from ${r.from.name} to ${r.to.name}: ${r.evidence.length} ${r.evidence.length === 1 ? 'quote' : 'quotes'}.`);
  });
}

// -------------------------------------------------------------------- path

function pickPathEnd(item) {
  if (!state.from || state.to) setFrom(item);
  else setTo(item);
}

function setFrom(item) {
  state.from = item;
  state.to = null;
  fromBox.set(item);
  toBox.set(null);
  graph.clearPath();
  graph.markEndpoints([item.id]);
  status(`Path from ${item.label}: now pick where it goes to (shift-click a node or fill in “to”).`);
  $('#path-to').focus();
}

function setTo(item) {
  state.to = item;
  toBox.set(item);
  if (state.from) findPath();
}

async function findPath() {
  clearError();
  if (!state.from || !state.to) {
    showError(new Error('Pick both ends of the path: where it starts and where it goes to.'));
    return;
  }
  const { from, to } = state;
  await run(async () => {
    const path = await shortestPath(from.id, to.id, { maxHops: MAX_HOPS });
    if (!path) {
      graph.clearPath();
      status(`No path between ${from.label} and ${to.label} within ${MAX_HOPS} hops.`);
      showPanel(h('div', { class: 'path-view' }, h('h2', {}, 'No path'), h('p', {}, `${from.label} and ${to.label} are not joined within ${MAX_HOPS} hops.`)));
      return;
    }
    const wasEmpty = graph.counts().nodes === 0;
    const near = path.nodes.find((n) => graph.node(n.id))?.id;
    const added = graph.merge(path.nodes, path.edges, { near });
    graph.markEndpoints([from.id, to.id]);
    if (added.nodes || added.edges) await graph.layout({ randomize: wasEmpty });
    graph.highlightPath(
      path.nodes.map((n) => n.id),
      path.edges.map((e) => e.id),
    );
    showPanel(pathView(path));
    status(`Shortest path from ${from.label} to ${to.label}: ${path.length} ${path.length === 1 ? 'hop' : 'hops'}; ${countText()}.`);
    renderContents();
  });
}

function clearPath() {
  state.from = state.to = null;
  fromBox.set(null);
  toBox.set(null);
  graph.clearPath();
  graph.markEndpoints([]);
  status(`Path cleared; ${countText()}.`);
}

// ------------------------------------------------------- keyboard contents

/**
 * Lists what is drawn as buttons, so that every node and relationship can
 * be reached without a pointer.
 */
function renderContents() {
  const { nodes, edges } = graph.counts();
  $('#contents-summary').textContent = `Entities and relationships drawn (${nodes}, ${edges})`;
  const names = new Map(graph.cy.nodes().map((n) => [n.id(), n.data('label')]));
  const nodeList = h(
    'ul',
    { class: 'contents-nodes', 'aria-label': 'Entities' },
    graph.cy
      .nodes()
      .sort((a, b) => a.data('label').localeCompare(b.data('label')))
      .map((n) =>
        h('li', {}, h('button', { type: 'button', 'data-id': n.id(), onclick: () => openNode(n.id()) }, `${n.data('label')} (${KINDS[n.data('kind')]?.label ?? 'entity'})`)),
      ),
  );
  const edgeList = h(
    'ul',
    { class: 'contents-edges', 'aria-label': 'Relationships' },
    graph.cy.edges().map((e) =>
      h(
        'li',
        {},
        h('button', { type: 'button', 'data-id': e.id(), onclick: () => openEdge(e.id()) }, `${names.get(e.data('source'))} ${e.data('type')} ${names.get(e.data('target'))}`),
      ),
    ),
  );
  $('#contents-body').replaceChildren(h('h3', {}, 'Entities'), nodeList, h('h3', {}, 'Relationships'), edgeList);
}

// ----------------------------------------------------------------- wiring

const actions = {
  center: (e) => {
    searchBox.set({ id: e.id, label: e.name, kind: e.kind });
    showCenter({ id: e.id, label: e.name, kind: e.kind });
  },
  pathFrom: (e) => setFrom({ id: e.id, label: e.name, kind: e.kind }),
  pathTo: (e) => {
    if (!state.from) {
      showError(new Error('Pick where the path starts first.'));
      return;
    }
    setTo({ id: e.id, label: e.name, kind: e.kind });
  },
};

const searchBox = new Combobox($('#search'), { onSelect: showCenter, onError: showError });
const fromBox = new Combobox($('#path-from'), {
  onSelect: (item) => {
    state.from = item;
    graph.markEndpoints([item.id, state.to?.id].filter(Boolean));
    if (state.to) findPath();
  },
  onError: showError,
});
const toBox = new Combobox($('#path-to'), {
  onSelect: (item) => {
    state.to = item;
    graph.markEndpoints([state.from?.id, item.id].filter(Boolean));
    if (state.from) findPath();
  },
  onError: showError,
});

$('#search-form').addEventListener('submit', (e) => e.preventDefault());
$('#path-form').addEventListener('submit', (e) => {
  e.preventDefault();
  findPath();
});
$('#path-clear').addEventListener('click', clearPath);
$('#error-close').addEventListener('click', clearError);
$('#fit').addEventListener('click', () => graph.cy.fit(undefined, 40));
$('#relayout').addEventListener('click', () => graph.layout({ randomize: true }));
$('#reset').addEventListener('click', () => {
  graph.clear();
  state.center = null;
  state.expanded.clear();
  history.replaceState(null, '', location.pathname);
  showPanel(helpView());
  status('Graph cleared.');
  renderContents();
});

function renderLegend() {
  const items = Object.values(KINDS).map((k) => {
    const sw = h('span', { class: `swatch shape-${k.shape}`, 'aria-hidden': 'true' });
    sw.style.background = k.color;
    return h('li', {}, sw, `${k.label} (${k.shapeName})`);
  });
  const path = h('span', { class: 'swatch line-path', 'aria-hidden': 'true' });
  items.push(h('li', {}, path, 'Shortest path'));
  $('#legend').replaceChildren(h('h2', {}, 'Legend'), h('ul', {}, items));
}

renderLegend();
showPanel(helpView());
renderContents();
setBusy(0);

// Test hook: the Cytoscape.js instance, for assertions on what is drawn.
window.__cy = graph.cy;
// Test hook: the Cytoscape.js library, to load an export into a fresh instance.
window.__cytoscape = cytoscape;

const start = new URLSearchParams(location.hash.slice(1)).get('center');
if (start) showCenter({ id: start, label: start, kind: null });
else status('Search for an entity to begin.');
