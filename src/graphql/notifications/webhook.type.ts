import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { WebhookDeliveryView, WebhookView } from '../../notifications/webhooks/registry.js';
import type { DeliveryStatus } from '../../notifications/webhooks/tables.js';
import { DateTimeScalar } from '../scalars.js';
import { PageInfo } from '../shared/page-info.type.js';

export const MAX_DELIVERIES_PAGE = 200;

const DELIVERY_STATUSES: { [K in DeliveryStatus]: K } = { PENDING: 'PENDING', DELIVERED: 'DELIVERED', FAILED: 'FAILED' };
registerEnumType(DELIVERY_STATUSES, {
  name: 'WebhookDeliveryStatus',
  valuesConfig: {
    PENDING: { description: 'Not delivered yet: waiting for its first attempt or its next retry.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Retried for a day without a 2xx; redeliverWebhook queues it again.' },
  },
});

@ObjectType({ description: "An endpoint that receives the log's events (Standard Webhooks).", simpleResolvers: true })
export class Webhook implements WebhookView {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  url!: string;

  @Field(() => [String], { description: 'Event types delivered; empty means all.' })
  eventTypes!: string[];

  @Field(() => String, { nullable: true, description: "Only events of this municipality's servants, certifications and certificates; null: all." })
  municipality!: string | null;

  @Field(() => Boolean)
  active!: boolean;

  @Field(() => DateTimeScalar)
  createdAt!: string;

  @Field(() => Int, { description: 'Consecutive failed deliveries.' })
  failures!: number;
}

@ObjectType({ simpleResolvers: true })
export class WebhookRegistration {
  @Field(() => Webhook)
  webhook!: WebhookView;

  @Field(() => String, { description: 'The signing secret (whsec_...), shown only here.' })
  secret!: string;
}

@ObjectType({ simpleResolvers: true })
export class WebhookDelivery implements WebhookDeliveryView {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: "The event's id: the webhook-id header, stable across retries." })
  eventId!: string;

  @Field(() => String)
  position!: string;

  @Field(() => String)
  type!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => DELIVERY_STATUSES)
  status!: DeliveryStatus;

  @Field(() => Int, { nullable: true })
  responseStatus!: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  deliveredAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  nextAttemptAt!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class WebhookDeliveryEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => WebhookDelivery)
  node!: WebhookDeliveryView;
}

@ObjectType({ simpleResolvers: true })
export class WebhookDeliveryConnection {
  @Field(() => [WebhookDeliveryEdge])
  edges!: WebhookDeliveryEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@InputType()
export class RegisterWebhookInput {
  @Field(() => ID, { nullable: true })
  commandId?: string | null;

  @Field(() => String)
  url!: string;

  @Field(() => [String])
  eventTypes!: string[];

  @Field(() => String, { nullable: true })
  municipality?: string | null;
}

@ArgsType()
export class WebhookDeliveriesArgs {
  @Field(() => ID)
  webhookId!: string;

  @IsOptional()
  @Min(1)
  @Max(MAX_DELIVERIES_PAGE)
  @Field(() => Int, { nullable: true, defaultValue: 50 })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}
