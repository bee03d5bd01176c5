import type { ChannelInput, DashboardStore, RuleInput } from '@vigil/dashboard';
import type { DemoCatchers } from './catchers.js';
import { DEMO_NOC } from './plan.js';

const WEBHOOK = 'Demo webhook (local catcher)';
const EMAIL = 'Demo NOC mailbox (local catcher)';

/**
 * The demo's alerting, as NOC staff would set it up: a webhook and an e-mail channel to the
 * demo's own catchers, and rules the demo's scenario trips within minutes (a recorder losing
 * power, a site losing its uplink, a drive filling, a service stopping). Channels are updated at
 * every start, since the catchers listen on new ports each time; rules are made once.
 */
export function ensureDemoAlerting(store: DashboardStore, catchers: DemoCatchers): void {
  const noc = store.userByName(DEMO_NOC);
  if (!noc) return;
  const channels = store.channelsFor(noc);
  const upsert = (input: ChannelInput) => {
    const existing = channels.find((channel) => channel.name === input.name);
    return existing ? store.updateChannel(noc, existing.id, input) : store.createChannel(noc, input);
  };
  const webhook = upsert({ name: WEBHOOK, type: 'webhook', config: { url: catchers.webhookUrl, secret: catchers.webhookSecret, timeoutMs: 5_000 } });
  const email = upsert({ name: EMAIL, type: 'email', config: { to: ['noc@vigil-demo.invalid'] } });
  if (store.rulesFor(noc).length > 0) return;
  const both = [webhook.id, email.id];
  const rules: RuleInput[] = [
    {
      name: 'Recorder or site down',
      condition: { kind: 'state', states: ['unavailable', 'offline'] },
      severity: 'critical',
      channelIds: both,
      repeatMinutes: 60,
    },
    { name: 'Drive full', condition: { kind: 'problem', code: 'drive-full' }, severity: 'error', channelIds: both },
    { name: 'Drive filling up', condition: { kind: 'problem', code: 'drive-filling' }, severity: 'warning', channelIds: [email.id] },
    { name: 'VMS service stopped for a minute', condition: { kind: 'problem', code: 'service-stopped' }, forSeconds: 60, severity: 'error', channelIds: both },
    {
      name: 'Camera unreachable for two minutes',
      condition: { kind: 'problem', code: 'camera-unreachable' },
      forSeconds: 120,
      severity: 'warning',
      channelIds: [email.id],
    },
    { name: 'More cameras than licences', condition: { kind: 'problem', code: 'licence-overrun' }, severity: 'warning', channelIds: [email.id] },
  ];
  for (const rule of rules) store.createRule(noc, rule);
}
