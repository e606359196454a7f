// The drawing: a Cytoscape.js instance holding every entity and
// relationship fetched so far, laid out with the cose layout that ships
// with Cytoscape.js.

import cytoscape from 'cytoscape';

export { cytoscape };
import { stylesheet } from './style.js';

export class GraphView {
  /**
   * @param {HTMLElement} container
   * @param {object} on  callbacks: node(node, event), edge(edge, event), background()
   */
  constructor(container, on) {
    this.cy = cytoscape({
      container,
      style: stylesheet(),
      minZoom: 0.2,
      maxZoom: 3,
      boxSelectionEnabled: false,
      selectionType: 'single',
    });
    this.cy.on('tap', 'node', (e) => on.node(e.target, e.originalEvent ?? {}));
    this.cy.on('tap', 'edge', (e) => on.edge(e.target, e.originalEvent ?? {}));
    this.cy.on('tap', (e) => {
      if (e.target === this.cy) on.background();
    });
  }

  clear() {
    this.cy.elements().remove();
  }

  node(id) {
    const n = this.cy.getElementById(id);
    return n.nonempty() ? n : null;
  }

  /**
   * Adds the nodes and edges not yet drawn; new nodes start near `near` (a
   * node ID) so that the layout grows the graph from there. Returns how
   * many nodes and edges were added.
   */
  merge(nodes, edges, { near } = {}) {
    const origin = near && this.node(near) ? this.node(near).position() : null;
    const add = [];
    for (const n of nodes) {
      if (this.node(n.id)) continue;
      const el = { group: 'nodes', data: { id: n.id, label: n.label, kind: n.kind, type: n.type ?? '' } };
      if (origin) {
        const a = Math.random() * 2 * Math.PI;
        el.position = { x: origin.x + 80 * Math.cos(a), y: origin.y + 80 * Math.sin(a) };
      }
      add.push(el);
    }
    const addedNodes = add.length;
    for (const e of edges) {
      if (this.cy.getElementById(e.id).nonempty()) continue;
      add.push({ group: 'edges', data: { id: e.id, source: e.source, target: e.target, type: e.type } });
    }
    this.cy.add(add);
    return { nodes: addedNodes, edges: add.length - addedNodes };
  }

  /** Lays the graph out; randomize starts afresh, else from where nodes are. */
  layout({ randomize = false } = {}) {
    const layout = this.cy.layout({
      name: 'cose',
      animate: false,
      randomize,
      fit: true,
      padding: 40,
      nodeDimensionsIncludeLabels: true,
      idealEdgeLength: () => 110,
      nodeRepulsion: () => 9000,
      numIter: 1500,
    });
    const done = layout.promiseOn('layoutstop').then(() => this.limitZoom());
    layout.run();
    return done;
  }

  /** Zooms out to 1.5 at most after a fit, so that a small graph is not drawn huge. */
  limitZoom() {
    if (this.cy.zoom() <= 1.5) return;
    this.cy.zoom(1.5);
    this.cy.center();
  }

  /** Marks the path's nodes and edges and fades everything else. */
  highlightPath(nodeIDs, edgeIDs) {
    this.clearPath();
    const on = this.cy.collection();
    for (const id of [...nodeIDs, ...edgeIDs]) on.merge(this.cy.getElementById(id));
    on.addClass('path');
    this.cy.elements().not(on).addClass('faded');
    this.cy.elements().unselect();
    this.cy.fit(on, 80);
    if (this.cy.zoom() > 1.5) {
      this.cy.zoom(1.5);
      this.cy.center(on);
    }
  }

  clearPath() {
    this.cy.elements().removeClass('path faded');
  }

  /** Marks the nodes picked as ends of a path. */
  markEndpoints(ids) {
    this.cy.nodes().removeClass('endpoint');
    for (const id of ids) this.node(id)?.addClass('endpoint');
  }

  counts() {
    return { nodes: this.cy.nodes().length, edges: this.cy.edges().length };
  }
}
