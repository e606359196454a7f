// What the browser tests share: the server's address, a browser over a
// fresh profile, pages that record problems, waiting for the explorer to
// be idle, picking suggestions, clicking drawn elements, and screenshots,
// which go to web/e2e/artifacts/ (git-ignored) on every run.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
export const BASE = (process.env.POLICYGRAPH_URL ?? '').replace(/\/$/, '');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');
export const TIMEOUT = 20_000;

if (!BASE) throw new Error('set POLICYGRAPH_URL to a running `policygraph serve` (scripts/e2e does)');

/** Starts Chromium over a fresh profile; close() ends it and removes the profile. */
export async function browser({ width = 1400, height = 900 } = {}) {
  await mkdir(ARTIFACTS, { recursive: true });
  const profile = await mkdtemp(path.join(tmpdir(), 'policygraph-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width, height },
    acceptDownloads: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Queries the API directly, for the expected values. */
export async function api(query, variables = {}) {
  const res = await fetch(`${BASE}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

/**
 * Opens a page that records every request to another origin and every
 * console error or uncaught exception, for the checks at the end.
 */
export async function openPage(context, url) {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const problems = { external: [], errors: [] };
  const origin = new URL(BASE).origin;
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (u.protocol !== 'data:' && u.protocol !== 'blob:' && u.origin !== origin) problems.external.push(req.url());
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.errors.push(msg.text());
  });
  page.on('pageerror', (err) => problems.errors.push(String(err)));
  await page.goto(`${BASE}${url}`);
  return { page, problems };
}

export function assertClean(problems) {
  assert.deepEqual(problems.external, [], 'requests to other hosts');
  assert.deepEqual(problems.errors, [], 'console errors');
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/**
 * Waits until cond(arg) holds in the page and the explorer has no request
 * in flight (the timeline's included). Polls on a timer: the pages' CSP
 * rules out eval, and animation frames may not run in a background page.
 */
export async function idle(page, cond = () => true, arg) {
  await page.waitForFunction(cond, arg, { polling: 50 });
  // The timeline starts its request a moment after a change.
  await page.waitForTimeout(200);
  await page.waitForFunction(() => document.body.dataset.busy === 'false', undefined, { polling: 50 });
}

/** Types into a search box and returns the suggestion with this name. */
export async function choose(page, input, text, name) {
  await page.locator(input).fill('');
  await page.locator(input).pressSequentially(text, { delay: 40 });
  const listbox = `#${await page.locator(input).getAttribute('aria-controls')}`;
  const option = page.locator(`${listbox} [role="option"]`, { hasText: name });
  await option.first().waitFor({ state: 'visible' });
  return option.first();
}

/**
 * Clicks an element of the drawing with the mouse, as a user would: pans
 * so that the node, or the middle of the edge, is at the middle of the
 * free part of the canvas (clear of the legend and toolbar), then clicks.
 */
export async function clickElement(page, id, modifiers = []) {
  const point = await page.evaluate((id) => {
    const cy = window.__cy;
    const el = cy.getElementById(id);
    if (el.empty()) throw new Error(`${id} is not drawn`);
    const at = el.isNode() ? el.position() : el.midpoint();
    const z = cy.zoom();
    const x = cy.width() * 0.6;
    const y = cy.height() * 0.55;
    cy.pan({ x: x - at.x * z, y: y - at.y * z });
    const box = cy.container().getBoundingClientRect();
    return { x: box.left + x, y: box.top + y };
  }, id);
  for (const m of modifiers) await page.keyboard.down(m);
  await page.mouse.click(point.x, point.y);
  for (const m of modifiers) await page.keyboard.up(m);
  await page.mouse.move(1, 1); // off the drawing: no hover left behind
}

/** How many entities and relationships are shown (not hidden by filters or folded). */
export const drawn = (page) =>
  page.evaluate(() => {
    const cy = window.__cy;
    const nodes = cy.nodes().not('.more, .hidden, .folded');
    const edges = cy.edges().not('.more, .hidden, .folded');
    return { nodes: nodes.length, edges: edges.length };
  });

/** The IDs of the entities and relationships shown, sorted. */
export const shownIDs = (page) =>
  page.evaluate(() => {
    const cy = window.__cy;
    return {
      nodes: cy.nodes().not('.more, .hidden, .folded').map((n) => n.id()).sort(),
      edges: cy.edges().not('.more, .hidden, .folded').map((e) => e.id()).sort(),
    };
  });

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function axe(page) {
  // Evaluated through the debugging protocol, which the page's CSP does
  // not govern; axe itself needs no eval.
  await page.evaluate(await readFile(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}
