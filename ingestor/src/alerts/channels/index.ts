export {
  ALERT_SEVERITIES,
  NOTIFICATION_KINDS,
  ChannelError,
  highestSeverity,
  problemName,
  unavailableSender,
  type AlertNotice,
  type AlertSeverity,
  type ChannelSender,
  type Notification,
  type NotificationKind,
} from './types.js';
export {
  WEBHOOK_SCHEMA_VERSION,
  WEBHOOK_SECRET_MIN_LENGTH,
  WEBHOOK_TIMEOUT_MS,
  checkWebhookConfig,
  verifyWebhookSignature,
  webhookBody,
  webhookSender,
  webhookSignature,
  type WebhookAlert,
  type WebhookBody,
  type WebhookConfig,
} from './webhook.js';
export {
  EMAIL_MAX_RECIPIENTS,
  SMTP_STARTTLS_MODES,
  SmtpTransport,
  channelRecipients,
  checkEmailConfig,
  emailSender,
  isEmailAddress,
  smtpTransportFrom,
  type EmailConfig,
  type SmtpSettings,
} from './email.js';
export { emailContent, emailHtml, emailSubject, emailText, escapeHtml, type EmailContent } from './email-message.js';

/** What an e-mail channel reports while the operator has set no SMTP server. */
export const NO_SMTP_SERVER = 'no SMTP server configured: set VIGIL_SMTP_URL (e.g. smtp://mail.example.com:587) and VIGIL_SMTP_FROM, then restart the ingestor';
