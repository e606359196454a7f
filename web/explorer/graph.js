// The drawing: a Cytoscape.js instance holding every entity and
// relationship fetched for the view. It sizes nodes by degree, shows labels
// by zoom level and on hover (at a constant size on screen), draws "+N
// more" for opened nodes whose relationships are not all drawn, folds
// collapsed nodes' leaves away, hides what the filters leave out, and lays
// the graph out over the whole canvas.
//
// Classes on elements: hidden (left out by the filters), folded (a leaf of
// a collapsed node), more (a "+N more" handle, not an entity), center,
// expanded, collapsed, path, endpoint, focus (linked from the timeline),
// hover, near, label (label shown at this zoom).

import cytoscape from 'cytoscape';
import { keepsEdge, keepsNode } from './filters.js';
import { FONT, nodeSize, stylesheet } from './style.js';

let measurer = null;

/**
 * The lines a label wraps into at width (in pixels, at this font size), as
 * Cytoscape.js wraps text: at spaces, and at its "\n"s.
 */
export function wrapLabel(text, font, width) {
  measurer ??= document.createElement('canvas').getContext('2d');
  measurer.font = `${font}px ${FONT}`;
  const out = [];
  for (const para of String(text).split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      const next = line ? `${line} ${word}` : word;
      if (line && measurer.measureText(next).width > width) {
        out.push(line);
        line = word;
      } else line = next;
    }
    out.push(line);
  }
  return out;
}

/** The wrapped label's widest line (at most width) and its line count. */
function labelBox(text, font, width) {
  const lines = wrapLabel(text, font, width);
  const widest = Math.max(...lines.map((l) => measurer.measureText(l).width));
  return { w: Math.min(widest, width), lines: lines.length };
}

export { cytoscape };

/** A number in [0, 1) from a string, the same on every run. */
function hash01(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) / 4294967296;
}

const MAX_ZOOM_AFTER_FIT = 1.6;

export class GraphView {
  /**
   * @param {HTMLElement} container
   * @param {object} on  callbacks: node(node, event), edge(edge, event),
   *   more(ownerID), background(), viewport() (after a pan or zoom by the
   *   user), insets() ({left, top, right, bottom}: pixels of the canvas
   *   that other things cover)
   */
  constructor(container, on) {
    this.on = on;
    this.k = 1; // label scale: 1/zoom when zoomed out
    this.opened = new Map(); // ID -> 'expanded' | 'collapsed'
    this.pinned = new Set(); // IDs shown whatever the filters say (the path drawn)
    this.cy = cytoscape({
      container,
      style: stylesheet(() => this.k),
      minZoom: 0.1,
      maxZoom: 4,
      boxSelectionEnabled: false,
      selectionType: 'single',
    });
    const cy = this.cy;
    cy.on('tap', 'node', (e) => {
      if (e.target.hasClass('more')) on.more(e.target.data('owner'));
      else on.node(e.target, e.originalEvent ?? {});
    });
    cy.on('tap', 'edge', (e) => {
      if (!e.target.hasClass('more')) on.edge(e.target, e.originalEvent ?? {});
    });
    cy.on('tap', (e) => {
      if (e.target === cy) on.background();
    });
    cy.on('mouseover', 'node', (e) => this.hover(e.target, true));
    cy.on('mouseout', 'node', (e) => this.hover(e.target, false));
    cy.on('mouseover', 'edge', (e) => e.target.addClass('hover'));
    cy.on('mouseout', 'edge', (e) => e.target.removeClass('hover'));
    cy.on('mouseover', 'node.more', () => (container.style.cursor = 'pointer'));
    cy.on('mouseout', 'node.more', () => (container.style.cursor = ''));

    let timer = 0;
    cy.on('zoom', () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.updateLabels(), 40);
    });
    // A viewport change by the user (not by a fit or a layout).
    cy.on('dragpan scrollzoom pinchzoom', () => on.viewport?.());
  }

  /** Hovering a node shows its label, its relationships' labels and its neighbours'. */
  hover(node, on) {
    if (node.hasClass('more')) return;
    const edges = node.connectedEdges().not('.more');
    if (on) {
      node.addClass('hover');
      edges.addClass('hover');
      edges.connectedNodes().not(node).addClass('near');
    } else {
      this.cy.elements().removeClass('hover near');
    }
  }

  clear() {
    this.cy.elements().remove();
    this.opened.clear();
  }

  node(id) {
    const n = this.cy.getElementById(id);
    return n.nonempty() && n.isNode() && !n.hasClass('more') ? n : null;
  }

  element(id) {
    const el = this.cy.getElementById(id);
    return el.nonempty() && !el.hasClass('more') ? el : null;
  }

  /** Entities fetched (drawn or hidden), not "+N more" handles. */
  entities() {
    return this.cy.nodes().not('.more');
  }

  /** Relationships fetched, not the links of "+N more" handles. */
  relationships() {
    return this.cy.edges().not('.more');
  }

  /** What is on the canvas: the entities and relationships shown. */
  shown() {
    return {
      nodes: this.entities().not('.hidden, .folded'),
      edges: this.relationships().not('.hidden, .folded'),
    };
  }

  /**
   * Adds the nodes and edges not yet drawn and updates the data of those
   * that are (a fresh degree). New nodes start near `near` (a node ID), at
   * an angle fixed by their ID, so that the layout grows the graph from
   * there and a replayed view lands the same way. Returns how many nodes
   * and edges were added.
   */
  merge(nodes, edges, { near } = {}) {
    const cy = this.cy;
    const origin = near && this.node(near) ? this.node(near).position() : null;
    const add = [];
    for (const n of nodes) {
      const data = {
        id: n.id,
        label: n.label,
        kind: n.kind,
        type: n.type ?? '',
        status: n.status ?? '',
        date: n.date ?? '',
        start: n.start ?? '',
        end: n.end ?? '',
      };
      if (n.degree != null) data.degree = n.degree;
      const have = this.node(n.id);
      if (have) {
        have.data(data);
        continue;
      }
      data.degree ??= 0;
      const el = { group: 'nodes', data };
      if (origin) {
        const a = hash01(n.id) * 2 * Math.PI;
        el.position = { x: origin.x + 90 * Math.cos(a), y: origin.y + 90 * Math.sin(a) };
      }
      add.push(el);
    }
    const addedNodes = add.length;
    for (const e of edges) {
      if (cy.getElementById(e.id).nonempty()) continue;
      const data = { id: e.id, source: e.source, target: e.target, type: e.type, status: e.status ?? '', date: e.date ?? '', start: e.start ?? '', end: e.end ?? '' };
      add.push({ group: 'edges', data });
    }
    cy.add(add);
    return { nodes: addedNodes, edges: add.length - addedNodes };
  }

  /** Marks a node opened: its neighbours drawn ('expanded') or folded away ('collapsed'). */
  setOpened(id, how) {
    if (how) this.opened.set(id, how);
    else this.opened.delete(id);
  }

  /**
   * Folds away the leaves of each collapsed node: neighbours drawn only
   * for it (joined to no other shown entity, not opened, not on the path,
   * not the centre), and unfolds the rest.
   */
  fold() {
    const cy = this.cy;
    cy.nodes('.folded').removeClass('folded');
    cy.edges('.folded').removeClass('folded');
    for (const [id, how] of this.opened) {
      if (how !== 'collapsed') continue;
      const owner = this.node(id);
      if (!owner) continue;
      owner.connectedEdges().not('.more, .hidden').connectedNodes().not(owner).forEach((n) => {
        if (n.hasClass('center') || n.hasClass('path') || n.hasClass('endpoint') || this.opened.has(n.id())) return;
        const others = n.connectedEdges().not('.more, .hidden, .folded').connectedNodes().not(n).not(owner).not('.hidden, .folded');
        if (others.nonempty()) return;
        n.addClass('folded');
        n.connectedEdges().addClass('folded');
      });
    }
  }

  /**
   * How many of a node's relationships (of the followed types) are not on
   * the canvas: not fetched, or folded away.
   */
  undrawn(node) {
    const drawn = node.connectedEdges().not('.more, .folded');
    return Math.max(0, (node.data('degree') ?? 0) - drawn.length);
  }

  /**
   * Hides what the filters leave out (an edge goes with either end), but
   * not what is pinned, then refolds, recounts "+N more" and relabels.
   */
  applyFilters(filters) {
    const cy = this.cy;
    cy.batch(() => {
      this.entities().forEach((n) => n.toggleClass('hidden', !this.pinned.has(n.id()) && !keepsNode(n.data(), filters)));
      this.relationships().forEach((e) => {
        const off = !this.pinned.has(e.id()) && (!keepsEdge(e.data(), filters) || e.source().hasClass('hidden') || e.target().hasClass('hidden'));
        e.toggleClass('hidden', off);
      });
      this.fold();
      this.refreshMore();
    });
    this.updateLabels();
  }

  /**
   * Draws a "+N more" handle by each opened node with relationships not on
   * the canvas, and "+N" under the name of other nodes that have some.
   */
  refreshMore() {
    const cy = this.cy;
    cy.batch(() => {
      const want = new Map();
      this.entities().forEach((n) => {
        const count = this.undrawn(n);
        const opened = this.opened.has(n.id());
        n.data('size', nodeSize(n.data('degree') ?? 0));
        n.data('display', !opened && count > 0 ? `${n.data('label')}\n+${count}` : n.data('label'));
        n.toggleClass('expanded', this.opened.get(n.id()) === 'expanded');
        n.toggleClass('collapsed', this.opened.get(n.id()) === 'collapsed');
        if (opened && count > 0 && !n.hasClass('hidden') && !n.hasClass('folded')) want.set(n.id(), count);
      });
      cy.nodes('.more').forEach((m) => {
        if (!want.has(m.data('owner'))) m.remove();
      });
      for (const [owner, count] of want) {
        const id = `more:${owner}`;
        const label = `+${count} more`;
        const have = cy.getElementById(id);
        if (have.nonempty()) {
          have.data({ count, display: label });
          continue;
        }
        const at = this.node(owner).position();
        const a = hash01(owner) * 2 * Math.PI;
        cy.add([
          { group: 'nodes', classes: 'more', data: { id, owner, count, display: label, size: 10 }, position: { x: at.x + 70 * Math.cos(a), y: at.y + 70 * Math.sin(a) } },
          { group: 'edges', classes: 'more', data: { id: `more-edge:${owner}`, source: owner, target: id } },
        ]);
      }
    });
  }

  /**
   * Shows as many node labels as fit without overlapping, at 12 pixels or
   * more on screen: the centre and opened nodes first, then by degree, so
   * that zooming in names more nodes and zooming out keeps the hubs named.
   * Relationship types are shown from 110% zoom. Hover, selection, the
   * path and the timeline's focus show theirs at any zoom.
   */
  updateLabels() {
    const cy = this.cy;
    const z = cy.zoom();
    // Zoomed out, labels keep their size on screen; zoomed in, they grow
    // with the square root of the zoom, slower than the drawing.
    const k = z < 1 ? 1 / z : 1 / Math.sqrt(z);
    if (Math.abs(k - this.k) > 1e-3) {
      this.k = k;
      cy.style().update();
    }
    const { nodes, edges } = this.shown();
    const font = 12 * z * k; // label size on screen, in pixels
    const rank = (n) => (n.hasClass('center') ? 0 : this.opened.has(n.id()) || n.hasClass('path') || n.hasClass('endpoint') ? 1 : 2);
    const order = nodes.toArray().sort((a, b) => rank(a) - rank(b) || (b.data('degree') ?? 0) - (a.data('degree') ?? 0) || (a.id() < b.id() ? -1 : 1));
    const boxes = [];
    const overlaps = (b) => boxes.some((o) => b.x1 < o.x2 && b.x2 > o.x1 && b.y1 < o.y2 && b.y2 > o.y1);
    const show = new Set();
    for (const n of order) {
      const p = n.renderedPosition();
      const r = ((n.data('size') ?? 24) * z) / 2;
      const { w, lines } = labelBox(n.data('display') ?? '', font, 170 * (font / 12));
      const box = { x1: p.x - w / 2 - 3, x2: p.x + w / 2 + 3, y1: p.y + r + 1, y2: p.y + r + 4 + lines * font * 1.25 };
      if (rank(n) < 2 || (nodes.length <= 800 && !overlaps(box))) {
        show.add(n.id());
        boxes.push(box);
      }
    }
    cy.batch(() => {
      nodes.forEach((n) => n.toggleClass('label', show.has(n.id())));
      edges.forEach((e) => e.toggleClass('label', z >= 1.1 && edges.length <= 300));
    });
  }

  /**
   * Lays out what is shown with the cose force layout, then stretches it to
   * the canvas's proportions so that the drawing fills the canvas, and fits
   * it. fresh starts from positions fixed by the IDs (so a view restored
   * from a URL lands as it was laid out fresh); else from where nodes are.
   */
  async layout({ fresh = false } = {}) {
    const cy = this.cy;
    const eles = cy.elements().not('.hidden, .folded');
    const nodes = eles.nodes();
    if (!nodes.length) return;
    if (fresh) {
      const r = 40 * Math.sqrt(nodes.length);
      nodes.forEach((n) => {
        const a = hash01(n.id()) * 2 * Math.PI;
        const d = r * Math.sqrt(hash01(`${n.id()}#r`));
        n.position({ x: d * Math.cos(a), y: d * Math.sin(a) });
      });
    }
    const big = nodes.length > 250;
    const layout = eles.layout({
      name: 'cose',
      animate: false,
      randomize: false,
      fit: false,
      nodeDimensionsIncludeLabels: false,
      idealEdgeLength: (e) => (e.hasClass('more') ? 40 : 80 + 0.6 * (e.source().data('size') + e.target().data('size'))),
      edgeElasticity: (e) => (e.hasClass('more') ? 200 : 100),
      nodeRepulsion: (n) => 6000 + 60 * (n.data('size') ?? 20) ** 2,
      nodeOverlap: 20,
      gravity: 0.5,
      numIter: big ? 400 : 1500,
      componentSpacing: 80,
    });
    const done = layout.promiseOn('layoutstop');
    layout.run();
    await done;
    this.stretch(nodes);
    this.fit();
  }

  /**
   * Scales node positions apart along one axis until the drawing has the
   * canvas's proportions (by 2.5 at most, so chains stay chains): a wide
   * canvas gets a wide drawing instead of a band in its middle.
   */
  stretch(nodes) {
    const { w, h } = this.free();
    if (!w || !h || nodes.length < 3) return;
    const bb = nodes.boundingBox({ includeLabels: false });
    if (!bb.w || !bb.h) return;
    const want = w / h;
    const have = bb.w / bb.h;
    const sx = have < want ? Math.min(want / have, 2.5) : 1;
    const sy = have > want ? Math.min(have / want, 2.5) : 1;
    if (sx === 1 && sy === 1) return;
    const cx = (bb.x1 + bb.x2) / 2;
    const cyy = (bb.y1 + bb.y2) / 2;
    nodes.positions((n) => {
      const p = n.position();
      return { x: cx + (p.x - cx) * sx, y: cyy + (p.y - cyy) * sy };
    });
  }

  /**
   * The part of the canvas that nothing covers: its size less the insets
   * that on.insets() gives (the legend, the toolbar), and a margin.
   */
  free() {
    const ins = { left: 0, top: 0, right: 0, bottom: 0, ...(this.on.insets?.() ?? {}) };
    const pad = 24;
    return { x: ins.left + pad, y: ins.top + pad, w: Math.max(50, this.cy.width() - ins.left - ins.right - 2 * pad), h: Math.max(50, this.cy.height() - ins.top - ins.bottom - 2 * pad) };
  }

  /**
   * Fits what is shown (or eles) in the free part of the canvas, zooming in
   * to 160% at most.
   */
  fit(eles) {
    const cy = this.cy;
    const target = eles ?? cy.elements().not('.hidden, .folded');
    if (target.empty()) return;
    const f = this.free();
    // Fit the nodes first, then again with the labels that zoom shows.
    for (let i = 0; i < 2; i++) {
      const bb = target.boundingBox({ includeLabels: i > 0, includeOverlays: false });
      const z = Math.max(cy.minZoom(), Math.min(MAX_ZOOM_AFTER_FIT, f.w / Math.max(bb.w, 1), f.h / Math.max(bb.h, 1)));
      cy.viewport({
        zoom: z,
        pan: { x: f.x + (f.w - bb.w * z) / 2 - bb.x1 * z, y: f.y + (f.h - bb.h * z) / 2 - bb.y1 * z },
      });
      this.updateLabels();
    }
  }

  /** Marks the path's nodes and edges and fades everything else. */
  highlightPath(nodeIDs, edgeIDs) {
    this.clearPath();
    const on = this.cy.collection();
    for (const id of [...nodeIDs, ...edgeIDs]) on.merge(this.cy.getElementById(id));
    on.addClass('path');
    this.cy.elements().not(on).addClass('faded');
  }

  clearPath() {
    this.cy.elements().removeClass('path faded');
  }

  /** Marks the nodes picked as ends of a path. */
  markEndpoints(ids) {
    this.cy.nodes().removeClass('endpoint');
    for (const id of ids) this.node(id)?.addClass('endpoint');
  }

  /** Marks elements linked from the timeline, and brings them into view. */
  focus(ids, { pan = true } = {}) {
    const cy = this.cy;
    cy.elements('.focus').removeClass('focus');
    const on = cy.collection();
    for (const id of ids) {
      const el = this.element(id);
      if (el) on.merge(el);
    }
    on.addClass('focus');
    if (pan && on.nonempty()) {
      const ext = cy.extent();
      const bb = on.boundingBox();
      const inView = bb.x1 >= ext.x1 && bb.x2 <= ext.x2 && bb.y1 >= ext.y1 && bb.y2 <= ext.y2;
      if (!inView) cy.center(on);
    }
    return on;
  }

  /**
   * The view's middle as the node nearest it and the offset from that
   * node, in graph units: what a URL keeps of the pan.
   */
  anchor() {
    const cy = this.cy;
    const ext = cy.extent();
    const mid = { x: (ext.x1 + ext.x2) / 2, y: (ext.y1 + ext.y2) / 2 };
    let best = null;
    let bestD = Infinity;
    this.shown().nodes.forEach((n) => {
      const p = n.position();
      const d = (p.x - mid.x) ** 2 + (p.y - mid.y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = n;
      }
    });
    if (!best) return null;
    const p = best.position();
    return { id: best.id(), dx: mid.x - p.x, dy: mid.y - p.y };
  }

  /** Sets the zoom and puts the anchor's point at the view's middle. */
  restoreViewport(zoom, at) {
    const cy = this.cy;
    if (zoom) cy.zoom(Math.min(cy.maxZoom(), Math.max(cy.minZoom(), zoom)));
    const n = at && this.node(at.id);
    if (n) {
      const p = n.position();
      const z = cy.zoom();
      cy.pan({ x: cy.width() / 2 - (p.x + at.dx) * z, y: cy.height() / 2 - (p.y + at.dy) * z });
    }
    this.updateLabels();
  }

  /** Node positions by ID, to keep the drawing steady across a refetch. */
  positions() {
    const out = new Map();
    this.entities().forEach((n) => out.set(n.id(), { ...n.position() }));
    return out;
  }

  counts() {
    const { nodes, edges } = this.shown();
    return { nodes: nodes.length, edges: edges.length, hidden: this.entities().length - nodes.length };
  }
}
