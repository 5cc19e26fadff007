/**
 * An Apollo Client a frontend team would start from: queries and mutations
 * over HTTP, subscriptions over graphql-ws on the same /graphql path, one
 * normalized cache. Every cached object has an id, so the cache needs no
 * typePolicies except the one that merges the pages of `servants`.
 */
import { ApolloClient, HttpLink, InMemoryCache, split } from '@apollo/client/core/index.js';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions/index.js';
import { getMainDefinition, relayStylePagination } from '@apollo/client/utilities/index.js';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface AcreditaClientOptions {
  /** The server's origin, e.g. http://127.0.0.1:4000. */
  origin: string;
  /** A bearer token (`npx acredita token --role ADMIN`); anonymous without. */
  token?: string;
}

export interface AcreditaClient {
  apollo: ApolloClient<unknown>;
  /** Closes the WebSocket; call when done. */
  close(): Promise<void>;
}

export function createAcreditaClient({ origin, token }: AcreditaClientOptions): AcreditaClient {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const http = new HttpLink({ uri: `${origin}/graphql`, headers, fetch });
  // A browser has WebSocket built in; Node gets the `ws` package.
  const ws: Client = createClient({
    url: `${origin.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    lazy: true,
  });
  const link = split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    new GraphQLWsLink(ws),
    http,
  );
  const cache = new InMemoryCache({
    typePolicies: {
      // Pages of the same filter merge into one list; another filter is another list.
      Query: { fields: { servants: relayStylePagination(['filter']) } },
    },
  });
  const apollo = new ApolloClient({ link, cache });
  return {
    apollo,
    async close() {
      apollo.stop();
      await ws.dispose();
    },
  };
}
