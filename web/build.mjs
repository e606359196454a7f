// Builds the explorer and GraphiQL into dist/, which the Go package embeds:
//
//   dist/explore/index.html            dist/graphiql/index.html
//   dist/explore/assets/*-HASH.{js,css} dist/graphiql/assets/*-HASH.{js,css}
//
// Asset names carry a hash of their content, so the server can let browsers
// cache them for good; each page is written from its template with the
// hashed names filled in. dist/sources.sha256 records a hash of the
// sources, which a Go test recomputes to catch a dist/ left unbuilt. Run
// with `npm run build` (after `npm ci`).

import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, 'dist');

const apps = [
  { name: 'explore', entry: { explorer: 'explorer/main.js' }, page: 'explorer/index.html' },
  { name: 'graphiql', entry: { graphiql: 'graphiql/main.jsx' }, page: 'graphiql/index.html' },
];

// GraphiQL's stylesheet embeds its web fonts (about 400 kB of base64);
// the page sets system fonts instead, so the @font-face rules are dropped.
const dropWebFonts = {
  name: 'drop-web-fonts',
  setup(b) {
    b.onLoad({ filter: /graphiql[\\/]dist[\\/]style\.css$/ }, async (args) => {
      const css = await readFile(args.path, 'utf8');
      return { contents: css.replace(/@font-face\s*\{[^}]*\}/g, ''), loader: 'css' };
    });
  },
};

// The files dist/ is built from; web_test.go hashes the same list the
// same way: for each path in order, "path\n" and the hex SHA-256 of its
// content and "\n", all hashed with SHA-256.
async function sourcesHash() {
  const names = ['build.mjs', 'package.json', 'package-lock.json'];
  for (const dir of ['explorer', 'graphiql']) {
    for (const f of await readdir(path.join(root, dir))) names.push(`${dir}/${f}`);
  }
  names.sort();
  const all = createHash('sha256');
  for (const name of names) {
    const sum = createHash('sha256').update(await readFile(path.join(root, name))).digest('hex');
    all.update(`${name}\n${sum}\n`);
  }
  return all.digest('hex');
}

await rm(dist, { recursive: true, force: true });

for (const app of apps) {
  const outdir = path.join(dist, app.name, 'assets');
  const result = await build({
    absWorkingDir: root,
    entryPoints: app.entry,
    outdir,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    plugins: [dropWebFonts],
  });

  // The page's script and stylesheet: the entry's output and its CSS.
  const [js, meta] = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint);
  if (!meta.cssBundle) throw new Error(`${app.name}: the entry imports no CSS`);
  const url = (file) => `/${app.name}/assets/${path.basename(file)}`;

  const template = await readFile(path.join(root, app.page), 'utf8');
  const html = template.replace('{{js}}', url(js)).replace('{{css}}', url(meta.cssBundle));
  if (html.includes('{{')) throw new Error(`${app.page}: a placeholder is left`);
  await mkdir(path.join(dist, app.name), { recursive: true });
  await writeFile(path.join(dist, app.name, 'index.html'), html);

  for (const [file, o] of Object.entries(result.metafile.outputs)) {
    console.log(`${path.relative(root, path.join(root, file)).padEnd(48)} ${(o.bytes / 1024).toFixed(1).padStart(8)} kB`);
  }
}

await writeFile(path.join(dist, 'sources.sha256'), `${await sourcesHash()}\n`);
