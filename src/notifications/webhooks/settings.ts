/** Webhook settings from the environment (docs/operations.md, "Webhooks"). */
import { z } from 'zod';

export interface WebhookSettings {
  /** WEBHOOK_ALLOW_PRIVATE: endpoints on loopback or private addresses are allowed (tests, closed networks). */
  allowPrivate: boolean;
  /** WEBHOOK_RETRY_BASE_MS: the first retry's delay; each next one doubles, up to retryMaxDelayMs. */
  retryBaseMs: number;
  /** The longest wait between two attempts (1 h). */
  retryMaxDelayMs: number;
  /** WEBHOOK_RETRY_FOR_MS: how long a delivery is retried before it is FAILED (a day). */
  retryForMs: number;
  /** WEBHOOK_DISABLE_AFTER: consecutive failed attempts, with no success between, that disable an endpoint. */
  disableAfter: number;
  /** WEBHOOK_CONCURRENCY: deliveries in flight per process. */
  concurrency: number;
  /** WEBHOOK_TIMEOUT_MS: an endpoint must answer within this. */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  allowPrivate: false,
  retryBaseMs: 5_000,
  retryMaxDelayMs: 3_600_000,
  retryForMs: 86_400_000,
  disableAfter: 50,
  concurrency: 8,
  timeoutMs: 10_000,
};

const flag = z
  .enum(['1', 'true', 'yes', 'on', '0', 'false', 'no', 'off'], { message: 'must be true or false (1/0, yes/no, on/off)' })
  .transform((value) => ['1', 'true', 'yes', 'on'].includes(value));

const schema = z.object({
  WEBHOOK_ALLOW_PRIVATE: flag.optional(),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).optional(),
  WEBHOOK_RETRY_FOR_MS: z.coerce.number().int().min(1_000).max(30 * 86_400_000).optional(),
  WEBHOOK_DISABLE_AFTER: z.coerce.number().int().min(1).max(100_000).optional(),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
});

/** Settings, or one problem per bad variable ("NAME: what is wrong"). */
export function webhookSettingsFrom(env: Record<string, string | undefined>): { settings: WebhookSettings; problems: string[] } {
  const given = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('WEBHOOK_') && value !== undefined && value.trim() !== ''));
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(given).map(([key, value]) => [key, value!.trim().toLowerCase()])));
  if (!parsed.success) {
    return { settings: DEFAULT_WEBHOOK_SETTINGS, problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) };
  }
  const vars = parsed.data;
  return {
    settings: {
      ...DEFAULT_WEBHOOK_SETTINGS,
      allowPrivate: vars.WEBHOOK_ALLOW_PRIVATE ?? false,
      retryBaseMs: vars.WEBHOOK_RETRY_BASE_MS ?? DEFAULT_WEBHOOK_SETTINGS.retryBaseMs,
      retryForMs: vars.WEBHOOK_RETRY_FOR_MS ?? DEFAULT_WEBHOOK_SETTINGS.retryForMs,
      disableAfter: vars.WEBHOOK_DISABLE_AFTER ?? DEFAULT_WEBHOOK_SETTINGS.disableAfter,
      concurrency: vars.WEBHOOK_CONCURRENCY ?? DEFAULT_WEBHOOK_SETTINGS.concurrency,
      timeoutMs: vars.WEBHOOK_TIMEOUT_MS ?? DEFAULT_WEBHOOK_SETTINGS.timeoutMs,
    },
    problems: [],
  };
}
