/**
 * A private headless Chromium (Debian's, /usr/bin/chromium) driven over the
 * DevTools protocol with `ws`: open a page, read the DOM, list every request
 * it made and everything it reported. Its own profile, temp files and process
 * group, all removed on close. The browser tests of every feature use it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

export const CHROMIUM = '/usr/bin/chromium';

/** Whether the browser tests can run; under CI=true they must (.ci/run installs chromium), so a missing one fails. */
export function chromiumAvailable(suite: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing; CI=true, so the ${suite} browser tests must run (apt-get install -y chromium)`);
  console.warn(`${suite}: ${CHROMIUM} not found, skipped (apt-get install chromium runs it)`);
  return false;
}

interface CdpEvent {
  method: string;
  params: any;
}

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

export async function poll<T>(read: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Gave up waiting after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export class HeadlessPage {
  /** URL of every request the page made, in order. */
  readonly requests: string[] = [];
  /** Every event the page reported (console, exceptions, network), in order. */
  readonly events: CdpEvent[] = [];
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: any) => void; reject: (error: Error) => void }>();
  private loads = 0;

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
    private readonly socket: WebSocket,
  ) {
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString());
      const waiting = this.pending.get(message.id);
      if (waiting) {
        this.pending.delete(message.id);
        if (message.error) waiting.reject(new Error(`${message.error.message} (${message.error.code})`));
        else waiting.resolve(message.result);
        return;
      }
      this.events.push(message);
      if (message.method === 'Network.requestWillBeSent') this.requests.push(message.params.request.url);
      if (message.method === 'Page.loadEventFired') this.loads++;
    });
  }

  static async launch(): Promise<HeadlessPage> {
    const profile = mkdtempSync(join(tmpdir(), 'acredita-chromium-'));
    const child = spawn(CHROMIUM, [...FLAGS, `--user-data-dir=${profile}`, 'about:blank'], {
      stdio: 'ignore',
      // Its own temp files (org.chromium.Chromium.*) go in the profile too, removed with it.
      env: { ...process.env, TMPDIR: profile },
      // Its own process group, so close() stops the helper processes with it.
      detached: true,
    });
    const portFile = join(profile, 'DevToolsActivePort');
    const port = await poll(() => (existsSync(portFile) ? /^\d+\n/.exec(readFileSync(portFile, 'utf8'))?.[0].trim() : undefined));
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
    const socket = new WebSocket(targets.find((target) => target.type === 'page')!.webSocketDebuggerUrl, { perMessageDeflate: false });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const page = new HeadlessPage(child, profile, socket);
    for (const domain of ['Network', 'Runtime', 'Log', 'Page']) await page.send(`${domain}.enable`);
    return page;
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<any> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    return result.value as T;
  }

  /** The expression's value once it is truthy (page state settles on its own time). */
  waitFor<T>(expression: string): Promise<T> {
    return poll(() => this.evaluate<T>(expression).catch(() => undefined));
  }

  /** Navigates and waits for the load event. */
  async open(url: string): Promise<void> {
    const before = this.loads;
    await this.send('Page.navigate', { url });
    await poll(() => this.loads > before);
  }

  /** Clicks the element and waits for the page it leads to. */
  async click(selector: string): Promise<void> {
    const before = this.loads;
    await this.evaluate(`document.querySelector(${JSON.stringify(selector)}).click()`);
    await poll(() => this.loads > before);
  }

  /** A phone-sized viewport (CSS pixels). */
  async phone(width = 360, height = 740): Promise<void> {
    await this.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 2, mobile: true });
  }

  text(selector: string): Promise<string | null> {
    return this.evaluate(`document.querySelector(${JSON.stringify(selector)})?.innerText ?? null`);
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
    try {
      rmSync(this.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch (error) {
      console.warn(`could not remove the Chromium profile ${this.profile}: ${(error as Error).message}`);
    }
  }
}
