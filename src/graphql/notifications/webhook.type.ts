import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { WebhookDeliveryView, WebhookView } from '../../notifications/webhooks/registry.js';
import type { DeliveryStatus } from '../../notifications/webhooks/tables.js';
import { DateTimeScalar } from '../scalars.js';
import { PageInfo } from '../shared/page-info.type.js';
import { CommandInputBase } from '../shared/command.input.js';

export const MAX_DELIVERIES_PAGE = 200;

const DELIVERY_STATUSES: { [K in DeliveryStatus]: K } = { PENDING: 'PENDING', DELIVERED: 'DELIVERED', FAILED: 'FAILED' };
registerEnumType(DELIVERY_STATUSES, {
  name: 'WebhookDeliveryStatus',
  description: 'Where one delivery of one event to one webhook stands.',
  valuesConfig: {
    PENDING: { description: 'Not delivered yet: waiting for its first attempt or its next retry.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Retried for a day without a 2xx; redeliverWebhook queues it again.' },
  },
});

@ObjectType({ description: "An endpoint that receives the log's events (Standard Webhooks).", simpleResolvers: true })
export class Webhook implements WebhookView {
  @Field(() => ID, { description: "The webhook's id, as removeWebhook and webhookDeliveries take it." })
  id!: string;

  @Field(() => String, { description: 'The endpoint events are POSTed to.' })
  url!: string;

  @Field(() => [String], { description: 'Event types delivered; empty means all.' })
  eventTypes!: string[];

  @Field(() => String, { nullable: true, description: "Only events of this municipality's servants, certifications and certificates; null: all." })
  municipality!: string | null;

  @Field(() => Boolean, { description: 'False once removed, or disabled after too many consecutive failures (redeliverWebhook enables it again).' })
  active!: boolean;

  @Field(() => DateTimeScalar, { description: 'When it was registered; it receives events recorded after that.' })
  createdAt!: string;

  @Field(() => Int, { description: 'Consecutive failed deliveries.' })
  failures!: number;
}

@ObjectType({ description: 'What registerWebhook returns: the webhook and, this once, its secret.', simpleResolvers: true })
export class WebhookRegistration {
  @Field(() => Webhook, { description: 'The webhook registered.' })
  webhook!: WebhookView;

  @Field(() => String, { description: 'The signing secret (whsec_...), shown only here.' })
  secret!: string;
}

@ObjectType({ description: 'One event sent (or to be sent) to one webhook.', simpleResolvers: true })
export class WebhookDelivery implements WebhookDeliveryView {
  @Field(() => ID, { description: "The delivery's id, as redeliverWebhook takes it." })
  id!: string;

  @Field(() => ID, { description: "The event's id: the webhook-id header, stable across retries." })
  eventId!: string;

  @Field(() => String, { description: "The event's global position in the log, a decimal string." })
  position!: string;

  @Field(() => String, { description: 'The event type, e.g. CertificateIssued.' })
  type!: string;

  @Field(() => Int, { description: 'Attempts made so far.' })
  attempts!: number;

  @Field(() => DELIVERY_STATUSES, { description: 'Where it stands.' })
  status!: DeliveryStatus;

  @Field(() => Int, { nullable: true, description: "HTTP status of the endpoint's last answer; null before the first answer (or when it never answered)." })
  responseStatus!: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the endpoint accepted it (2xx); null until then.' })
  deliveredAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the next attempt falls due; null once DELIVERED or FAILED.' })
  nextAttemptAt!: string | null;
}

@ObjectType({ description: 'One delivery of a webhookDeliveries page, with its cursor.', simpleResolvers: true })
export class WebhookDeliveryEdge {
  @Field(() => String, { description: 'Opaque; pass it as after for the older deliveries.' })
  cursor!: string;

  @Field(() => WebhookDelivery, { description: 'The delivery.' })
  node!: WebhookDeliveryView;
}

@ObjectType({ description: "A page of a webhook's deliveries, newest first (Relay connection).", simpleResolvers: true })
export class WebhookDeliveryConnection {
  @Field(() => [WebhookDeliveryEdge], { description: 'The page, newest first.' })
  edges!: WebhookDeliveryEdge[];

  @Field(() => PageInfo, { description: 'endCursor and hasNextPage lead to older deliveries.' })
  pageInfo!: PageInfo;
}

@InputType({ description: "An endpoint to receive the log's events, signed as Standard Webhooks (ADMIN)." })
export class RegisterWebhookInput extends CommandInputBase {
  @Field(() => String, { description: 'An http or https URL on a public address (a private or loopback one is BAD_USER_INPUT unless WEBHOOK_ALLOW_PRIVATE).' })
  url!: string;

  @Field(() => [String], { description: 'Event types to deliver, e.g. [CertificateIssued]; empty: all. An unknown type is BAD_USER_INPUT.' })
  eventTypes!: string[];

  @Field(() => String, { nullable: true, description: "Only events of this municipality's servants, certifications and certificates; absent: all." })
  municipality?: string | null;
}

@ArgsType()
export class WebhookDeliveriesArgs {
  @Field(() => ID, { description: 'Webhook.id.' })
  webhookId!: string;

  @IsOptional()
  @Min(1)
  @Max(MAX_DELIVERIES_PAGE)
  @Field(() => Int, { nullable: true, defaultValue: 50, description: `Deliveries per page, 1 to ${MAX_DELIVERIES_PAGE}.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;
}
