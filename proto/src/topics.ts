/** MQTT topic layout (docs/DESIGN.md "Topics"). Everything that builds or parses a topic goes through here. */
export const TOPIC_ROOT = 'vigil/v1';

export type RecorderTopicKind = 'birth' | 'data' | 'hb' | 'death';
const RECORDER_KINDS: ReadonlySet<string> = new Set<RecorderTopicKind>(['birth', 'data', 'hb', 'death']);

/** Recorder ids become topic levels and certificate CNs: keep them to a safe alphabet. */
export const RECORDER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isRecorderId(value: string): boolean {
  return RECORDER_ID_PATTERN.test(value);
}

export const topics = {
  recorder: (recorderId: string, kind: RecorderTopicKind) => `${TOPIC_ROOT}/rec/${recorderId}/${kind}`,
  recorderPrefix: (recorderId: string) => `${TOPIC_ROOT}/rec/${recorderId}/`,
  ack: (recorderId: string) => `${TOPIC_ROOT}/ack/${recorderId}`,
  cmd: (recorderId: string) => `${TOPIC_ROOT}/cmd/${recorderId}`,
  state: (recorderId: string) => `${TOPIC_ROOT}/state/${recorderId}`,
  /** What the ingestor subscribes to. */
  allRecorderMessages: `${TOPIC_ROOT}/rec/+/+`,
  allStates: `${TOPIC_ROOT}/state/+`,
} as const;

export interface ParsedRecorderTopic {
  recorderId: string;
  kind: RecorderTopicKind;
}

export function parseRecorderTopic(topic: string): ParsedRecorderTopic | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== 'vigil' || parts[1] !== 'v1' || parts[2] !== 'rec') return undefined;
  const recorderId = parts[3] ?? '';
  const kind = parts[4] ?? '';
  if (!isRecorderId(recorderId) || !RECORDER_KINDS.has(kind)) return undefined;
  return { recorderId, kind: kind as RecorderTopicKind };
}

export function parseStateTopic(topic: string): string | undefined {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== 'vigil' || parts[1] !== 'v1' || parts[2] !== 'state') return undefined;
  return parts[3];
}
