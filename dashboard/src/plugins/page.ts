import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const publicDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'public');
const require = createRequire(import.meta.url);

/** A package's folder, found the way Node finds it, so hoisting or a workspace layout does not matter. */
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/**
 * Third-party files the page loads, served from node_modules so the dashboard works on a closed
 * network (no CDN). Only the folders (and for world-atlas, the files) the page needs are exposed.
 */
const VENDOR: Array<{ prefix: string; root: string; only?: ReadonlySet<string> }> = [
  { prefix: '/vendor/leaflet/', root: join(packageDir('leaflet'), 'dist') },
  { prefix: '/vendor/leaflet.markercluster/', root: join(packageDir('leaflet.markercluster'), 'dist') },
  { prefix: '/vendor/uplot/', root: join(packageDir('uplot'), 'dist') },
  { prefix: '/vendor/topojson-client/', root: join(packageDir('topojson-client'), 'dist') },
  // The offline base map: country shapes as TopoJSON, turned into a Leaflet layer by the page.
  { prefix: '/vendor/world-atlas/', root: packageDir('world-atlas'), only: new Set(['countries-50m.json', 'countries-110m.json']) },
];

/** The web page (dashboard/public) at / and its vendor files under /vendor/. */
export async function pagePlugin(app: FastifyInstance) {
  await app.register(fastifyStatic, { root: publicDir, prefix: '/', index: 'index.html' });
  for (const { prefix, root, only } of VENDOR) {
    await app.register(fastifyStatic, {
      root,
      prefix,
      decorateReply: false,
      maxAge: '1d',
      ...(only ? { allowedPath: (path: string) => only.has(basename(path)) } : {}),
    });
  }
}
