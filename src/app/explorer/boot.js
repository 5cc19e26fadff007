/* Boots GraphiQL from the bundles this server serves: nothing is fetched from the internet. */
/* global React, ReactDOM, GraphiQL */
(function () {
  var page = new URL(window.location.href);
  var httpFetcher = GraphiQL.createFetcher({ url: new URL('/graphql', page).href });
  var wsUrl = new URL('/graphql', page).href.replace(/^http/, 'ws');
  // graphql-ws's own browser client, served by this server as an ES module (explorer.ts), loaded with the first subscription.
  var graphqlWs = null;
  // One socket per Authorization value: the token travels in the connection params, not per operation.
  var socket = { authorization: null, client: null };

  function authorizationOf(headers) {
    for (var name in headers || {}) if (name.toLowerCase() === 'authorization') return String(headers[name] || '');
    return '';
  }

  function operationOf(documentAST, operationName) {
    var operations = ((documentAST && documentAST.definitions) || []).filter(function (d) { return d.kind === 'OperationDefinition'; });
    if (operationName) return operations.find(function (d) { return d.name && d.name.value === operationName; });
    return operations.length === 1 ? operations[0] : undefined;
  }

  async function wsClient(authorization) {
    if (socket.client && socket.authorization === authorization) return socket.client;
    if (socket.client) socket.client.dispose();
    graphqlWs = graphqlWs || import('/explorer/graphql-ws/client.js');
    var createClient = (await graphqlWs).createClient;
    socket = {
      authorization: authorization,
      client: createClient({ url: wsUrl, connectionParams: authorization ? { authorization: authorization } : {}, retryAttempts: 0 }),
    };
    return socket.client;
  }

  // Subscriptions go over graphql-ws on the same /graphql path, everything else over HTTP.
  function fetcher(params, options) {
    var operation = operationOf(options && options.documentAST, params.operationName);
    if (!operation || operation.operation !== 'subscription') return httpFetcher(params, options);
    var authorization = authorizationOf(options && options.headers);
    var source = null;
    var ended = false;
    // One iterator however often it is asked for: GraphiQL's stop button calls return() on a fresh request for it.
    var results = {
      next: async function () {
        if (ended) return { done: true, value: undefined };
        if (!source) source = (await wsClient(authorization)).iterate(params);
        return source.next();
      },
      return: async function () {
        ended = true;
        if (source && source.return) await source.return();
        return { done: true, value: undefined };
      },
    };
    results[Symbol.asyncIterator] = function () {
      return results;
    };
    return results;
  }
  // The README's public queries: they run before any token is pasted. Lines fit the editor's half of the page.
  var defaultQuery = [
    '# Public: no token needed. Run it with ▶ (Ctrl-Enter).',
    '# Tijuana\'s goal of 600 certified servants, as of its',
    '# 18 September 2018 ceremony (drop asOf for today):',
    'query PublicOverview {',
    '  goals(municipality: "Tijuana") {',
    '    id target deadline description',
    '  }',
    '  certificationStats(',
    '    municipality: "Tijuana"',
    '    asOf: "2018-09-18T23:59:59Z"',
    '  ) {',
    '    certifiedServants',
    '    validCertificates',
    '    byStandard { key count }',
    '  }',
    '  ranking(first: 5) {',
    '    rank municipality certifiedServants',
    '  }',
    '  verifyCertificate(folio: "UTT-EC0217-2017-0002") {',
    '    found status standardCode holderInitials',
    '  }',
    '}',
    '',
    '# Everything else (servants, history, auditLog) needs',
    '# a token: see Headers below.',
    '',
  ].join('\n');
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      // ?query=…&variables=… open in a tab of their own, so a link can carry a query (never a token).
      query: page.searchParams.get('query') || undefined,
      variables: page.searchParams.get('variables') || undefined,
      // An empty Authorization means anonymous; paste "Bearer <token>" to act with a role.
      defaultHeaders: '{\n  "Authorization": ""\n}',
      defaultEditorToolsVisibility: 'headers',
      // Tokens stay out of localStorage unless the user turns "Persist headers" on in the settings.
      // (Persisting the untouched default headers also made GraphiQL 3 open a duplicate tab on reload.)
      shouldPersistHeaders: false,
    }),
  );
})();
