import { EnvelopeError, type EnvelopeOpener, type OpenedEnvelope } from '@vigil/proto/envelope';
import { parseRecorderTopic, type vigil, type RecorderTopicKind } from '@vigil/proto/wire';
import { dropped, type CheckStage, type Opened, type Received } from '../message.js';

const PAYLOAD_FOR_TOPIC: Record<RecorderTopicKind, vigil.v1.Payload['body']> = {
  birth: 'birth',
  hb: 'heartbeat',
  data: 'data',
  death: 'death',
};

/**
 * Topic -> sender -> envelope: the topic names a recorder and a message kind, the envelope is
 * signed by that recorder and sealed to us, and its payload is the kind the topic says.
 */
export function openEnvelope(opener: Pick<EnvelopeOpener, 'open'>, clock: () => number): CheckStage<Received, Opened> {
  return {
    name: 'open envelope',
    inGroup: false,
    run: ({ topic, bytes }) => {
      const parsed = parseRecorderTopic(topic);
      if (!parsed) return dropped('bad-topic', 'not a vigil/v1/rec/{recorderId}/{kind} topic');
      let envelope: OpenedEnvelope;
      try {
        envelope = opener.open(parsed.recorderId, bytes);
      } catch (error) {
        return dropped(error instanceof EnvelopeError ? error.reason : 'malformed', (error as Error).message);
      }
      if (envelope.payload.body !== PAYLOAD_FOR_TOPIC[parsed.kind]) {
        return dropped('wrong-payload-kind', `a ${envelope.payload.body ?? 'empty'} payload on a ${parsed.kind} topic`);
      }
      return { topic, recorderId: parsed.recorderId, kind: parsed.kind, envelope, receivedAt: clock() };
    },
  };
}
