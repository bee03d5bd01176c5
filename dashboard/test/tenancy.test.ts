import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics, vigil } from '@vigil/proto/wire';
import type { Dashboard } from '../src/index.js';
import { join } from 'node:path';
import { AlertsDbWriter } from './support/alerts-db.js';
import { ALPHA, as, BRAVO, logIn, PASSWORD, startFixture, type Fixture, type Session } from './support/fixture.js';

/**
 * docs/DESIGN.md "Tenancy", proven route by route. Alice (reseller of Alpha) probes Bob's (Bravo)
 * installations, recorders, history, alerts and rules through every route the dashboard has.
 * The routes come from fastify's onRoute hook, so a route added later without a line in
 * DECISIONS (its tenancy decision and the probe that proves it) fails this test.
 */

/** Anything that would tell Alice about Bob's fleet: his SLC, installation, site, recorder ids, messages, rule, name. */
const BOB_MARKERS = [BRAVO.slc, 'bravo', 'b-rec-', 'bob'];
const ALICE_RECORDERS = ['a-rec-1', 'a-rec-2', 'a-rec-3', 'a-rec-4'];

interface Ctx {
  d: Dashboard;
  fx: Fixture;
  alice: Session;
  bob: Session;
  noc: Session;
  admin: Session;
  /** Bob's own rule, channel (with a test request), silence, and an alert at his installation. */
  bobRuleId: number;
  bobChannelId: number;
  bobTestId: number;
  bobSilenceId: number;
  bobAlertId: number;
  /** Bob's pending claim (by SLC) and his unused enrolment token. */
  bobClaimId: number;
  bobTokenId: number;
}

/** An SLC Bob claims: its name carries a marker, so it showing anywhere in Alice's answers is caught. */
const BOB_CLAIMED_SLC = 'SLC-BRAVO-ANNEX-0009';

type Decision =
  | 'public: serves no fleet data'
  | 'own session only'
  | 'scoped to the caller’s installations'
  | 'scoped: out of scope answers like nonexistent (404)'
  | 'scoped: true only for a recorder the caller holds; another’s answers exactly like nonexistent (false)'
  | 'reseller-only, own registrations only'
  | 'reseller-only: a claim is pending until an admin decides, and the answer never says who holds the SLC'
  | 'admin: every claim; reseller: its own, without holder or claimant; NOC 403'
  | 'reseller-only, own tokens only: another’s answers like nonexistent (404)'
  | 'reseller-only, own claims only: another’s answers like nonexistent (404)'
  | 'reseller-only: a token never changes an installation’s holder by itself'
  | 'admin only (403)'
  | 'NOC/admin every one; a reseller its own only, naming only what it holds and its own channels; another’s answers like nonexistent (404)'
  | 'the alerts of the installations the caller holds (NOC/admin: all); another’s answers like nonexistent (404)'
  | 'NOC/admin all; a reseller the entries of its own rules, channels and silences'
  | 'NOC/admin only (403); a reseller reads the acknowledgements of its own recorders'
  | 'same for every user: no tenant data'
  | 'a reseller its own report subscriptions, of installations it holds (NOC/admin every one); another’s answers like nonexistent (404)'
  | 'own account only: the route takes no user name, so no other account is reachable'
  | 'NOC/admin every user name; a reseller only itself';

interface Expectation {
  decision: Decision;
  probe: (ctx: Ctx) => Promise<void>;
}

const noBobIn = (text: string, where: string) => {
  for (const marker of BOB_MARKERS) expect(text.toLowerCase(), `${where} mentions "${marker}"`).not.toContain(marker.toLowerCase());
};

/** GET as Alice: 200 and not a trace of Bob (but for what she typed herself, `asked`). Returns the JSON. */
async function aliceReads<T>(ctx: Ctx, url: string, asked: string[] = []): Promise<T> {
  const res = await as(ctx.d, ctx.alice, 'GET', url);
  expect(res.statusCode, url).toBe(200);
  noBobIn(
    asked.reduce((body, part) => body.replaceAll(part, '<asked>'), res.body),
    url,
  );
  return res.json<T>();
}

/** Alice claims an SLC by itself (202) and gets her claim's id. */
async function aliceClaims(ctx: Ctx, slc: string): Promise<number> {
  expect((await as(ctx.d, ctx.alice, 'POST', '/api/installations', { slc })).statusCode).toBe(202);
  const { claims } = (await as(ctx.d, ctx.alice, 'GET', '/api/claims')).json<{ claims: Array<{ id: number; slc: string; status: string }> }>();
  return claims.find((c) => c.slc === slc && c.status === 'pending')!.id;
}

async function withdraw(ctx: Ctx, claimId: number): Promise<void> {
  expect((await as(ctx.d, ctx.alice, 'DELETE', `/api/claims/${claimId}`)).statusCode).toBe(204);
}

/** Bob's recorder through an item route answers exactly like one that does not exist, for GET and HEAD. */
async function outOfScopeIs404(ctx: Ctx, pattern: string): Promise<void> {
  const url = (id: string) => pattern.replace(':id', id);
  const own = await as(ctx.d, ctx.alice, 'GET', url('a-rec-1'));
  expect(own.statusCode, url('a-rec-1')).toBe(200);
  const bobs = await as(ctx.d, ctx.alice, 'GET', url('b-rec-1'));
  const missing = await as(ctx.d, ctx.alice, 'GET', url('zz-rec-9'));
  expect(bobs.statusCode, url('b-rec-1')).toBe(404);
  expect(missing.statusCode).toBe(404);
  expect(bobs.body.replace('b-rec-1', 'ID')).toBe(missing.body.replace('zz-rec-9', 'ID'));
  expect((await as(ctx.d, ctx.alice, 'HEAD', url('b-rec-1'))).statusCode).toBe(404);
  // Bob himself does see it: the 404 is scope, not a broken route
  expect((await as(ctx.d, ctx.bob, 'GET', url('b-rec-1'))).statusCode).toBe(200);
}

const OWN_ALERTING: Decision =
  'NOC/admin every one; a reseller its own only, naming only what it holds and its own channels; another’s answers like nonexistent (404)';

/** A service report route: Alice gets her installation's, Bob's answers exactly like a made-up SLC, Bob gets his. */
async function reportIsScoped(ctx: Ctx, suffix: string): Promise<void> {
  const month = new Date().toISOString().slice(0, 7);
  const own = await as(ctx.d, ctx.alice, 'GET', `/api/reports/${ALPHA.slc}/${month}${suffix}`);
  expect(own.statusCode, own.body.slice(0, 200)).toBe(200);
  if (suffix !== '.pdf') noBobIn(own.body, `report${suffix}`);
  const bobs = await as(ctx.d, ctx.alice, 'GET', `/api/reports/${BRAVO.slc}/${month}${suffix}`);
  const none = await as(ctx.d, ctx.alice, 'GET', `/api/reports/SLC-NONE-0404/${month}${suffix}`);
  expect(bobs.statusCode).toBe(404);
  expect(bobs.body.replace(BRAVO.slc, 'X')).toBe(none.body.replace('SLC-NONE-0404', 'X'));
  expect((await as(ctx.d, ctx.bob, 'GET', `/api/reports/${BRAVO.slc}/${month}${suffix}`)).statusCode).toBe(200);
}

let bobReportSubscription: number | undefined;
/** Bob's monthly report subscription of his installation (made once, on first use). */
async function bobSubscription(ctx: Ctx): Promise<number> {
  if (bobReportSubscription === undefined) {
    const made = await as(ctx.d, ctx.bob, 'POST', '/api/report-subscriptions', { slc: BRAVO.slc, to: ['boss@bravo.example'] });
    expect(made.statusCode, made.body).toBe(201);
    bobReportSubscription = made.json<{ id: number }>().id;
  }
  return bobReportSubscription;
}

const OWN_REPORTS: Decision =
  'a reseller its own report subscriptions, of installations it holds (NOC/admin every one); another’s answers like nonexistent (404)';

const publicRoute: Expectation = {
  decision: 'public: serves no fleet data',
  probe: async () => undefined, // checked for every public route by the sweep below
};

const DECISIONS: Record<string, Expectation> = {
  'POST /api/login': {
    decision: 'public: serves no fleet data',
    probe: async (ctx) => {
      const res = await ctx.d.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'alice', password: 'correct horse battery staple' } });
      expect(res.json()).toEqual({ user: { username: 'alice', role: 'reseller' } });
    },
  },
  'POST /api/logout': {
    decision: 'own session only',
    probe: async (ctx) => {
      const spare = await logIn(ctx.d, 'alice');
      expect((await as(ctx.d, spare, 'POST', '/api/logout', {})).statusCode).toBe(204);
      expect((await as(ctx.d, spare, 'GET', '/api/me')).statusCode).toBe(401);
      expect((await as(ctx.d, ctx.bob, 'GET', '/api/me')).statusCode).toBe(200);
      expect((await as(ctx.d, ctx.alice, 'GET', '/api/me')).statusCode).toBe(200);
    },
  },
  'GET /api/session': {
    decision: 'own session only', // and without one, 200 with no user: the page asks at every load
    probe: async (ctx) => {
      expect(await aliceReads(ctx, '/api/session')).toEqual({ user: { username: 'alice', role: 'reseller' } });
      const anonymous = await ctx.d.app.inject({ method: 'GET', url: '/api/session' });
      expect(anonymous.statusCode).toBe(200);
      expect(anonymous.json()).toEqual({ user: null });
    },
  },
  'GET /api/me': {
    decision: 'own session only',
    probe: async (ctx) => {
      expect(await aliceReads(ctx, '/api/me')).toEqual({ user: { username: 'alice', role: 'reseller' } });
    },
  },
  'GET /api/csrf': {
    decision: 'own session only',
    probe: async (ctx) => {
      const { token } = await aliceReads<{ token: string }>(ctx, '/api/csrf');
      expect(token).toBe(ctx.alice.csrf);
      expect(token).not.toBe(ctx.bob.csrf);
      // Alice's token does not work with Bob's session
      const res = await ctx.d.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: ctx.bob.cookie, 'x-csrf-token': token } });
      expect(res.statusCode).toBe(403);
    },
  },
  'GET /api/recorders': {
    decision: 'scoped to the caller’s installations',
    probe: async (ctx) => {
      const { recorders, counts } = await aliceReads<{ recorders: Array<{ id: string }>; counts: Record<string, number> }>(ctx, '/api/recorders?all=1');
      expect(recorders.map((r) => r.id).sort()).toEqual(ALICE_RECORDERS);
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(4);
      await aliceReads(ctx, '/api/recorders');
    },
  },
  'GET /api/recorders/:id': { decision: 'scoped: out of scope answers like nonexistent (404)', probe: (ctx) => outOfScopeIs404(ctx, '/api/recorders/:id') },
  'GET /api/recorders/:id/visible': {
    decision: 'scoped: true only for a recorder the caller holds; another’s answers exactly like nonexistent (false)',
    probe: async (ctx) => {
      const visible = async (user: typeof ctx.alice, id: string) => {
        const res = await as(ctx.d, user, 'GET', `/api/recorders/${id}/visible`);
        expect(res.statusCode).toBe(200);
        return res.body;
      };
      expect(JSON.parse(await visible(ctx.alice, 'a-rec-1'))).toEqual({ visible: true });
      expect(JSON.parse(await visible(ctx.alice, 'b-rec-1'))).toEqual({ visible: false });
      expect(await visible(ctx.alice, 'b-rec-1')).toBe(await visible(ctx.alice, 'zz-rec-9'));
      expect(JSON.parse(await visible(ctx.bob, 'b-rec-1'))).toEqual({ visible: true });
    },
  },
  'GET /api/recorders/:id/disks/history': {
    decision: 'scoped: out of scope answers like nonexistent (404)',
    probe: (ctx) => outOfScopeIs404(ctx, '/api/recorders/:id/disks/history'),
  },
  'GET /api/recorders/:id/timeline': {
    decision: 'scoped: out of scope answers like nonexistent (404)',
    probe: (ctx) => outOfScopeIs404(ctx, '/api/recorders/:id/timeline'),
  },
  'GET /api/recorders/:id/history': {
    decision: 'scoped: out of scope answers like nonexistent (404)',
    probe: (ctx) => outOfScopeIs404(ctx, '/api/recorders/:id/history'),
  },
  'POST /api/recorders/:id/problems/acknowledge': {
    decision: 'NOC/admin only (403); a reseller reads the acknowledgements of its own recorders',
    probe: async (ctx) => {
      const bobs = (await as(ctx.d, ctx.bob, 'GET', '/api/recorders/b-rec-1')).json<{ problems: Array<{ code: string; subject: string; since: number }> }>();
      const target = bobs.problems.find((p) => p.code === 'archive-fatal-error')!;
      const body = { code: target.code, subject: target.subject, since: target.since, comment: 'mine now' };
      for (const session of [ctx.alice, ctx.bob]) {
        const res = await as(ctx.d, session, 'POST', '/api/recorders/b-rec-1/problems/acknowledge', body);
        expect(res.statusCode, session.username).toBe(403);
        noBobIn(res.body.replace('b-rec-1', ''), 'acknowledge');
      }
      const after = (await as(ctx.d, ctx.bob, 'GET', '/api/recorders/b-rec-1')).json<{ problems: Array<{ acknowledged: unknown }> }>();
      expect(after.problems.map((p) => p.acknowledged)).toEqual(after.problems.map(() => null));
    },
  },
  'GET /api/availability': {
    decision: 'scoped: out of scope answers like nonexistent (404)',
    probe: async (ctx) => {
      const ask = (session: Session, scope: string, id: string) => as(ctx.d, session, 'GET', `/api/availability?scope=${scope}&id=${encodeURIComponent(id)}`);
      for (const [scope, own, bobs, none] of [
        ['recorder', 'a-rec-1', 'b-rec-1', 'zz-rec-9'],
        ['site', `${ALPHA.slc}/alpha-hq`, `${BRAVO.slc}/bravo-mall`, 'SLC-NONE-0000/nowhere'],
        ['installation', ALPHA.slc, BRAVO.slc, 'SLC-NONE-0000'],
        ['reseller', 'alice', 'bob', 'nobody'],
      ] as const) {
        expect((await ask(ctx.alice, scope, own)).statusCode, `${scope} ${own}`).toBe(200);
        noBobIn((await ask(ctx.alice, scope, own)).body, `${scope} ${own}`);
        const theirs = await ask(ctx.alice, scope, bobs);
        const missing = await ask(ctx.alice, scope, none);
        expect(theirs.statusCode, `${scope} ${bobs}`).toBe(404);
        expect(missing.statusCode).toBe(404);
        expect(theirs.body.replace(bobs, 'ID')).toBe(missing.body.replace(none, 'ID'));
        // Bob sees his own: the 404 is scope
        expect((await ask(ctx.bob, scope, bobs)).statusCode, `bob: ${scope} ${bobs}`).toBe(200);
      }
      // NOC may ask for any reseller's fleet
      expect((await ask(ctx.noc, 'reseller', 'bob')).json<{ recorders: number }>().recorders).toBe(2);
    },
  },
  'GET /api/shift-log': {
    decision: 'scoped to the caller’s installations',
    probe: async (ctx) => {
      const from = Date.now() - 86_400_000;
      // Alice's: her outages, not a trace of Bob's offline recorder, drive, event or acknowledgements
      const own = await aliceReads<{ entries: Array<{ installation: { slc: string } }> }>(ctx, `/api/shift-log?from=${from}`);
      expect(own.entries.length).toBeGreaterThan(0);
      expect(new Set(own.entries.map((e) => e.installation.slc))).toEqual(new Set([ALPHA.slc]));
      // filtered to Bob's installation or site: the same answer as for one that does not exist
      const filtered = async (query: string) =>
        (await as(ctx.d, ctx.alice, 'GET', `/api/shift-log?from=${from}&to=${from + 86_400_000}&${query}`)).json<{ entries: unknown[] }>();
      expect(await filtered(`installation=${BRAVO.slc}`)).toEqual(await filtered('installation=SLC-NONE-0000'));
      expect(await filtered(`site=${encodeURIComponent(`${BRAVO.slc}/bravo-mall`)}`)).toEqual(await filtered('site=SLC-NONE-0000%2Fnowhere'));
      // Bob does have entries there: the emptiness is scope
      const bobs = (await as(ctx.d, ctx.bob, 'GET', `/api/shift-log?from=${from}&installation=${BRAVO.slc}`)).json<{ entries: unknown[] }>();
      expect(bobs.entries.length).toBeGreaterThan(0);
    },
  },
  'POST /api/shift-log/seen': {
    decision: 'own session only',
    probe: async (ctx) => {
      const seen = async (session: Session) => (await as(ctx.d, session, 'GET', `/api/shift-log?limit=1`)).json<{ lastSeen: number | null }>().lastSeen;
      const bobBefore = await seen(ctx.bob);
      const res = await as(ctx.d, ctx.alice, 'POST', '/api/shift-log/seen', {});
      expect(res.statusCode).toBe(200);
      expect(await seen(ctx.alice)).toBe(res.json<{ lastSeen: number }>().lastSeen);
      expect(await seen(ctx.bob)).toBe(bobBefore);
    },
  },
  'GET /api/availability/list': {
    decision: 'scoped to the caller’s installations',
    probe: async (ctx) => {
      for (const by of ['recorder', 'site', 'installation', 'reseller']) {
        const { rows } = await aliceReads<{ rows: Array<{ id: string }> }>(ctx, `/api/availability/list?by=${by}`);
        expect(rows.length, by).toBeGreaterThan(0);
      }
      // grouped by reseller, Alice sees herself only; NOC sees Bob too
      expect((await aliceReads<{ rows: Array<{ id: string }> }>(ctx, '/api/availability/list?by=reseller')).rows.map((r) => r.id)).toEqual(['alice']);
      const noc = (await as(ctx.d, ctx.noc, 'GET', '/api/availability/list?by=recorder')).json<{ rows: Array<{ id: string }> }>();
      expect(noc.rows.map((r) => r.id)).toContain('b-rec-1');
    },
  },
  'GET /api/availability/daily': {
    decision: 'scoped: out of scope answers like nonexistent (404)',
    probe: async (ctx) => {
      const ask = (session: Session, scope: string, id: string) =>
        as(ctx.d, session, 'GET', `/api/availability/daily?scope=${scope}&id=${encodeURIComponent(id)}`);
      for (const [scope, own, bobs, none] of [
        ['recorder', 'a-rec-1', 'b-rec-1', 'zz-rec-9'],
        ['site', `${ALPHA.slc}/alpha-hq`, `${BRAVO.slc}/bravo-mall`, 'SLC-NONE-0000/nowhere'],
        ['installation', ALPHA.slc, BRAVO.slc, 'SLC-NONE-0000'],
        ['reseller', 'alice', 'bob', 'nobody'],
      ] as const) {
        const mine = await ask(ctx.alice, scope, own);
        expect(mine.statusCode, `${scope} ${own}`).toBe(200);
        noBobIn(mine.body, `${scope} ${own}`);
        const theirs = await ask(ctx.alice, scope, bobs);
        const missing = await ask(ctx.alice, scope, none);
        expect(theirs.statusCode, `${scope} ${bobs}`).toBe(404);
        expect(theirs.body.replace(bobs, 'ID')).toBe(missing.body.replace(none, 'ID'));
        expect((await ask(ctx.bob, scope, bobs)).statusCode, `bob: ${scope} ${bobs}`).toBe(200);
      }
    },
  },
  'GET /api/sites/history': {
    decision: 'scoped: out of scope answers like nonexistent (404)',
    probe: async (ctx) => {
      const url = (id: string) => `/api/sites/history?id=${encodeURIComponent(id)}`;
      await aliceReads(ctx, url(`${ALPHA.slc}/alpha-hq`));
      const bobs = await as(ctx.d, ctx.alice, 'GET', url(`${BRAVO.slc}/bravo-mall`));
      const missing = await as(ctx.d, ctx.alice, 'GET', url('SLC-NONE-0000/nowhere'));
      expect(bobs.statusCode).toBe(404);
      expect(bobs.body.replace(`${BRAVO.slc}/bravo-mall`, 'ID')).toBe(missing.body.replace('SLC-NONE-0000/nowhere', 'ID'));
      expect((await as(ctx.d, ctx.bob, 'GET', url(`${BRAVO.slc}/bravo-mall`))).statusCode).toBe(200);
    },
  },
  'GET /api/sites': {
    decision: 'scoped to the caller’s installations',
    probe: async (ctx) => {
      const { sites } = await aliceReads<{ sites: Array<{ id: string; installation: { slc: string } }> }>(ctx, '/api/sites');
      expect(sites.map((s) => s.id).sort()).toEqual(['alpha-depot', 'alpha-hq']);
    },
  },
  'GET /api/installations': {
    decision: 'scoped to the caller’s installations',
    probe: async (ctx) => {
      const { installations } = await aliceReads<{ installations: Array<{ slc: string }> }>(ctx, '/api/installations');
      expect(installations.map((i) => i.slc)).toEqual([ALPHA.slc]);
    },
  },
  'POST /api/installations': {
    decision: 'reseller-only: a claim is pending until an admin decides, and the answer never says who holds the SLC',
    probe: async (ctx) => {
      const res = await as(ctx.d, ctx.alice, 'POST', '/api/installations', { slc: BRAVO.slc });
      const free = await as(ctx.d, ctx.alice, 'POST', '/api/installations', { slc: 'SLC-NOBODY-0077' });
      const claimedByBob = await as(ctx.d, ctx.alice, 'POST', '/api/installations', { slc: BOB_CLAIMED_SLC });
      expect(res.statusCode).toBe(202);
      for (const [other, slc] of [
        [free, 'SLC-NOBODY-0077'],
        [claimedByBob, BOB_CLAIMED_SLC],
      ] as const) {
        expect(other.statusCode).toBe(202);
        expect(other.body.replace(slc, 'X')).toBe(res.body.replace(BRAVO.slc, 'X'));
      }
      noBobIn(res.body.replace(BRAVO.slc, '<asked>'), 'POST /api/installations');
      // her claims stay hers, and would show Bob's SLC (which she typed) in her own list: withdrawn again
      for (const slc of [BRAVO.slc, 'SLC-NOBODY-0077', BOB_CLAIMED_SLC]) await withdraw(ctx, await aliceClaims(ctx, slc));
      expect((await as(ctx.d, ctx.noc, 'POST', '/api/installations', { slc: 'SLC-NOC-0001' })).statusCode).toBe(403);
      // still Bob's, and Alice still cannot see it
      expect((await as(ctx.d, ctx.bob, 'GET', '/api/installations')).json<{ installations: Array<{ slc: string }> }>().installations.map((i) => i.slc)).toEqual(
        [BRAVO.slc],
      );
      expect((await as(ctx.d, ctx.alice, 'GET', '/api/recorders/b-rec-1')).statusCode).toBe(404);
    },
  },
  'DELETE /api/installations/:slc': {
    decision: 'reseller-only, own registrations only',
    probe: async (ctx) => {
      const bobs = await as(ctx.d, ctx.alice, 'DELETE', `/api/installations/${BRAVO.slc}`);
      const none = await as(ctx.d, ctx.alice, 'DELETE', '/api/installations/SLC-NONE-0000');
      expect(bobs.statusCode).toBe(404);
      expect(bobs.body.replace(BRAVO.slc, 'X')).toBe(none.body.replace('SLC-NONE-0000', 'X'));
      expect((await as(ctx.d, ctx.noc, 'DELETE', `/api/installations/${BRAVO.slc}`)).statusCode).toBe(403);
      expect((await as(ctx.d, ctx.bob, 'GET', '/api/recorders')).json<{ recorders: unknown[] }>().recorders).toHaveLength(2);
    },
  },
  'PUT /api/installations/:slc/owner': {
    decision: 'admin only (403)',
    probe: async (ctx) => {
      expect((await as(ctx.d, ctx.alice, 'PUT', `/api/installations/${BRAVO.slc}/owner`, { reseller: 'alice' })).statusCode).toBe(403);
      expect((await as(ctx.d, ctx.noc, 'PUT', `/api/installations/${BRAVO.slc}/owner`, { reseller: 'alice' })).statusCode).toBe(403);
      expect((await as(ctx.d, ctx.alice, 'GET', '/api/recorders/b-rec-1')).statusCode).toBe(404);
      expect((await as(ctx.d, ctx.bob, 'GET', '/api/recorders/b-rec-1')).statusCode).toBe(200);
    },
  },
  'GET /api/claims': {
    decision: 'admin: every claim; reseller: its own, without holder or claimant; NOC 403',
    probe: async (ctx) => {
      const own = await aliceClaims(ctx, BRAVO.slc);
      try {
        const { claims } = await aliceReads<{ claims: Array<Record<string, unknown>> }>(ctx, '/api/claims', [BRAVO.slc]);
        expect(claims.map((c) => c.id)).toContain(own);
        for (const claim of claims) {
          expect(claim).not.toHaveProperty('holder');
          expect(claim).not.toHaveProperty('reseller');
        }
        expect(claims.map((c) => c.id)).not.toContain(ctx.bobClaimId);
      } finally {
        await withdraw(ctx, own);
      }
      expect((await as(ctx.d, ctx.noc, 'GET', '/api/claims')).statusCode).toBe(403);
      const all = (await as(ctx.d, ctx.admin, 'GET', '/api/claims')).json<{ claims: Array<{ id: number; reseller: string; holder: string | null }> }>().claims;
      expect(all.find((c) => c.id === ctx.bobClaimId)).toMatchObject({ reseller: 'bob', holder: null });
    },
  },
  'POST /api/claims/:id/decision': {
    decision: 'admin only (403)',
    probe: async (ctx) => {
      const own = await aliceClaims(ctx, BRAVO.slc);
      try {
        for (const session of [ctx.alice, ctx.noc]) {
          expect((await as(ctx.d, session, 'POST', `/api/claims/${own}/decision`, { decision: 'approved' })).statusCode).toBe(403);
          expect((await as(ctx.d, session, 'POST', `/api/claims/${ctx.bobClaimId}/decision`, { decision: 'rejected' })).statusCode).toBe(403);
        }
        expect((await as(ctx.d, ctx.alice, 'GET', '/api/recorders/b-rec-1')).statusCode).toBe(404);
        const bobs = (await as(ctx.d, ctx.bob, 'GET', '/api/claims')).json<{ claims: Array<{ id: number; status: string }> }>().claims;
        expect(bobs.find((c) => c.id === ctx.bobClaimId)?.status).toBe('pending');
      } finally {
        await withdraw(ctx, own);
      }
    },
  },
  'DELETE /api/claims/:id': {
    decision: 'reseller-only, own claims only: another’s answers like nonexistent (404)',
    probe: async (ctx) => {
      const bobs = await as(ctx.d, ctx.alice, 'DELETE', `/api/claims/${ctx.bobClaimId}`);
      const none = await as(ctx.d, ctx.alice, 'DELETE', '/api/claims/999999');
      expect(bobs.statusCode).toBe(404);
      expect(bobs.body.replace(String(ctx.bobClaimId), 'N')).toBe(none.body.replace('999999', 'N'));
      expect((await as(ctx.d, ctx.noc, 'DELETE', `/api/claims/${ctx.bobClaimId}`)).statusCode).toBe(403);
      const still = (await as(ctx.d, ctx.bob, 'GET', '/api/claims')).json<{ claims: Array<{ id: number; status: string }> }>().claims;
      expect(still.find((c) => c.id === ctx.bobClaimId)?.status).toBe('pending');
    },
  },
  'GET /api/enrollment-tokens': {
    decision: 'reseller-only, own tokens only: another’s answers like nonexistent (404)',
    probe: async (ctx) => {
      const { tokens } = await aliceReads<{ tokens: Array<{ id: number }> }>(ctx, '/api/enrollment-tokens');
      expect(tokens.map((t) => t.id)).not.toContain(ctx.bobTokenId);
      expect((await as(ctx.d, ctx.noc, 'GET', '/api/enrollment-tokens')).statusCode).toBe(403);
      expect((await as(ctx.d, ctx.bob, 'GET', '/api/enrollment-tokens')).json<{ tokens: Array<{ id: number }> }>().tokens.map((t) => t.id)).toContain(
        ctx.bobTokenId,
      );
    },
  },
  'POST /api/enrollment-tokens': {
    decision: 'reseller-only: a token never changes an installation’s holder by itself',
    probe: async (ctx) => {
      // a token for Bob's installation is made like any other (the answer says nothing of Bob) ...
      const res = await as(ctx.d, ctx.alice, 'POST', '/api/enrollment-tokens', { slc: BRAVO.slc, installationName: 'Mine?', recorderId: 'alice-new-1' });
      expect(res.statusCode).toBe(201);
      noBobIn(res.body.replaceAll(BRAVO.slc, '<asked>'), 'POST /api/enrollment-tokens');
      // (revoked again, or her own list would show Bob's SLC, which she typed, to the sweep below)
      expect((await as(ctx.d, ctx.alice, 'DELETE', `/api/enrollment-tokens/${res.json<{ id: number }>().id}`)).statusCode).toBe(204);
      // ... and makes nothing of it hers (an enrolment with it would be a claim: cli/test/ownership.test.ts)
      expect((await as(ctx.d, ctx.alice, 'GET', '/api/recorders/b-rec-1')).statusCode).toBe(404);
      // Bob's recorder id cannot be enrolled again by Alice (it would replace his recorder's certificate);
      // the refusal is the same as for a recorder nobody holds
      const bobs = await as(ctx.d, ctx.alice, 'POST', '/api/enrollment-tokens', { slc: ALPHA.slc, installationName: 'x', recorderId: 'b-rec-1' });
      const nobodys = await as(ctx.d, ctx.alice, 'POST', '/api/enrollment-tokens', { slc: ALPHA.slc, installationName: 'x', recorderId: 'c-rec-1' });
      expect(bobs.statusCode).toBe(409);
      expect(bobs.body.replace('b-rec-1', 'ID')).toBe(nobodys.body.replace('c-rec-1', 'ID'));
      // nor one Bob has a token for
      expect(
        (await as(ctx.d, ctx.alice, 'POST', '/api/enrollment-tokens', { slc: ALPHA.slc, installationName: 'x', recorderId: 'bob-new-1' })).statusCode,
      ).toBe(409);
      expect((await as(ctx.d, ctx.noc, 'POST', '/api/enrollment-tokens', { slc: ALPHA.slc, installationName: 'x', recorderId: 'noc-1' })).statusCode).toBe(403);
    },
  },
  'DELETE /api/enrollment-tokens/:id': {
    decision: 'reseller-only, own tokens only: another’s answers like nonexistent (404)',
    probe: async (ctx) => {
      const bobs = await as(ctx.d, ctx.alice, 'DELETE', `/api/enrollment-tokens/${ctx.bobTokenId}`);
      const none = await as(ctx.d, ctx.alice, 'DELETE', '/api/enrollment-tokens/999999');
      expect(bobs.statusCode).toBe(404);
      expect(bobs.body.replace(String(ctx.bobTokenId), 'N')).toBe(none.body.replace('999999', 'N'));
      expect((await as(ctx.d, ctx.noc, 'DELETE', `/api/enrollment-tokens/${ctx.bobTokenId}`)).statusCode).toBe(403);
      const still = (await as(ctx.d, ctx.bob, 'GET', '/api/enrollment-tokens')).json<{ tokens: Array<{ id: number; status: string }> }>().tokens;
      expect(still.find((t) => t.id === ctx.bobTokenId)?.status).toBe('pending');
    },
  },
  'GET /api/users': {
    decision: 'admin only (403)',
    probe: async (ctx) => {
      expect((await as(ctx.d, ctx.alice, 'GET', '/api/users')).statusCode).toBe(403);
      expect((await as(ctx.d, ctx.noc, 'GET', '/api/users')).statusCode).toBe(403);
    },
  },
  'POST /api/users': {
    decision: 'admin only (403)',
    probe: async (ctx) => {
      expect((await as(ctx.d, ctx.alice, 'POST', '/api/users', { username: 'mallory', role: 'admin', password: 'long enough password' })).statusCode).toBe(403);
      expect(ctx.d.store.userExists('mallory')).toBe(false);
    },
  },
  'DELETE /api/users/:username': {
    decision: 'admin only (403)',
    probe: async (ctx) => {
      expect((await as(ctx.d, ctx.alice, 'DELETE', '/api/users/bob')).statusCode).toBe(403);
      expect(ctx.d.store.userExists('bob')).toBe(true);
    },
  },
  'PATCH /api/users/:username': {
    decision: 'admin only (403)',
    probe: async (ctx) => {
      for (const caller of [ctx.alice, ctx.noc]) {
        for (const change of [{ role: 'admin' }, { contactEmail: 'mallory@evil.example' }, { password: 'mallory knows this one' }]) {
          expect((await as(ctx.d, caller, 'PATCH', '/api/users/bob', change)).statusCode).toBe(403);
        }
      }
      const bob = ctx.d.store.accounts.view('bob');
      expect(bob).toMatchObject({ role: 'reseller', contactEmail: null });
      expect((await as(ctx.d, ctx.bob, 'GET', '/api/account')).statusCode).toBe(200); // his session did not end
    },
  },
  'GET /api/channel-users': {
    decision: 'NOC/admin every user name; a reseller only itself',
    probe: async (ctx) => {
      const { users } = await aliceReads<{ users: Array<{ username: string }> }>(ctx, '/api/channel-users');
      expect(users.map((u) => u.username)).toEqual(['alice']);
      const all = (await as(ctx.d, ctx.noc, 'GET', '/api/channel-users')).json<{ users: Array<{ username: string }> }>().users.map((u) => u.username);
      expect(all).toEqual(expect.arrayContaining(['admin', 'alice', 'bob', 'noc']));
    },
  },
  'GET /api/account': {
    decision: 'own account only: the route takes no user name, so no other account is reachable',
    probe: async (ctx) => {
      const { user } = await aliceReads<{ user: { username: string; role: string } }>(ctx, '/api/account');
      expect(user).toMatchObject({ username: 'alice', role: 'reseller' });
      expect((await as(ctx.d, ctx.alice, 'GET', '/api/account?username=bob')).json<{ user: { username: string } }>().user.username).toBe('alice');
    },
  },
  'PATCH /api/account': {
    decision: 'own account only: the route takes no user name, so no other account is reachable',
    probe: async (ctx) => {
      const sneaky = await as(ctx.d, ctx.alice, 'PATCH', '/api/account', { username: 'bob', contactEmail: 'alice@alpha.example' });
      expect(sneaky.statusCode).toBe(400);
      const own = await as(ctx.d, ctx.alice, 'PATCH', '/api/account', { contactEmail: 'alice@alpha.example' });
      expect(own.json<{ user: { username: string } }>().user.username).toBe('alice');
      noBobIn(own.body, 'PATCH /api/account');
      expect(ctx.d.store.accounts.view('bob').contactEmail).toBeNull();
      await as(ctx.d, ctx.alice, 'PATCH', '/api/account', { contactEmail: null });
    },
  },
  'POST /api/account/password': {
    decision: 'own account only: the route takes no user name, so no other account is reachable',
    probe: async (ctx) => {
      const sneaky = await as(ctx.d, ctx.alice, 'POST', '/api/account/password', {
        username: 'bob',
        currentPassword: PASSWORD,
        newPassword: 'alice owns bob now',
      });
      expect(sneaky.statusCode).toBe(400);
      // Bob's password is Alice's too in this fixture; still only her own account is checked, and left alone when wrong.
      const wrong = await as(ctx.d, ctx.alice, 'POST', '/api/account/password', { currentPassword: 'not it at all', newPassword: 'alice owns bob now' });
      expect(wrong.statusCode).toBe(403);
      expect((await as(ctx.d, ctx.bob, 'GET', '/api/account')).statusCode).toBe(200);
      await logIn(ctx.d, 'bob', PASSWORD);
    },
  },
  'GET /api/alert-conditions': {
    decision: 'same for every user: no tenant data',
    probe: async (ctx) => {
      expect(await aliceReads(ctx, '/api/alert-conditions')).toEqual((await as(ctx.d, ctx.noc, 'GET', '/api/alert-conditions')).json());
    },
  },
  'GET /api/rules': {
    decision: OWN_ALERTING,
    probe: async (ctx) => {
      const { rules } = await aliceReads<{ rules: Array<{ name: string }> }>(ctx, '/api/rules');
      expect(rules.map((r) => r.name)).toEqual(['Alpha HQ watch']);
      const all = (await as(ctx.d, ctx.noc, 'GET', '/api/rules')).json<{ rules: Array<{ id: number }> }>().rules;
      expect(all.map((r) => r.id)).toContain(ctx.bobRuleId);
    },
  },
  'POST /api/rules': {
    decision: OWN_ALERTING,
    probe: async (ctx) => {
      const count = () => ctx.d.store.rulesFor(ctx.d.store.userByName('noc')!).length;
      const before = count();
      const tries: Array<[object, object, string, string]> = [
        [{ scope: { installations: [BRAVO.slc] } }, { scope: { installations: ['SLC-NONE-0000'] } }, BRAVO.slc, 'SLC-NONE-0000'],
        [{ scope: { sites: [`${BRAVO.slc}/bravo-mall`] } }, { scope: { sites: ['SLC-NONE-0000/x'] } }, `${BRAVO.slc}/bravo-mall`, 'SLC-NONE-0000/x'],
        [{ scope: { recorders: ['b-rec-1'] } }, { scope: { recorders: ['zz-rec-9'] } }, 'b-rec-1', 'zz-rec-9'],
        [{ channelIds: [ctx.bobChannelId] }, { channelIds: [999999] }, String(ctx.bobChannelId), '999999'],
      ];
      for (const [bobs, none, bobName, noneName] of tries) {
        const base = { name: 'mute bravo', condition: { kind: 'problem' }, severity: 'info' };
        const theirs = await as(ctx.d, ctx.alice, 'POST', '/api/rules', { ...base, ...bobs });
        const missing = await as(ctx.d, ctx.alice, 'POST', '/api/rules', { ...base, ...none });
        expect(theirs.statusCode, JSON.stringify(bobs)).toBe(400);
        expect(theirs.body.replace(bobName, 'X')).toBe(missing.body.replace(noneName, 'X'));
      }
      expect(count()).toBe(before);
    },
  },
  'PUT /api/rules/:id': {
    decision: OWN_ALERTING,
    probe: async (ctx) => {
      const body = { name: 'disabled', condition: { kind: 'problem' }, severity: 'critical', enabled: false };
      const theirs = await as(ctx.d, ctx.alice, 'PUT', `/api/rules/${ctx.bobRuleId}`, body);
      const missing = await as(ctx.d, ctx.alice, 'PUT', '/api/rules/999999', body);
      expect(theirs.statusCode).toBe(404);
      expect(theirs.body.replace(String(ctx.bobRuleId), 'N')).toBe(missing.body.replace('999999', 'N'));
      expect(ctx.d.store.rulesFor(ctx.d.store.userByName('bob')!).find((r) => r.id === ctx.bobRuleId)).toMatchObject({
        name: 'bravo pager rule',
        enabled: true,
      });
    },
  },
  'DELETE /api/rules/:id': {
    decision: OWN_ALERTING,
    probe: async (ctx) => {
      const theirs = await as(ctx.d, ctx.alice, 'DELETE', `/api/rules/${ctx.bobRuleId}`);
      expect(theirs.statusCode).toBe(404);
      expect(theirs.body.replace(String(ctx.bobRuleId), 'N')).toBe((await as(ctx.d, ctx.alice, 'DELETE', '/api/rules/999999')).body.replace('999999', 'N'));
      expect(ctx.d.store.rulesFor(ctx.d.store.userByName('bob')!).some((r) => r.id === ctx.bobRuleId)).toBe(true);
    },
  },
  'GET /api/reports/:slc/:month': { decision: 'scoped: out of scope answers like nonexistent (404)', probe: (ctx) => reportIsScoped(ctx, '') },
  'GET /api/reports/:slc/:month.pdf': { decision: 'scoped: out of scope answers like nonexistent (404)', probe: (ctx) => reportIsScoped(ctx, '.pdf') },
  'GET /api/reports/:slc/:month.csv': { decision: 'scoped: out of scope answers like nonexistent (404)', probe: (ctx) => reportIsScoped(ctx, '.csv') },
  'GET /api/report-subscriptions': {
    decision: OWN_REPORTS,
    probe: async (ctx) => {
      const id = await bobSubscription(ctx);
      const { subscriptions } = await aliceReads<{ subscriptions: Array<{ id: number }> }>(ctx, '/api/report-subscriptions');
      expect(subscriptions.map((s) => s.id)).not.toContain(id);
      await aliceReads(ctx, `/api/report-subscriptions?slc=${BRAVO.slc}`, [BRAVO.slc]);
      const nocSees = (await as(ctx.d, ctx.noc, 'GET', '/api/report-subscriptions')).json<{ subscriptions: Array<{ id: number }> }>();
      expect(nocSees.subscriptions.map((s) => s.id)).toContain(id);
    },
  },
  'POST /api/report-subscriptions': {
    decision: OWN_REPORTS,
    probe: async (ctx) => {
      const theirs = await as(ctx.d, ctx.alice, 'POST', '/api/report-subscriptions', { slc: BRAVO.slc, to: ['alice@alpha.example'] });
      const none = await as(ctx.d, ctx.alice, 'POST', '/api/report-subscriptions', { slc: 'SLC-NONE-0404', to: ['alice@alpha.example'] });
      expect(theirs.statusCode).toBe(404);
      expect(theirs.body.replace(BRAVO.slc, 'X')).toBe(none.body.replace('SLC-NONE-0404', 'X'));
      // Nor to Bob's e-mail channel, which answers like a channel that does not exist.
      const channel = await as(ctx.d, ctx.alice, 'POST', '/api/report-subscriptions', { slc: ALPHA.slc, channelId: ctx.bobChannelId });
      expect(channel.statusCode).toBe(404);
      noBobIn(channel.body, 'subscribe to Bob’s channel');
    },
  },
  'DELETE /api/report-subscriptions/:id': {
    decision: OWN_REPORTS,
    probe: async (ctx) => {
      const id = await bobSubscription(ctx);
      const theirs = await as(ctx.d, ctx.alice, 'DELETE', `/api/report-subscriptions/${id}`);
      expect(theirs.statusCode).toBe(404);
      expect(theirs.body.replace(String(id), 'N')).toBe((await as(ctx.d, ctx.alice, 'DELETE', '/api/report-subscriptions/999999')).body.replace('999999', 'N'));
      expect(
        (await as(ctx.d, ctx.bob, 'GET', '/api/report-subscriptions')).json<{ subscriptions: Array<{ id: number }> }>().subscriptions.map((s) => s.id),
      ).toContain(id);
    },
  },
  'POST /api/report-subscriptions/:id/send': {
    decision: OWN_REPORTS,
    probe: async (ctx) => {
      const id = await bobSubscription(ctx);
      const theirs = await as(ctx.d, ctx.alice, 'POST', `/api/report-subscriptions/${id}/send`, {});
      expect(theirs.statusCode).toBe(404);
      expect(theirs.body.replace(String(id), 'N')).toBe(
        (await as(ctx.d, ctx.alice, 'POST', '/api/report-subscriptions/999999/send', {})).body.replace('999999', 'N'),
      );
      const bobs = (await as(ctx.d, ctx.bob, 'GET', '/api/report-subscriptions')).json<{
        subscriptions: Array<{ id: number; lastAttemptAt: number | null }>;
      }>();
      expect(bobs.subscriptions.find((s) => s.id === id)!.lastAttemptAt).toBeNull();
    },
  },
  'GET /api/alert-channels': {
    decision: OWN_ALERTING,
    probe: async (ctx) => {
      const { channels } = await aliceReads<{ channels: Array<{ id: number }> }>(ctx, '/api/alert-channels');
      expect(channels.map((c) => c.id)).not.toContain(ctx.bobChannelId);
      expect((await as(ctx.d, ctx.noc, 'GET', '/api/alert-channels')).json<{ channels: Array<{ id: number }> }>().channels.map((c) => c.id)).toContain(
        ctx.bobChannelId,
      );
    },
  },
  'POST /api/alert-channels': {
    decision: OWN_ALERTING,
    probe: async (ctx) => {
      const res = await as(ctx.d, ctx.alice, 'POST', '/api/alert-channels', { name: 'Alpha desk', type: 'email', config: { to: ['desk@alpha.example'] } });
      expect(res.statusCode, res.body).toBe(201);
      const { id, owner } = res.json<{ id: number; owner: unknown }>();
      expect(owner).toEqual({ kind: 'reseller', username: 'alice' });
      expect((await as(ctx.d, ctx.bob, 'GET', '/api/alert-channels')).json<{ channels: Array<{ id: number }> }>().channels.map((c) => c.id)).not.toContain(id);
      expect((await as(ctx.d, ctx.alice, 'DELETE', `/api/alert-channels/${id}`)).statusCode).toBe(204);
    },
  },
  'PUT /api/alert-channels/:id': {
    decision: OWN_ALERTING,
    probe: async (ctx) => {
      const body = { name: 'mine', type: 'email', config: { to: ['alice@alpha.example'] } };
      const theirs = await as(ctx.d, ctx.alice, 'PUT', `/api/alert-channels/${ctx.bobChannelId}`, body);
      const missing = await as(ctx.d, ctx.alice, 'PUT', '/api/alert-channels/999999', body);
      expect(theirs.statusCode).toBe(404);
      expect(theirs.body.replace(String(ctx.bobChannelId), 'N')).toBe(missing.body.replace('999999', 'N'));
      const bobs = (await as(ctx.d, ctx.bob, 'GET', '/api/alert-channels')).json<{ channels: Array<{ id: number; config: { to: string[] } }> }>().channels;
      expect(bobs.find((c) => c.id === ctx.bobChannelId)?.config.to).toEqual(['pager@bravo.example']);
    },
  },
  'DELETE /api/alert-channels/:id': {
    decision: OWN_ALERTING,
    probe: async (ctx) => {
      const theirs = await as(ctx.d, ctx.alice, 'DELETE', `/api/alert-channels/${ctx.bobChannelId}`);
      expect(theirs.statusCode).toBe(404);
      expect(theirs.body.replace(String(ctx.bobChannelId), 'N')).toBe(
        (await as(ctx.d, ctx.alice, 'DELETE', '/api/alert-channels/999999')).body.replace('999999', 'N'),
      );
      expect((await as(ctx.d, ctx.bob, 'GET', '/api/alert-channels')).json<{ channels: Array<{ id: number }> }>().channels.map((c) => c.id)).toContain(
        ctx.bobChannelId,
      );
    },
  },
  'POST /api/alert-channels/:id/test': {
    decision: OWN_ALERTING,
    probe: async (ctx) => {
      const theirs = await as(ctx.d, ctx.alice, 'POST', `/api/alert-channels/${ctx.bobChannelId}/test`, {});
      expect(theirs.statusCode).toBe(404);
      expect(theirs.body.replace(String(ctx.bobChannelId), 'N')).toBe(
        (await as(ctx.d, ctx.alice, 'POST', '/api/alert-channels/999999/test', {})).body.replace('999999', 'N'),
      );
    },
  },
  'GET /api/alert-channels/:id/tests/:testId': {
    decision: OWN_ALERTING,
    probe: async (ctx) => {
      const url = (channel: number, test: number) => `/api/alert-channels/${channel}/tests/${test}`;
      const theirs = await as(ctx.d, ctx.alice, 'GET', url(ctx.bobChannelId, ctx.bobTestId));
      expect(theirs.statusCode).toBe(404);
      expect(theirs.body).not.toMatch(/bravo|bob/i);
      expect((await as(ctx.d, ctx.bob, 'GET', url(ctx.bobChannelId, ctx.bobTestId))).statusCode).toBe(200);
    },
  },
  'GET /api/silences': {
    decision: OWN_ALERTING,
    probe: async (ctx) => {
      const { silences } = await aliceReads<{ silences: Array<{ id: number }> }>(ctx, '/api/silences');
      expect(silences.map((s) => s.id)).not.toContain(ctx.bobSilenceId);
      expect((await as(ctx.d, ctx.bob, 'GET', '/api/silences')).json<{ silences: Array<{ id: number }> }>().silences.map((s) => s.id)).toContain(
        ctx.bobSilenceId,
      );
    },
  },
  'POST /api/silences': {
    decision: OWN_ALERTING,
    probe: async (ctx) => {
      const endsAt = Date.now() + 3_600_000;
      const theirs = await as(ctx.d, ctx.alice, 'POST', '/api/silences', { scope: { recorders: ['b-rec-1'] }, endsAt, reason: 'quiet' });
      const missing = await as(ctx.d, ctx.alice, 'POST', '/api/silences', { scope: { recorders: ['zz-rec-9'] }, endsAt, reason: 'quiet' });
      expect(theirs.statusCode).toBe(400);
      expect(theirs.body.replace('b-rec-1', 'X')).toBe(missing.body.replace('zz-rec-9', 'X'));
      const ruleOfBob = await as(ctx.d, ctx.alice, 'POST', '/api/silences', { scope: {}, ruleId: ctx.bobRuleId, endsAt, reason: 'quiet' });
      expect(ruleOfBob.statusCode).toBe(400);
    },
  },
  'DELETE /api/silences/:id': {
    decision: OWN_ALERTING,
    probe: async (ctx) => {
      const theirs = await as(ctx.d, ctx.alice, 'DELETE', `/api/silences/${ctx.bobSilenceId}`);
      expect(theirs.statusCode).toBe(404);
      expect(theirs.body.replace(String(ctx.bobSilenceId), 'N')).toBe(
        (await as(ctx.d, ctx.alice, 'DELETE', '/api/silences/999999')).body.replace('999999', 'N'),
      );
      const bobs = (await as(ctx.d, ctx.bob, 'GET', '/api/silences')).json<{ silences: Array<{ id: number; endsAt: number }> }>().silences;
      expect(bobs.find((s) => s.id === ctx.bobSilenceId)!.endsAt).toBeGreaterThan(Date.now());
    },
  },
  'GET /api/alerts': {
    decision: 'the alerts of the installations the caller holds (NOC/admin: all); another’s answers like nonexistent (404)',
    probe: async (ctx) => {
      for (const view of ['firing', 'acknowledged', 'silenced', 'resolved-today', 'all']) {
        const { alerts } = await aliceReads<{ alerts: Array<{ installation: { slc: string } }> }>(ctx, `/api/alerts?view=${view}`);
        for (const alert of alerts) expect(alert.installation.slc).toBe(ALPHA.slc);
      }
      expect((await aliceReads<{ alerts: unknown[] }>(ctx, '/api/alerts?view=all')).alerts.length).toBeGreaterThan(0);
      // Bob's do exist
      expect((await as(ctx.d, ctx.bob, 'GET', '/api/alerts?view=all')).json<{ alerts: Array<{ id: number }> }>().alerts.map((a) => a.id)).toContain(
        ctx.bobAlertId,
      );
    },
  },
  'GET /api/alerts/summary': {
    decision: 'the alerts of the installations the caller holds (NOC/admin: all); another’s answers like nonexistent (404)',
    probe: async (ctx) => {
      const count = async (session: Session) => (await as(ctx.d, session, 'GET', '/api/alerts?view=all')).json<{ alerts: Array<{ state: string }> }>().alerts;
      expect(await aliceReads(ctx, '/api/alerts/summary')).toEqual({ firing: 1, firingUnacknowledged: 1 });
      expect((await count(ctx.alice)).filter((a) => a.state === 'firing')).toHaveLength(1);
      // (Bob's silence of his mall covers his drive alert: only Alice's is unacknowledged and unsilenced)
      expect((await as(ctx.d, ctx.noc, 'GET', '/api/alerts/summary')).json()).toEqual({ firing: 2, firingUnacknowledged: 1 });
    },
  },
  'POST /api/alerts/:id/acknowledge': {
    decision: 'the alerts of the installations the caller holds (NOC/admin: all); another’s answers like nonexistent (404)',
    probe: async (ctx) => {
      const theirs = await as(ctx.d, ctx.alice, 'POST', `/api/alerts/${ctx.bobAlertId}/acknowledge`, { comment: 'mine now' });
      const missing = await as(ctx.d, ctx.alice, 'POST', '/api/alerts/999999/acknowledge', { comment: 'mine now' });
      expect(theirs.statusCode).toBe(404);
      expect(theirs.body.replace(String(ctx.bobAlertId), 'N')).toBe(missing.body.replace('999999', 'N'));
      const bobs = (await as(ctx.d, ctx.bob, 'GET', '/api/alerts?view=all')).json<{ alerts: Array<{ id: number; acknowledged: unknown }> }>().alerts;
      expect(bobs.find((a) => a.id === ctx.bobAlertId)!.acknowledged).toBeNull();
    },
  },
  'GET /api/recorders/:id/alerts': {
    decision: 'scoped: out of scope answers like nonexistent (404)',
    probe: (ctx) => outOfScopeIs404(ctx, '/api/recorders/:id/alerts'),
  },
  'GET /api/audit': {
    decision: 'NOC/admin all; a reseller the entries of its own rules, channels and silences',
    probe: async (ctx) => {
      const { entries } = await aliceReads<{ entries: Array<{ by: string; entity: string; entityId: number }> }>(ctx, '/api/audit');
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.filter((e) => e.by !== 'alice')).toEqual([]);
      for (const [entity, id] of [
        ['rule', ctx.bobRuleId],
        ['channel', ctx.bobChannelId],
        ['silence', ctx.bobSilenceId],
      ] as const) {
        expect((await aliceReads<{ entries: unknown[] }>(ctx, `/api/audit?entity=${entity}&id=${id}`)).entries).toEqual([]);
        expect((await as(ctx.d, ctx.noc, 'GET', `/api/audit?entity=${entity}&id=${id}`)).json<{ entries: unknown[] }>().entries.length).toBeGreaterThan(0);
      }
    },
  },
  'GET /api/map-config': {
    decision: 'same for every user: no tenant data',
    probe: async (ctx) => {
      expect(await aliceReads(ctx, '/api/map-config')).toEqual((await as(ctx.d, ctx.noc, 'GET', '/api/map-config')).json());
    },
  },
  'GET /api/events': {
    decision: 'scoped to the caller’s installations',
    probe: async (ctx) => {
      await liveEventsAreScoped(ctx);
    },
  },
  // The OpenAPI description and the page's static files: the same bytes for everyone, no fleet data.
  'GET /docs': publicRoute,
  'GET /docs/': publicRoute,
  'GET /docs/static/index.html': publicRoute,
  'GET /docs/static/swagger-initializer.js': publicRoute,
  'GET /docs/json': publicRoute,
  'GET /docs/yaml': publicRoute,
  'GET /docs/static/*': publicRoute,
  'GET /*': publicRoute,
  'GET /vendor/leaflet/*': publicRoute,
  'GET /vendor/leaflet.markercluster/*': publicRoute,
  'GET /vendor/uplot/*': publicRoute,
  'GET /vendor/topojson-client/*': publicRoute,
  'GET /vendor/world-atlas/*': publicRoute,
};

/** Routes in the app that have no line in DECISIONS (a HEAD counts as its GET). */
export function undecidedRoutes(routes: ReadonlyArray<{ method: string; url: string }>): string[] {
  return routes.map((r) => `${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`).filter((key, i, all) => all.indexOf(key) === i && !(key in DECISIONS));
}

/** A state change of Bob's recorder reaches Bob's open page but never Alice's; Alice's own reaches her. */
async function liveEventsAreScoped(ctx: Ctx): Promise<void> {
  await ctx.d.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(ctx.d.app.server.address() as AddressInfo).port}`;
  const open = async (session: Session) => {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/events`, { headers: { cookie: session.cookie }, signal: controller.signal });
    expect(res.status).toBe(200);
    let text = '';
    const reader = res.body!.getReader();
    const pump = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          text += Buffer.from(value).toString();
        }
      } catch {
        // aborted
      }
    })();
    return {
      text: () => text,
      close: async () => {
        controller.abort();
        await pump;
      },
    };
  };
  const aliceStream = await open(ctx.alice);
  const bobStream = await open(ctx.bob);
  const ingestor = ctx.fx.pki.service('ingestor');
  const client = await connectAsync(ctx.fx.brokerUrl, {
    clientId: 'service:ingestor-tenancy-test',
    cert: readFileSync(ingestor.cert),
    key: readFileSync(ingestor.key),
    ca: readFileSync(ingestor.ca),
    reconnectPeriod: 0,
  });
  try {
    // the dashboard subscribes once its broker connection is up; keep publishing until Bob sees his
    const deadline = Date.now() + 15_000;
    while (!bobStream.text().includes('"b-rec-2"') && Date.now() < deadline) {
      for (const id of ['b-rec-2', 'a-rec-2']) {
        const state = vigil.v1.RecorderState.encode({
          status: vigil.v1.RecorderStatus.RECORDER_STATUS_DEGRADED,
          since: Date.now(),
          lastSeen: Date.now(),
        }).finish();
        await client.publishAsync(topics.state(id), Buffer.from(state), { qos: 1 });
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(bobStream.text()).toContain('"id":"b-rec-2"');
    expect(aliceStream.text()).toContain('"id":"a-rec-2"');
    noBobIn(aliceStream.text(), 'Alice’s event stream');
    expect(bobStream.text()).not.toContain('a-rec-');
  } finally {
    await client.endAsync();
    await aliceStream.close();
    await bobStream.close();
  }
}

describe('tenancy: a reseller cannot reach another reseller’s fleet through any route', () => {
  let ctx: Ctx;

  beforeAll(async () => {
    const fx = await startFixture({ broker: true });
    const d = fx.dashboard;
    const bob = await logIn(d, 'bob');
    const bobChannel = await as(d, bob, 'POST', '/api/alert-channels', { name: 'bravo pager', type: 'email', config: { to: ['pager@bravo.example'] } });
    expect(bobChannel.statusCode, bobChannel.body).toBe(201);
    const bobChannelId = bobChannel.json<{ id: number }>().id;
    const bobRule = await as(d, bob, 'POST', '/api/rules', {
      name: 'bravo pager rule',
      condition: { kind: 'problem', code: 'drive-full' },
      severity: 'critical',
      scope: { recorders: ['b-rec-1'] },
      channelIds: [bobChannelId],
    });
    expect(bobRule.statusCode, bobRule.body).toBe(201);
    const bobRuleId = bobRule.json<{ id: number }>().id;
    const bobTest = await as(d, bob, 'POST', `/api/alert-channels/${bobChannelId}/test`, {});
    expect(bobTest.statusCode).toBe(202);
    const bobSilence = await as(d, bob, 'POST', '/api/silences', {
      scope: { sites: [`${BRAVO.slc}/bravo-mall`] },
      endsAt: Date.now() + 86_400_000,
      reason: 'bravo maintenance',
    });
    expect(bobSilence.statusCode, bobSilence.body).toBe(201);
    const alice = await logIn(d, 'alice');
    expect(
      (await as(d, alice, 'POST', '/api/rules', { name: 'Alpha HQ watch', condition: { kind: 'state', states: ['offline'] }, severity: 'error' })).statusCode,
    ).toBe(201);
    // The engine's alerts: Bob's drive (his rule and a NOC rule: one entry) and Alice's offline recorder.
    const rulesByName = new Map(d.store.rulesFor(d.store.userByName('noc')!).map((r) => [r.name, r.id]));
    const writer = new AlertsDbWriter(join(fx.dir, 'alerts.db'));
    const now = Date.now();
    const common = { state: 'firing', severity: 'critical', pending_since: now - 60_000, firing_since: now - 60_000, resolved_at: null } as const;
    writer.alert({
      ...common,
      id: 11,
      rule_id: bobRuleId,
      target_kind: 'recorder',
      target_id: 'b-rec-1',
      recorder_id: 'b-rec-1',
      installation_slc: BRAVO.slc,
      site_id: 'bravo-mall',
      condition_key: 'problem:drive-full',
      summary: 'bravo drive full',
    });
    writer.alert({
      ...common,
      id: 12,
      rule_id: rulesByName.get('Everything from error up')!,
      target_kind: 'recorder',
      target_id: 'b-rec-1',
      recorder_id: 'b-rec-1',
      installation_slc: BRAVO.slc,
      site_id: 'bravo-mall',
      condition_key: 'problem:drive-full',
      summary: 'bravo drive full',
    });
    writer.alert({
      ...common,
      id: 13,
      rule_id: rulesByName.get('Alpha HQ watch')!,
      target_kind: 'recorder',
      target_id: 'a-rec-1',
      recorder_id: 'a-rec-1',
      installation_slc: ALPHA.slc,
      site_id: 'alpha-hq',
      condition_key: 'state:down',
      summary: 'a-rec-1 offline',
    });
    writer.close();
    expect((await as(d, bob, 'POST', '/api/installations', { slc: BOB_CLAIMED_SLC })).statusCode).toBe(202);
    const bobClaimId = (await as(d, bob, 'GET', '/api/claims'))
      .json<{ claims: Array<{ id: number; slc: string }> }>()
      .claims.find((c) => c.slc === BOB_CLAIMED_SLC)!.id;
    const bobToken = await as(d, bob, 'POST', '/api/enrollment-tokens', { slc: BRAVO.slc, installationName: 'Bravo Retail', recorderId: 'bob-new-1' });
    expect(bobToken.statusCode).toBe(201);
    ctx = {
      d,
      fx,
      alice,
      bob,
      noc: await logIn(d, 'noc'),
      admin: await logIn(d, 'admin'),
      bobRuleId,
      bobChannelId,
      bobTestId: bobTest.json<{ testId: number }>().testId,
      bobSilenceId: bobSilence.json<{ id: number }>().id,
      bobAlertId: 11,
      bobClaimId,
      bobTokenId: bobToken.json<{ id: number }>().id,
    };
  });
  afterAll(async () => ctx?.fx.close());

  it('has a tenancy decision for every registered route, and no decision for a route that is gone', () => {
    expect(undecidedRoutes(ctx.d.routes), 'routes without a line in DECISIONS').toEqual([]);
    const registered = new Set(ctx.d.routes.map((r) => `${r.method === 'HEAD' ? 'GET' : r.method} ${r.url}`));
    expect(
      Object.keys(DECISIONS).filter((key) => !registered.has(key)),
      'DECISIONS for routes that do not exist',
    ).toEqual([]);
  });

  it('would catch a route added without a decision', async () => {
    const fx = await startFixture();
    try {
      fx.dashboard.app.get('/api/recorders/:id/export', async () => ({}));
      await fx.dashboard.app.ready();
      expect(undecidedRoutes(fx.dashboard.routes)).toEqual(['GET /api/recorders/:id/export']);
    } finally {
      await fx.close();
    }
  });

  it.each(Object.entries(DECISIONS))('%s', async (_key, expectation) => {
    await expectation.probe(ctx);
  });

  it('leaks nothing of Bob’s through any GET route, whatever is put in its parameters, with or without a session', async () => {
    const values: Record<string, string[]> = { id: ['b-rec-1', 'b-rec-2', String(ctx.bobRuleId)], slc: [BRAVO.slc], username: ['bob'] };
    const gets = ctx.d.routes.filter((r) => r.method === 'GET');
    let requests = 0;
    for (const route of gets) {
      const params = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
      const urls =
        params.length === 0 ? [route.url.replace(/\*$/, 'index.html')] : (values[params[0]!] ?? ['x']).map((v) => route.url.replace(`:${params[0]}`, v));
      for (const url of urls) {
        if (url === '/api/events') continue; // a stream: covered by its own probe
        const asked = url.split('/').filter((part) => BOB_MARKERS.some((m) => part.toLowerCase().includes(m.toLowerCase())));
        for (const session of [ctx.alice, undefined]) {
          const res = await as(ctx.d, session, 'GET', url);
          // "no recorder b-rec-1" only repeats what was asked; anything else of Bob's is a leak
          const answer = asked.reduce((body, part) => body.replaceAll(part, '<asked>'), res.body);
          noBobIn(answer, `GET ${url} as ${session?.username ?? 'nobody'}`);
          requests += 1;
        }
      }
    }
    expect(requests).toBeGreaterThan(40);
  });

  it('shows a reseller with no registrations nothing, and NOC and admin everything', async () => {
    const carol = await logIn(ctx.d, 'carol');
    for (const [url, key] of [
      ['/api/recorders', 'recorders'],
      ['/api/sites', 'sites'],
      ['/api/installations', 'installations'],
      ['/api/alerts', 'alerts'],
    ] as const) {
      expect((await as(ctx.d, carol, 'GET', url)).json<Record<string, unknown[]>>()[key], url).toEqual([]);
    }
    for (const session of [ctx.noc, await logIn(ctx.d, 'admin')]) {
      const { recorders } = (await as(ctx.d, session, 'GET', '/api/recorders')).json<{ recorders: Array<{ id: string }> }>();
      expect(recorders.map((r) => r.id).sort()).toEqual([...ALICE_RECORDERS, 'b-rec-1', 'b-rec-2', 'c-rec-1']);
      expect((await as(ctx.d, session, 'GET', '/api/recorders/c-rec-1')).statusCode).toBe(200);
    }
  });
});
