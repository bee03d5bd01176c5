import type { FastifyInstance } from 'fastify';
import { errors } from '../schemas.js';

export interface MapConfig {
  /** A Leaflet tile URL template; null: the page draws its bundled offline base map only. */
  tilesUrl: string | null;
  attribution: string;
}

export const OFFLINE_ATTRIBUTION = 'Country shapes: Natural Earth (world-atlas)';

/**
 * Online tiles only when configured (the CLI reads VIGIL_MAP_TILES_URL and VIGIL_MAP_ATTRIBUTION):
 * surveillance networks are often closed. Blank values count as unset.
 */
export function mapConfig(settings: { tilesUrl?: string; attribution?: string } = {}): MapConfig {
  const tilesUrl = settings.tilesUrl?.trim() || null;
  const attribution = settings.attribution?.trim() || (tilesUrl ? '© OpenStreetMap contributors' : OFFLINE_ATTRIBUTION);
  return { tilesUrl, attribution };
}

/**
 * The origin(s) to allow in the CSP's img-src for a tile URL template. A `{s}` subdomain
 * placeholder becomes a wildcard; other placeholders ({z}, {x}, {y}, {r}) are in the path.
 */
export function tileSource(template: string): string {
  const url = new URL(template.replace(/\{s\}/g, 'tile-subdomain').replace(/\{[^}]*\}/g, '0'));
  return `${url.protocol}//${url.host.replace(/^tile-subdomain\./, '*.')}`;
}

export async function mapConfigPlugin(app: FastifyInstance, options: { map: MapConfig }) {
  app.get(
    '/api/map-config',
    {
      schema: {
        tags: ['map'],
        summary: 'Base map settings: online tiles only when VIGIL_MAP_TILES_URL is set',
        response: {
          200: {
            type: 'object',
            required: ['tilesUrl', 'attribution'],
            properties: { tilesUrl: { type: ['string', 'null'] }, attribution: { type: 'string' } },
          },
          401: errors[401],
        },
      },
    },
    async () => options.map,
  );
}
