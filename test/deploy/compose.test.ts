import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import type { Command } from 'commander';
import { pino } from 'pino';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '@vigil/agent';
import { InfluxTelemetryStore, type TelemetryPoint } from '@vigil/ingestor';
import { fleetProgram } from '../../cli/src/program.js';
import { FLEET_VARIABLES } from '../../cli/src/settings/index.js';
import { describeWithSystem } from '../../testing/system.js';
import { INFLUXD } from '../../testing/influxd.js';
import { useInfluxd } from '../../testing/use-influxd.js';

// No Docker engine runs here or in CI, so compose.yaml, the Dockerfile and deploy/ are checked
// as far as that allows: against the Compose specification's JSON schema, against the vigil CLI
// they run, against the variables the code reads and the docs list, and (Grafana's queries)
// against a real influxd.

const ROOT = resolve(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** compose.yaml as Compose reads it: YAML with merge keys, `${VAR}`, `${VAR:-default}`, `${VAR:?message}` and `$$` interpolated. */
function composeFile(env: Record<string, string> = {}): { services: Record<string, Service>; volumes?: Record<string, unknown> } {
  const interpolated = read('compose.yaml').replace(/\$\$|\$\{([A-Z0-9_]+)(?:(:?[-?])([^}]*))?\}/g, (whole, name: string | undefined, op, arg: string) => {
    if (whole === '$$') return '$';
    const value = env[name!];
    if (value) return value;
    if (op === ':-' || op === '-') return arg;
    if (op === ':?' || op === '?') return `test-value-for-${name}`;
    return '';
  });
  return parse(interpolated, { merge: true });
}

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
}

/** The variables a compose value names, e.g. ${VIGIL_BIND_ADDRESS:-127.0.0.1}. */
const referenced = (text: string) => [...text.matchAll(/(?<!\$)\$\{([A-Z0-9_]+)/g)].map((m) => m[1]!);

const VIGIL_IMAGE = 'vigil:latest';

describe('compose.yaml', () => {
  const compose = composeFile();
  const services = compose.services;
  const vigilServices = Object.entries(services).filter(([, service]) => service.image === VIGIL_IMAGE);

  it('is valid under the Compose specification JSON schema (vendored in deploy/compose-spec.schema.json)', () => {
    // The schema names its draft as ".../draft/2019-09/schema#", which Ajv registers without the
    // "#" (Ajv2019 validates that draft anyway), and labels subschemas with draft-04's `id`, which
    // Ajv refuses and which no `$ref` uses: both are dropped. The "duration" format is not checked.
    const { $schema: _draft, ...schema } = withoutIdLabels(JSON.parse(read('deploy/compose-spec.schema.json'))) as Record<string, unknown>;
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
    // The schema has teeth: a misspelt service key and a port of the wrong type are refused.
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services.broker!.restart_policy = 'always';
    expect(validate(broken)).toBe(false);
    const brokenPorts = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    brokenPorts.services.broker!.ports = [{ published: true }];
    expect(validate(brokenPorts)).toBe(false);
  });

  it('runs broker, ingestor and dashboard from the vigil image, InfluxDB 2 initialised, Grafana and demo agents in profiles', () => {
    expect(Object.keys(services).sort()).toEqual([
      'broker',
      'broker-2',
      'dashboard',
      'demo-rec-1',
      'demo-rec-2',
      'demo-rec-3',
      'grafana',
      'influxdb',
      'ingestor',
      'pki',
      'redis',
    ]);
    expect(services.influxdb?.image).toMatch(/^influxdb:2\./);
    expect(services.influxdb?.environment).toMatchObject({
      DOCKER_INFLUXDB_INIT_MODE: 'setup',
      DOCKER_INFLUXDB_INIT_ORG: 'vigil',
      DOCKER_INFLUXDB_INIT_BUCKET: 'vigil',
    });
    expect(services.grafana?.profiles).toEqual(['grafana']);
    for (const demo of ['demo-rec-1', 'demo-rec-2', 'demo-rec-3']) expect(services[demo]?.profiles).toEqual(['demo']);
    for (const part of ['redis', 'broker-2']) expect(services[part]?.profiles).toEqual(['redis']);
    for (const [, service] of vigilServices) expect(service.build).toBe('.');
  });

  it('configures the ingestor and the dashboard for the same InfluxDB, organisation, bucket and token that InfluxDB is initialised with', () => {
    const env = { VIGIL_INFLUX_TOKEN: 'tok-123', VIGIL_INFLUX_ORG: 'acme', VIGIL_INFLUX_BUCKET: 'fleet' };
    const configured = composeFile(env).services;
    for (const part of ['ingestor', 'dashboard']) {
      expect(configured[part]?.environment).toMatchObject({
        VIGIL_INFLUX_URL: 'http://influxdb:8086',
        VIGIL_INFLUX_ORG: 'acme',
        VIGIL_INFLUX_BUCKET: 'fleet',
        VIGIL_INFLUX_TOKEN: 'tok-123',
      });
    }
    expect(configured.influxdb?.environment).toMatchObject({
      DOCKER_INFLUXDB_INIT_ORG: 'acme',
      DOCKER_INFLUXDB_INIT_BUCKET: 'fleet',
      DOCKER_INFLUXDB_INIT_ADMIN_TOKEN: 'tok-123',
    });
    expect(configured.grafana?.environment).toMatchObject({ VIGIL_INFLUX_BUCKET: 'fleet', VIGIL_INFLUX_TOKEN: 'tok-123' });
  });

  it('publishes MQTT, WebSocket, enrolment and dashboard ports on VIGIL_BIND_ADDRESS only (127.0.0.1 unless set)', () => {
    const published = (file: ReturnType<typeof composeFile>) => Object.values(file.services).flatMap((service) => service.ports ?? []);
    expect(published(compose).sort()).toEqual([
      '127.0.0.1:3000:3000',
      '127.0.0.1:8080:8080',
      '127.0.0.1:8883:8883',
      '127.0.0.1:8884:8884',
      '127.0.0.1:8885:8885',
      '127.0.0.1:8893:8883', // broker-2 (profile redis)
    ]);
    expect(published(composeFile({ VIGIL_BIND_ADDRESS: '10.0.0.5' })).every((port) => port.startsWith('10.0.0.5:'))).toBe(true);
  });

  it('gives the broker certificate the name in VIGIL_PUBLIC_HOST (and "broker", which the ingestor, dashboard and demo agents use)', () => {
    expect(composeFile({ VIGIL_PUBLIC_HOST: 'fleet.example.com,10.0.0.5' }).services.pki?.command).toEqual([
      'pki',
      'init',
      '--data-dir',
      '/data',
      '--broker-host',
      'broker',
      'broker-2',
      'fleet.example.com,10.0.0.5',
    ]);
    for (const part of ['ingestor', 'dashboard']) expect(services[part]?.command).toContain('mqtts://broker:8883');
    // Profile redis: the broker joins the second node on Redis, the fleet services take both nodes.
    const twoNodes = composeFile({ VIGIL_REDIS_URL: 'redis://redis:6379/0', VIGIL_FLEET_BROKER_URLS: 'mqtts://broker:8883,mqtts://broker-2:8883' }).services;
    for (const node of ['broker', 'broker-2']) expect(twoNodes[node]?.environment).toMatchObject({ VIGIL_REDIS_URL: 'redis://redis:6379/0' });
    for (const part of ['ingestor', 'dashboard']) expect(twoNodes[part]?.command).toContain('mqtts://broker:8883,mqtts://broker-2:8883');
    expect(parse(read('deploy/demo/agent.yaml')).broker.url).toBe('mqtts://broker:8883');
    expect(read('deploy/demo/demo-agent.sh')).toContain('--url https://broker:8885');
  });

  it('every command and flag a service or the demo script runs exists in the vigil CLI', () => {
    const program = fleetProgram({});
    const runs: Array<[string, string[]]> = [];
    for (const [name, service] of vigilServices) {
      if (service.entrypoint) continue;
      expect(service.command, `${name} has a command`).toBeDefined();
      runs.push([name, service.command!]);
    }
    // The demo agents' entrypoint: its `vigil` invocations, shell variables standing for values.
    for (const line of read('deploy/demo/demo-agent.sh').split('\n')) {
      const match = /node \/app\/cli\/bin\/vigil\.js ([^|)]*)/.exec(line);
      if (match) runs.push([`demo-agent.sh: ${match[1]!.trim()}`, match[1]!.trim().split(/\s+/)]);
    }
    expect(runs.length).toBeGreaterThanOrEqual(7);
    for (const [where, argv] of runs) expect(unknownArguments(program, argv), where).toEqual([]);
    // The check itself finds a flag that does not exist.
    expect(unknownArguments(program, ['ingestor', '--influx-org', 'acme'])).toEqual(['--influx-org']);
    expect(unknownArguments(program, ['brokr'])).toEqual(['brokr']);
  });

  it('sets only VIGIL_* variables the code reads, and the README or docs/DEPLOY.md documents every one the services set or the code reads', () => {
    const docs = `${read('README.md')}\n${read('docs/DEPLOY.md')}`;
    const agentReads = [...read('agent/src/cli/environment.ts').matchAll(/'(VIGIL_[A-Z_]+)'/g)].map((m) => m[1]!);
    const settingsReads = readdirSync(join(ROOT, 'cli/src/settings')).flatMap((file) =>
      [...read(`cli/src/settings/${file}`).matchAll(/env: '(VIGIL_[A-Z_]+)'/g)].map((m) => m[1]!),
    );
    expect(new Set(settingsReads)).toEqual(new Set(FLEET_VARIABLES.filter((name) => name.startsWith('VIGIL_'))));
    const read_ = new Set([...settingsReads, ...agentReads]);
    const setByServices = vigilServices.flatMap(([, service]) => Object.keys(service.environment ?? {}));
    expect(setByServices.filter((name) => name.startsWith('VIGIL_') && !read_.has(name))).toEqual([]);
    const composeVariables = referenced(read('compose.yaml')).filter((name) => name.startsWith('VIGIL_'));
    const all = [...new Set([...read_, ...setByServices.filter((name) => name.startsWith('VIGIL_')), ...composeVariables])];
    expect(all.filter((name) => !docs.includes(name))).toEqual([]);
    // Every variable compose.yaml takes from the operator is in deploy/example.env.
    const example = read('deploy/example.env');
    expect(referenced(read('compose.yaml')).filter((name) => !example.includes(name))).toEqual([]);
  });

  it('mounts only files that exist, and the InfluxDB init script uses only variables the influxdb:2 image provides', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('.')) expect(existsSync(join(ROOT, source)), `${name}: ${source}`).toBe(true);
        else expect(compose.volumes, `${name}: named volume ${source}`).toHaveProperty(source);
      }
    }
    const script = read('deploy/influxdb/init/vigil-dbrp.sh');
    const provided = new Set([
      ...Object.keys(services.influxdb?.environment ?? {}),
      // Exported by the image's entrypoint to init scripts after setup.
      'DOCKER_INFLUXDB_INIT_USER_ID',
      'DOCKER_INFLUXDB_INIT_ORG_ID',
      'DOCKER_INFLUXDB_INIT_BUCKET_ID',
    ]);
    const used = [...script.matchAll(/\$\{?([A-Z_]+)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => !provided.has(name))).toEqual([]);
    expect(script).toMatch(/influx v1 dbrp create[\s\S]*--db "\$\{DOCKER_INFLUXDB_INIT_BUCKET\}"[\s\S]*--default/);
  });

  it('the demo agents’ config is one the agent accepts', () => {
    const config = parseAgentConfig(parse(read('deploy/demo/agent.yaml')), 'deploy/demo/agent.yaml', '/agent', { recorderId: 'demo-rec-2' });
    expect(config.recorderId).toBe('demo-rec-2');
    expect(config.inventory.installation.slc).toBe('DEMO-COMPOSE-0001');
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('is multi-stage and runs as a non-root user, with no compiler in the final stage', () => {
    const stages = instructions.filter((line) => line.startsWith('FROM '));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const final = instructions.slice(instructions.lastIndexOf(stages.at(-1)!));
    expect(final.find((line) => line.startsWith('USER '))).toBe('USER node');
    expect(final.join('\n')).not.toMatch(/g\+\+|make|python3/);
  });

  it('copies only paths that exist and that .dockerignore lets through, and its entrypoint is the vigil CLI', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const sources = instructions
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) =>
        line
          .replace(/^COPY\s+(--\S+\s+)*/, '')
          .split(/\s+/)
          .slice(0, -1),
      );
    expect(sources.length).toBeGreaterThan(10);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(
        ignored.filter((pattern) => source === pattern || source.startsWith(`${pattern}/`)),
        source,
      ).toEqual([]);
    }
    expect(instructions).toContain('ENTRYPOINT ["node", "cli/bin/vigil.js"]');
    // What the demo agents' entrypoint needs is in the image.
    expect(sources).toContain('deploy/demo');
  });
});

describe('Grafana provisioning', () => {
  const dashboard = JSON.parse(read('deploy/grafana/dashboards/vigil-fleet.json')) as {
    panels: Array<{ title: string; datasource: { uid: string }; targets: Array<{ query: string; datasource: { uid: string } }> }>;
    templating: { list: Array<{ query: string }> };
  };
  const datasource = parse(read('deploy/grafana/provisioning/datasources/vigil-influxdb.yaml')).datasources[0];
  const queries = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ panel: panel.title, query: target.query, uid: target.datasource.uid })));

  /** docs/DATA.md's measurement table: measurement -> its series tags and fields. */
  const measurements = new Map(
    read('docs/DATA.md')
      .split('\n')
      .filter((line) => /^\| `[a-z]+` \|/.test(line))
      .map((line) => {
        const cells = line.split(' | ');
        const names = (cell: string) => [...cell.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
        return [names(cells[0]!)[0]!, new Set([...names(cells[1]!), ...names(cells[2]!)])] as const;
      }),
  );

  it('reads the provisioned InfluxDB data source, in InfluxQL, with the token as a header and the bucket as database', () => {
    expect(datasource).toMatchObject({ uid: 'vigil-influxdb', type: 'influxdb', url: 'http://influxdb:8086', jsonData: { dbName: '$VIGIL_INFLUX_BUCKET' } });
    expect(datasource.secureJsonData.httpHeaderValue1).toBe('Token $VIGIL_INFLUX_TOKEN');
    expect(queries.length).toBeGreaterThanOrEqual(5);
    for (const { uid } of queries) expect(uid).toBe(datasource.uid);
  });

  it('names only measurements, fields and tags docs/DATA.md documents', () => {
    expect(measurements.get('disk')).toContain('used_percent');
    const fleetTags = ['recorder', 'installation', 'site'];
    for (const { panel, query } of queries) {
      const from = [...query.matchAll(/FROM "([a-z_]+)"/g)].map((m) => m[1]!);
      expect(from.length, panel).toBeGreaterThan(0);
      for (const measurement of from) {
        const known = measurements.get(measurement);
        expect(known, `${panel}: measurement ${measurement}`).toBeDefined();
        const names = [...query.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]!).filter((name) => !measurements.has(name));
        const aliases = [...query.matchAll(/AS "([a-z_]+)"/g)].map((m) => m[1]!);
        expect(
          names.filter((name) => !known!.has(name) && !fleetTags.includes(name) && !aliases.includes(name)),
          panel,
        ).toEqual([]);
      }
    }
  });

  describeWithSystem('against a real influxd (the InfluxQL InfluxDB 2 answers on /query through the DBRP mapping)', [INFLUXD], () => {
    const influxd = useInfluxd(['vigil']);

    it('every panel query and the installation variable run without error over points the ingestor’s store wrote', async () => {
      const store = new InfluxTelemetryStore({ url: influxd().url, bucket: 'vigil', api: 'v1', logger: pino({ level: 'silent' }) });
      const now = Date.now();
      const tags = { recorder: 'rec-g1', installation: 'SLC-G', site: 's1', reseller: '' };
      const points: TelemetryPoint[] = [
        { measurement: 'state', tags, fields: { state: 'online', status: 1, problems: 0 }, time: now - 60_000 },
        { measurement: 'disk', tags: { ...tags, path: 'E:' }, fields: { total_bytes: 100, free_bytes: 3, used_percent: 97 }, time: now - 50_000 },
        { measurement: 'service', tags: { ...tags, service: 'Recording Server' }, fields: { running: false }, time: now - 40_000 },
        { measurement: 'licence', tags, fields: { camera_count: 12, licensed_cameras: 10, unlicensed_cameras: 2 }, time: now - 30_000 },
        {
          measurement: 'event',
          tags: { ...tags, kind: 'event', code: 'archive-move-failed', subject: 'A1' },
          fields: { count: 2, last_seen: now, severity: 'error', message: 'm', historical: false },
          time: now - 20_000,
        },
        { measurement: 'heartbeat', tags, fields: { bd_seq: 1 }, time: now - 10_000 },
      ];
      await store.write(points);
      await store.close();
      const macros = (query: string) => query.replaceAll('$timeFilter', 'time > now() - 1h').replaceAll('$__interval', '1m').replaceAll('$installation', '.*');
      for (const { panel, query } of [...queries, { panel: 'variable installation', query: dashboard.templating.list[0]!.query }]) {
        const answer = await influxd().query('vigil', macros(query));
        expect(answer.error ?? answer.results[0]?.error, `${panel}: ${query}`).toBeUndefined();
        expect(answer.results[0]?.series?.length ?? 0, `${panel} finds the points written`).toBeGreaterThan(0);
      }
    });
  });
});

/** A schema without draft-04 `id` labels (a string `id` beside schema keywords; a property named "id" is kept). */
function withoutIdLabels(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIdLabels);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutIdLabels(value)]),
  );
}

/** What in `argv` the vigil command tree does not know: an unknown command, or a flag the command does not have. */
function unknownArguments(program: Command, argv: string[]): string[] {
  let command = program;
  let rest = [...argv];
  for (;;) {
    const next = rest[0];
    const sub = command.commands.find((c) => c.name() === next || c.aliases().includes(next ?? ''));
    if (!sub) break;
    command = sub;
    rest = rest.slice(1);
  }
  if (command === program) return rest.slice(0, 1);
  const { unknown, operands } = command.parseOptions(rest);
  // An operand the command takes no argument for is as wrong as an unknown flag.
  const extra = operands.slice(command.registeredArguments.length === 0 ? 0 : operands.length);
  const variadic = command.registeredArguments.some((argument) => argument.variadic);
  return [...unknown.filter((arg) => arg.startsWith('-')), ...(variadic ? [] : extra)];
}
