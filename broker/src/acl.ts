import { TOPIC_ROOT } from '@vigil/proto/wire';

/** Who is on the other end of a connection, taken from its client certificate. */
export type Identity = { role: 'recorder'; id: string } | { role: 'service'; id: string };

const RECORDER_KINDS = ['birth', 'data', 'hb', 'death'];
const RECORDER_ROOT = `${TOPIC_ROOT}/rec/`;
const SLASH = 47;

/** Topic filters each fleet service may use. Anything not listed is refused. */
const SERVICE_RIGHTS: Record<string, { publish: string[]; subscribe: string[] }> = {
  ingestor: {
    publish: [`${TOPIC_ROOT}/ack/+`, `${TOPIC_ROOT}/state/+`],
    subscribe: [`${TOPIC_ROOT}/rec/+/+`, `${TOPIC_ROOT}/rec/#`],
  },
  dashboard: {
    publish: [`${TOPIC_ROOT}/cmd/+`],
    subscribe: [`${TOPIC_ROOT}/state/+`, `${TOPIC_ROOT}/state/#`],
  },
};

/** Service client ids live in their own namespace, so no service can take over a recorder's session. */
export const SERVICE_CLIENT_PREFIX = 'service:';

/** True when every topic matched by `requested` is also matched by `allowed`. */
export function filterCovers(allowed: string, requested: string): boolean {
  const a = allowed.split('/');
  const r = requested.split('/');
  for (let i = 0; i < a.length; i++) {
    const level = a[i];
    if (level === '#') return true;
    const wanted = r[i];
    if (wanted === undefined) return false;
    if (level === '+') {
      if (wanted === '#') return false;
      continue;
    }
    if (level !== wanted) return false;
  }
  return a.length === r.length;
}

export function canPublish(identity: Identity, topic: string): boolean {
  if (identity.role === 'recorder') {
    // vigil/v1/rec/{own id}/{kind}, compared in place: this runs for every message, and splitting
    // the topic allocated an array and five strings each time.
    const id = identity.id;
    const kindAt = RECORDER_ROOT.length + id.length + 1;
    if (!topic.startsWith(RECORDER_ROOT) || !topic.startsWith(id, RECORDER_ROOT.length) || topic.charCodeAt(kindAt - 1) !== SLASH) return false;
    if (id.length === 0 || id.includes('/')) return false; // an id is exactly one topic level
    for (const kind of RECORDER_KINDS) if (topic.length === kindAt + kind.length && topic.startsWith(kind, kindAt)) return true;
    return false;
  }
  return (SERVICE_RIGHTS[identity.id]?.publish ?? []).some((allowed) => filterCovers(allowed, topic));
}

export function canSubscribe(identity: Identity, filter: string): boolean {
  if (identity.role === 'recorder') {
    return filter === `${TOPIC_ROOT}/ack/${identity.id}` || filter === `${TOPIC_ROOT}/cmd/${identity.id}`;
  }
  return (SERVICE_RIGHTS[identity.id]?.subscribe ?? []).some((allowed) => filterCovers(allowed, filter));
}

export function isKnownService(name: string): boolean {
  return name in SERVICE_RIGHTS;
}
