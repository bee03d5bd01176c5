#!/usr/bin/env node
// One-off for merging the branches of issue 11: rewrites `import ... from '@vigil/proto'` (the
// root export, now gone) into one import per subpath export. Usage, from the repository root:
//   node proto/scripts/split-root-imports.mjs $(git grep -l "from '@vigil/proto'" -- '*.ts')
// Delete this file once no import of the root remains.
import { readFileSync, writeFileSync } from 'node:fs';
const where = {
  wire: ['vigil', 'topics', 'TOPIC_ROOT', 'RECORDER_ID_PATTERN', 'isRecorderId', 'parseRecorderTopic', 'parseStateTopic', 'RecorderTopicKind', 'ParsedRecorderTopic', 'soleDataBatchBytes'],
  envelope: ['EnvelopeSealer', 'EnvelopeOpener', 'EnvelopeError', 'OpenedEnvelope', 'SealerOptions', 'OpenerOptions', 'keyIdOf', 'EnvelopeRejection', 'BadSignatureError', 'MalformedEnvelopeError', 'OversizedEnvelopeError', 'ReplayedDataKeyError', 'SenderMismatchError', 'TamperedEnvelopeError', 'UnknownRecipientKeyError', 'UnknownSenderError'],
  pki: ['FleetPki', 'writeSecret', 'DeviceBundle', 'TlsIdentityFiles', 'IdentityRole', 'DeviceRegistryFile', 'DeviceRegistryEntry'],
  'rate-limited-warning': ['RateLimitedWarning'],
  'metrics-server': ['startMetricsServer', 'MetricsSource'],
  trend: ['fillRate', 'UsageSample'],
  'upstream-patches/mqtt-packet-lengths': ['fillPacketLengthCache'],
};
const moduleOf = new Map(Object.entries(where).flatMap(([m, names]) => names.map((n) => [n, m])));
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  const out = text.replace(/import (type )?\{([^}]*)\} from '@vigil\/proto';/g, (_all, typeAll, list) => {
    const groups = new Map();
    for (const raw of list.split(',').map((s) => s.trim()).filter(Boolean)) {
      const name = raw.replace(/^type\s+/, '').split(/\s+as\s+/)[0].trim();
      const m = moduleOf.get(name);
      if (name === 'useSmallBufferPool') throw new Error(`${file}: useSmallBufferPool is the agent's now: import it from agent/src/upstream-patches/small-buffer-pool.ts`);
      if (!m) throw new Error(`${file}: ${name} is not exported by any subpath of @vigil/proto known to this script (see proto/package.json "exports")`);
      if (!groups.has(m)) groups.set(m, []);
      groups.get(m).push(raw);
    }
    return [...groups].map(([m, names]) => {
      const allTypes = typeAll || names.every((n) => n.startsWith('type '));
      const specs = allTypes ? names.map((n) => n.replace(/^type\s+/, '')) : names;
      return `import ${allTypes ? 'type ' : ''}{ ${specs.join(', ')} } from '@vigil/proto/${m}';`;
    }).join('\n');
  });
  if (out !== text) writeFileSync(file, out);
}
