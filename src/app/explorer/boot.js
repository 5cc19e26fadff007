/* Boots GraphiQL from the bundles this server serves: nothing is fetched from the internet. */
/* global React, ReactDOM, GraphiQL */
(function () {
  var page = new URL(window.location.href);
  var fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', page).href });
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
