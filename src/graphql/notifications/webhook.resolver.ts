/** ADMIN manages webhooks; deliveries are made by the dispatcher of every serving process (src/notifications/webhooks). */
import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { requireId } from '../../domain/shared/validation.js';
import { WebhookRegistry, type WebhookDeliveryView, type WebhookView } from '../../notifications/webhooks/registry.js';
import { Authorized, requireViewer } from '../auth.js';
import type { GraphQLContext } from '../context.js';
import { pageInfoOf } from '../shared/page-info.type.js';
import {
  RegisterWebhookInput,
  Webhook,
  WebhookDeliveriesArgs,
  WebhookDelivery,
  WebhookDeliveryConnection,
  WebhookRegistration,
} from './webhook.type.js';

function registryOf(context: GraphQLContext): WebhookRegistry {
  const { webhooks } = context.deps;
  if (!webhooks) throw new Error('Webhooks are not wired into this server (GraphQLDeps.webhooks)');
  return webhooks;
}

@Authorized('webhook:manage')
@Resolver()
export class WebhookResolver {
  @Query(() => [Webhook], { description: 'Admins: registered webhooks.' })
  webhooks(@Ctx() context: GraphQLContext): Promise<WebhookView[]> {
    return registryOf(context).list();
  }

  @Query(() => WebhookDeliveryConnection, { description: "Admins: a webhook's deliveries, newest first." })
  async webhookDeliveries(@Args(() => WebhookDeliveriesArgs) args: WebhookDeliveriesArgs, @Ctx() context: GraphQLContext): Promise<WebhookDeliveryConnection> {
    const page = await registryOf(context).deliveries(requireId(args.webhookId, 'webhookId'), args.first ?? 50, args.after ?? null);
    const edges = page.items.map((node) => ({ cursor: WebhookRegistry.cursorOf(node), node }));
    return { edges, pageInfo: pageInfoOf(edges, { hasNextPage: page.hasNextPage, hasPreviousPage: args.after != null }) };
  }

  @Mutation(() => WebhookRegistration, { description: 'Admins: registers an endpoint for the log\'s events; the answer carries its signing secret, shown only here.' })
  registerWebhook(@Arg('input', () => RegisterWebhookInput, { description: "The endpoint's fields; the same commandId again returns the first result." }) input: RegisterWebhookInput, @Ctx() context: GraphQLContext): Promise<{ webhook: WebhookView; secret: string }> {
    const viewer = requireViewer(context.viewer);
    return registryOf(context).register(input, { actor: viewer.sub, commandId: input.commandId ?? null });
  }

  @Mutation(() => Webhook, { description: 'Admins: stops a webhook for good (active false); its delivery log stays readable. An unknown id is NOT_FOUND.' })
  removeWebhook(@Arg('id', () => ID, { description: 'Webhook.id.' }) id: string, @Ctx() context: GraphQLContext): Promise<WebhookView> {
    return registryOf(context).remove(requireId(id, 'id'));
  }

  @Mutation(() => WebhookDelivery, { description: 'Queue one delivery again (same webhook-id).' })
  redeliverWebhook(@Arg('deliveryId', () => ID, { description: 'WebhookDelivery.id; an unknown one is NOT_FOUND.' }) deliveryId: string, @Ctx() context: GraphQLContext): Promise<WebhookDeliveryView> {
    return registryOf(context).redeliver(requireId(deliveryId, 'deliveryId'));
  }
}
