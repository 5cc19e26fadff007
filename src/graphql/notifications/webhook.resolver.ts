/** ADMIN manages webhooks; deliveries are made by the dispatcher of every serving process (src/notifications/webhooks). */
import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { requireId } from '../../domain/shared/validation.js';
import { WebhookRegistry, type WebhookDeliveryView, type WebhookView } from '../../notifications/webhooks/registry.js';
import { ADMINS, requireViewer } from '../auth.js';
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

@Authorized(ADMINS)
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

  @Mutation(() => WebhookRegistration)
  registerWebhook(@Arg('input', () => RegisterWebhookInput) input: RegisterWebhookInput, @Ctx() context: GraphQLContext): Promise<{ webhook: WebhookView; secret: string }> {
    const viewer = requireViewer(context.viewer);
    return registryOf(context).register(input, { actor: viewer.sub, commandId: input.commandId ?? null });
  }

  @Mutation(() => Webhook)
  removeWebhook(@Arg('id', () => ID) id: string, @Ctx() context: GraphQLContext): Promise<WebhookView> {
    return registryOf(context).remove(requireId(id, 'id'));
  }

  @Mutation(() => WebhookDelivery, { description: 'Queue one delivery again (same webhook-id).' })
  redeliverWebhook(@Arg('deliveryId', () => ID) deliveryId: string, @Ctx() context: GraphQLContext): Promise<WebhookDeliveryView> {
    return registryOf(context).redeliver(requireId(deliveryId, 'deliveryId'));
  }
}
