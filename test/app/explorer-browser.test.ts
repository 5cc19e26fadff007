/**
 * The offline explorer in a real browser: headless Chromium opens the page
 * this server serves, GraphiQL renders from our own bundles with nothing asked
 * of another host, its default query runs anonymously, and a query from the
 * link runs with the token typed into the headers editor. Driven over the
 * DevTools protocol with `ws`. Needs Debian's chromium at /usr/bin/chromium;
 * without it the suite says so once and skips (CI machines do not have it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestApi, type TestApi } from '../graphql/support/api.js';
import { M } from '../graphql/support/documents.js';
import { must, Scenario } from '../graphql/support/scenario.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`explorer-browser: ${CHROMIUM} not found, skipped (apt-get install chromium runs it)`);

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--window-size=1400,900',
  // No HTTP cache in the profile: its helper process went on writing one after the browser exited, and the profile could not be removed.
  '--disk-cache-dir=/dev/null',
  // Chromium picks a free port and writes it to DevToolsActivePort in the profile.
  '--remote-debugging-port=0',
];

interface CdpEvent {
  method: string;
  params: any;
}

/** One page of a private Chromium, and everything it reported. */
class Browser {
  readonly events: CdpEvent[] = [];
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
    private readonly socket: WebSocket,
  ) {
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString());
      const waiting = this.pending.get(message.id);
      if (!waiting) return void this.events.push(message);
      this.pending.delete(message.id);
      if (message.error) waiting.reject(new Error(`${message.error.message} (${message.error.code})`));
      else waiting.resolve(message.result);
    });
  }

  static async launch(): Promise<Browser> {
    const profile = mkdtempSync(join(tmpdir(), 'acredita-chromium-'));
    // Its own temp files (org.chromium.Chromium.*) go in the profile too, removed with it.
    const child = spawn(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, 'about:blank'], {
      stdio: 'ignore',
      env: { ...process.env, TMPDIR: profile },
      // Its own process group, so close() stops the helper processes with it.
      detached: true,
    });
    const portFile = join(profile, 'DevToolsActivePort');
    const port = await poll(() => (existsSync(portFile) ? /^\d+\n/.exec(readFileSync(portFile, 'utf8'))?.[0].trim() : undefined));
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
    const socket = new WebSocket(targets.find((target) => target.type === 'page')!.webSocketDebuggerUrl, { perMessageDeflate: false });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const browser = new Browser(child, profile, socket);
    for (const domain of ['Network', 'Runtime', 'Log', 'Page']) await browser.send(`${domain}.enable`);
    return browser;
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<any> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.send('Runtime.evaluate', { expression, returnByValue: true });
    if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    return result.value as T;
  }

  /** The expression's value once it is truthy (page state settles on its own time). */
  waitFor<T>(expression: string): Promise<T> {
    return poll(() => this.evaluate<T>(expression).catch(() => undefined));
  }

  async open(url: string): Promise<void> {
    await this.send('Page.navigate', { url });
    await this.waitFor(`!!document.querySelector('.graphiql-query-editor .CodeMirror')`);
  }

  async close(): Promise<void> {
    this.socket.close();
    const exited = this.child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => this.child.once('exit', resolve));
    // The whole group: a helper process left running went on writing the profile after the browser exited.
    try {
      process.kill(-this.child.pid!, 'SIGTERM');
    } catch {
      // ESRCH: the browser and every helper are gone already.
    }
    await exited;
    // Helpers may still be writing the profile for a moment after the browser exits;
    // a temp folder left behind is not a failure of the explorer.
    try {
      rmSync(this.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch (error) {
      console.warn(`could not remove the Chromium profile ${this.profile}: ${(error as Error).message}`);
    }
  }
}

async function poll<T>(read: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Gave up waiting after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** GraphiQL's editors are CodeMirror 5 instances hung on their wrapper element. */
const editor = (selector: string) => `document.querySelector(${JSON.stringify(`${selector} .CodeMirror`)}).CodeMirror`;
const QUERY = editor('.graphiql-query-editor');
const HEADERS = editor('.graphiql-editor-tool .graphiql-editor:not(.hidden)');
const RESPONSE = editor('.graphiql-response');

/** Presses the run button, as a person would, and reads the response pane. */
async function run(browser: Browser): Promise<{ data?: any; errors?: { extensions: { code: string } }[] }> {
  await browser.evaluate(`${RESPONSE}.setValue(''); document.querySelector('.graphiql-execute-button').click()`);
  const text = await browser.waitFor<string>(
    `!document.querySelector('.graphiql-response .graphiql-spinner') && ${RESPONSE}.getValue()`,
  );
  return JSON.parse(text);
}

describe.skipIf(!hasChromium)('the explorer in headless Chromium', () => {
  let api: TestApi;
  let browser: Browser;
  let admin: string;

  beforeAll(async () => {
    api = (await startTestApi('sqlite'))!;
    admin = await api.token('ADMIN');
    must(await api.gql(M.publishStandard, { input: { code: 'EC0105', title: 'Atencion al ciudadano', level: 2, validityYears: 5 } }, admin));
    browser = await Browser.launch();
  });
  const listening = async (): Promise<number> =>
    Number(/^acredita_graphql_subscriptions_active (\d+)$/m.exec(await (await fetch(`${api.origin}/metrics`)).text())?.[1] ?? -1);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('renders GraphiQL and runs its default query anonymously: the public tour is valid against the schema', async () => {
    await browser.open(api.endpoint);
    expect(await browser.evaluate<string>(`${QUERY}.getValue()`)).toContain('verifyCertificate(folio: "UTT-EC0217-2017-0002")');
    expect(JSON.parse(await browser.evaluate<string>(`${HEADERS}.getValue()`))).toEqual({ Authorization: '' });

    const result = await run(browser);
    expect(result.errors).toBeUndefined();
    expect(result.data).toMatchObject({ goals: [], ranking: [], verifyCertificate: { found: false } });
  });

  it('runs the query a link carries, refused without a token and answered with the one typed into Headers', async () => {
    await browser.open(`${api.endpoint}?query=${encodeURIComponent('{ standards { code title } servants(first: 1) { totalCount } }')}`);
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
