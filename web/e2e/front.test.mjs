// Browser test of the front door (/) against a live `policygraph serve`
// over the in-memory seed; scripts/e2e starts the server and runs this file
// after explorer.test.mjs. By hand:
//
//   POLICYGRAPH_URL=http://127.0.0.1:8080 node --test web/e2e/front.test.mjs
//
// It drives Debian's Chromium (CHROMIUM) with playwright-core and writes
// its screenshot to web/e2e/artifacts/front-door.png.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const BASE = (process.env.POLICYGRAPH_URL ?? '').replace(/\/$/, '');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');
const TIMEOUT = 15_000;

if (!BASE) throw new Error('set POLICYGRAPH_URL to a running `policygraph serve` (scripts/e2e does)');

let context;
let profile;

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  profile = await mkdtemp(path.join(tmpdir(), 'policygraph-e2e-front-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

describe('front door', () => {
  let page;
  const problems = { external: [], errors: [] };

  before(async () => {
    page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const origin = new URL(BASE).origin;
    page.on('request', (req) => {
      const u = new URL(req.url());
      if (u.protocol !== 'data:' && u.origin !== origin) problems.external.push(req.url());
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.errors.push(msg.text());
    });
    page.on('pageerror', (err) => problems.errors.push(String(err)));
    const res = await page.goto(`${BASE}/`);
    assert.equal(res.status(), 200);
  });

  it('shows the counts of the API', async () => {
    const res = await fetch(`${BASE}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: '{ stats { entities relationships } }' }),
    });
    const { data } = await res.json();
    const totals = await page.locator('#totals').textContent();
    assert.match(totals, new RegExp(`^${data.stats.entities} entities, ${data.stats.relationships} relationships`));
    assert.ok((await page.locator('#stats-kinds tbody tr').count()) === 4, 'a row per kind');
    await page.screenshot({ path: path.join(ARTIFACTS, 'front-door.png'), fullPage: true });
  });

  it('links the explorer, GraphiQL, the schema, the exports and the health endpoints, and every link answers', async () => {
    const hrefs = await page.locator('main a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const want of ['/explore', '/graphiql', '/schema.graphql', '/export/gexf', '/export/graphml', '/export/cytoscape.json', '/healthz', '/readyz', '/metrics']) {
      assert.ok(hrefs.includes(want), `links ${want}`);
    }
    for (const href of hrefs) {
      const res = await context.request.get(new URL(href, BASE).href);
      assert.equal(res.status(), 200, `GET ${href}`);
    }
  });

  it('leads to the explorer', async () => {
    await page.locator('main a[href="/explore"]').click();
    await page.locator('#search').waitFor();
    assert.equal(new URL(page.url()).pathname, '/explore');
    await page.goBack();
    await page.locator('#totals').waitFor();
  });

  it('has no serious or critical accessibility violations (axe-core)', async () => {
    await page.evaluate(await readFile(require.resolve('axe-core/axe.min.js'), 'utf8'));
    const violations = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    });
    assert.deepEqual(violations, []);
  });

  it('loads nothing from another host and logs no console error', () => {
    assert.deepEqual(problems.external, [], 'requests to other hosts');
    assert.deepEqual(problems.errors, [], 'console errors');
  });

  it('is at the root alone: an unknown path is a 404, not the front door', async () => {
    const res = await context.request.get(`${BASE}/no-such-page`);
    assert.equal(res.status(), 404);
    assert.doesNotMatch(await res.text(), /<title>policygraph<\/title>/);
    await page.close();
  });
});
