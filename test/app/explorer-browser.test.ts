/**
 * The offline explorer in a real browser: headless Chromium opens the page
 * this server serves, GraphiQL renders from our own bundles with nothing asked
 * of another host, its default query runs anonymously, and a query from the
 * link runs with the token typed into the headers editor. Driven over the
 * DevTools protocol (test/support/chromium.ts). Needs Debian's chromium at
 * /usr/bin/chromium: outside CI the suite says so and skips; under CI=true it
 * fails instead (.ci/run installs chromium).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../graphql/support/api.js';
import { M } from '../graphql/support/documents.js';
import { must, Scenario } from '../graphql/support/scenario.js';
import { HeadlessPage, chromiumAvailable, poll } from '../support/chromium.js';

const hasChromium = chromiumAvailable('explorer');

/** GraphiQL has rendered its editors. */
const EDITORS_READY = `!!document.querySelector('.graphiql-query-editor .CodeMirror')`;

/** GraphiQL's editors are CodeMirror 5 instances hung on their wrapper element. */
const editor = (selector: string) => `document.querySelector(${JSON.stringify(`${selector} .CodeMirror`)}).CodeMirror`;
const QUERY = editor('.graphiql-query-editor');
const HEADERS = editor('.graphiql-editor-tool .graphiql-editor:not(.hidden)');
const RESPONSE = editor('.graphiql-response');

/** Presses the run button, as a person would, and reads the response pane. */
async function run(browser: HeadlessPage): Promise<{ data?: any; errors?: { extensions: { code: string } }[] }> {
  await browser.evaluate(`${RESPONSE}.setValue(''); document.querySelector('.graphiql-execute-button').click()`);
  const text = await browser.waitFor<string>(
    `!document.querySelector('.graphiql-response .graphiql-spinner') && ${RESPONSE}.getValue()`,
  );
  return JSON.parse(text);
}

describe.skipIf(!hasChromium)('the explorer in headless Chromium', () => {
  let api: TestApi;
  let browser: HeadlessPage;
  let admin: string;

  beforeAll(async () => {
    api = (await startTestApi('sqlite'))!;
    admin = await api.token('ADMIN');
    must(await api.gql(M.publishStandard, { input: { code: 'EC0105', title: 'Atencion al ciudadano', level: 2, validityYears: 5 } }, admin));
    browser = await HeadlessPage.launch();
  });
  const listening = async (): Promise<number> =>
    Number(/^acredita_graphql_subscriptions_active (\d+)$/m.exec(await (await fetch(`${api.origin}/metrics`)).text())?.[1] ?? -1);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('renders GraphiQL and runs its default query anonymously: the public tour is valid against the schema', async () => {
    await browser.open(api.endpoint);
    await browser.waitFor(EDITORS_READY);
    expect(await browser.evaluate<string>(`${QUERY}.getValue()`)).toContain('verifyCertificate(folio: "UTT-EC0217-2017-0002")');
    expect(JSON.parse(await browser.evaluate<string>(`${HEADERS}.getValue()`))).toEqual({ Authorization: '' });

    const result = await run(browser);
    expect(result.errors).toBeUndefined();
    expect(result.data).toMatchObject({ goals: [], ranking: [], verifyCertificate: { found: false } });
  });

  it('runs the query a link carries, refused without a token and answered with the one typed into Headers', async () => {
    await browser.open(`${api.endpoint}?query=${encodeURIComponent('{ standards { code title } servants(first: 1) { totalCount } }')}`);
    await browser.waitFor(EDITORS_READY);
    expect(await browser.evaluate<string>(`${QUERY}.getValue()`)).toBe('{ standards { code title } servants(first: 1) { totalCount } }');

    const anonymous = await run(browser);
    expect(anonymous.errors?.map((error) => error.extensions.code)).toEqual(['UNAUTHENTICATED']);

    await browser.evaluate(`${HEADERS}.setValue(${JSON.stringify(JSON.stringify({ Authorization: `Bearer ${admin}` }))})`);
    const signedIn = await run(browser);
    expect(signedIn.errors).toBeUndefined();
    expect(signedIn.data).toEqual({ standards: [{ code: 'EC0105', title: 'Atencion al ciudadano' }], servants: { totalCount: 0 } });
  });

  it('runs a subscription over graphql-ws with the token typed into Headers, and shows what the log pushes', async () => {
    const subscription = 'subscription { certificateIssued { folio status } }';
    await browser.open(`${api.endpoint}?query=${encodeURIComponent(subscription)}`);
    await browser.waitFor(EDITORS_READY);
    await browser.evaluate(`${HEADERS}.setValue(${JSON.stringify(JSON.stringify({ Authorization: `Bearer ${admin}` }))})`);
    await browser.evaluate(`${RESPONSE}.setValue(''); document.querySelector('.graphiql-execute-button').click()`);
    await poll(async () => (await listening()) === 1 || undefined);

    const scenario = await Scenario.start(api);
    const evaluator = await scenario.accreditEvaluator(['EC0105']);
    const servant = await scenario.registerServant();
    await scenario.competent(servant.id, 'EC0105', evaluator.id);
    await scenario.issue(servant.id, 'EC0105', 'EXPLORER-0001');
    const shown = await browser.waitFor<string>(`${RESPONSE}.getValue().includes('EXPLORER-0001') && ${RESPONSE}.getValue()`);
    expect(JSON.parse(shown)).toEqual({ data: { certificateIssued: { folio: 'EXPLORER-0001', status: 'VALID' } } });

    // Stopping it in the explorer ends the subscription on the server.
    await browser.evaluate(`document.querySelector('.graphiql-execute-button').click()`);
    await poll(async () => (await listening()) === 0 || undefined);
  });

  it('asked nothing of another host, had no request fail and logged no error or exception', () => {
    const urls = browser.events.filter((e) => e.method === 'Network.requestWillBeSent').map((e) => e.params.request.url as string);
    expect(urls.length).toBeGreaterThan(6);
    expect(urls.filter((url) => !url.startsWith(`${api.origin}/`) && !url.startsWith('data:'))).toEqual([]);
    const problems = browser.events.flatMap(({ method, params }) => {
      if (method === 'Network.loadingFailed') return [`failed: ${params.errorText} ${params.blockedReason ?? ''}`];
      if (method === 'Network.responseReceived' && params.response.status >= 400) return [`${params.response.status} ${params.response.url}`];
      if (method === 'Runtime.exceptionThrown') return [`exception: ${params.exceptionDetails.exception?.description}`];
      if (method === 'Runtime.consoleAPICalled' && ['error', 'warning', 'assert'].includes(params.type)) return [`console.${params.type}`];
      if (method === 'Log.entryAdded' && params.entry.level === 'error') return [`log: ${params.entry.text}`];
      return [];
    });
    expect(problems).toEqual([]);
  });
});
