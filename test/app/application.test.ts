import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curpCheckDigit } from '../../src/domain/shared/validation.js';
import { at } from '../support/office.js';
import { openTestApplication, type Backend, type TestApplication } from '../support/application.js';

const CURP = 'OAAM800101MBCLNR0' + curpCheckDigit('OAAM800101MBCLNR0');

describe.each<Backend>(['sqlite', 'postgres'])('application wiring on %s', (backend) => {
  let t: TestApplication | null;
  beforeAll(async () => {
    t = await openTestApplication(backend);
  });
  afterAll(() => t?.close());

  it('a command is visible in the read models once waitFor(position) resolves, name decrypted, erasure blanks it', async (ctx) => {
    if (!t) return ctx.skip();
    const { office, readModel } = t.app;
    const { servantId, position } = await office.registerServant(
      { curp: CURP, fullName: 'María de los Ángeles Olague', state: 'Baja California', municipality: 'Tijuana', department: 'Oficialía Mayor', regime: 'BASE', unionized: true },
      at('2018-01-15T00:00:00Z'),
    );
    await readModel.waitFor(position);
    const [servant] = await readModel.servantsByIds([servantId]);
    expect(servant).toMatchObject({ fullName: 'María de los Ángeles Olague', curp: CURP, municipality: 'Tijuana', version: 1, personalDataErased: false });
    expect((await readModel.servantByCurpDigest(t.app.vault.curpDigest(CURP)))?.id).toBe(servantId);

    const erased = await office.erasePersonalData({ servantId, reason: 'ARCO 2019/17' }, at());
    await readModel.waitFor(erased.position);
    const [after] = await readModel.servantsByIds([servantId]);
    expect(after).toMatchObject({ fullName: '[erased]', curp: null, personalDataErased: true, version: 2 });
    expect(await t.app.healthy()).toBe(true);
  });
});
