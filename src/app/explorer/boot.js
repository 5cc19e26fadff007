/* Boots GraphiQL from the bundles this server serves: nothing is fetched from the internet. */
/* global React, ReactDOM, GraphiQL */
(function () {
  var fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', window.location.href).href });
  var defaultQuery = [
    '# Public: no token needed.',
    'query Overview {',
    '  standards { code title status certifiedCount }',
    '  certificationStats { certifiedServants validCertificates inProgress }',
    '  ranking(first: 5) { rank state municipality certifiedServants }',
    '}',
    '',
  ].join('\n');
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      // An empty Authorization means anonymous; paste "Bearer <token>" to act with a role.
      defaultHeaders: '{\n  "Authorization": ""\n}',
      defaultEditorToolsVisibility: 'headers',
      shouldPersistHeaders: true,
    }),
  );
})();
