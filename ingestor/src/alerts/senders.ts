import { emailSender, type SmtpSettings, type SmtpTransport, smtpTransportFrom } from './channels/email.js';
import { NO_SMTP_SERVER } from './channels/index.js';
import { type ChannelSender, ChannelError, unavailableSender } from './channels/types.js';
import { webhookSender } from './channels/webhook.js';
import type { AlertChannel } from './model.js';

/**
 * How the notifier reaches each channel: webhooks as configured, e-mail through the operator's one
 * SMTP server (VIGIL_SMTP_*), shared by every e-mail channel of this process.
 */
export function channelSenders(smtp: SmtpSettings | undefined): { senderFor(channel: AlertChannel): ChannelSender; transport: SmtpTransport | undefined } {
  const transport = smtp ? smtpTransportFrom(smtp) : undefined;
  return {
    transport,
    senderFor(channel) {
      const config = channel.config;
      try {
        if (config.type === 'webhook') return webhookSender({ url: config.url, secret: config.secret, timeoutMs: config.timeoutMs });
        return transport ? emailSender(transport, { to: config.to }) : unavailableSender(NO_SMTP_SERVER);
      } catch (error) {
        // A channel the dashboard let through but this build refuses: reported on the channel, never thrown at the queue.
        return unavailableSender(error instanceof ChannelError ? error.message : String(error), 'config');
      }
    },
  };
}
