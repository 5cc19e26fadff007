import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support/api.js';

describe('a mutation whose read models cannot catch up', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = (await startTestApi('sqlite'))!;
  });
  afterAll(() => api.close());

  it('answers PROJECTION_STOPPED with the position, keeps the event, and a retry with the same commandId appends nothing', async () => {
    const token = await api.token('ADMIN');
    await api.app.runner.stop();
    const publish = () =>
      api.gql(
        'mutation($input: PublishStandardInput!) { publishStandard(input: $input) { position } }',
        { input: { commandId: 'ryw-1', code: 'EC0105', title: 'Atención al ciudadano', level: 2 } },
        token,
      );
    const first = await publish();
    expect(first.errors?.[0]?.extensions.code).toBe('PROJECTION_STOPPED');
    expect(first.errors?.[0]?.message).toContain('recorded');
    const position = first.errors?.[0]?.extensions.position as string;
    expect(BigInt(position)).toBe(await api.head());
    expect((await api.app.store.readStream('standard-EC0105')).map((e) => e.type)).toEqual(['StandardPublished']);

    const again = await publish();
    expect(again.errors?.[0]?.extensions.code).toBe('PROJECTION_STOPPED');
    expect(await api.head()).toBe(BigInt(position));
  });
});
