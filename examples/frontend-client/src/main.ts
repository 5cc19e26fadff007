/**
 * `ACREDITA_URL=http://127.0.0.1:4000 ACREDITA_TOKEN=<ADMIN token> npx tsx examples/frontend-client/src/main.ts`
 * against `npm run demo`: prints the tour and the number of Tijuana servants named Ángeles.
 */
import { createAcreditaClient } from './client.js';
import { allServants, tour } from './tour.js';

const client = createAcreditaClient({ origin: process.env.ACREDITA_URL ?? 'http://127.0.0.1:4000', token: process.env.ACREDITA_TOKEN });
try {
  console.log(JSON.stringify(await tour(client), null, 2));
  if (process.env.ACREDITA_TOKEN) {
    const named = await allServants(client, { municipality: 'Tijuana', nameContains: 'angeles' });
    console.log(`Tijuana servants named Ángeles: ${named.totalCount}`);
  }
} finally {
  await client.close();
}
