// The GraphQL-over-HTTP audit of the graphql-http package, run against a live govtrail:
// `node audit.mjs http://127.0.0.1:PORT/graphql`. Prints every audit with its verdict and
// exits non-zero when a MUST or a SHOULD audit fails (MAY audits are reported, not required).
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql endpoint URL>');
  process.exit(2);
}

const results = await Promise.all(serverAudits({ url, fetchFn: fetch }).map(({ fn }) => fn()));
let failed = 0;
for (const result of results) {
  const required = !result.name.startsWith('MAY');
  const verdict = result.status === 'ok' ? 'ok' : required ? 'FAIL' : 'not done (MAY)';
  if (result.status !== 'ok' && required) failed += 1;
  const reason = result.status === 'ok' ? '' : ` - ${result.reason}`;
  console.log(`${verdict.padEnd(14)} ${result.id} ${result.name}${reason}`);
}
const passed = results.filter((r) => r.status === 'ok').length;
console.log(`${passed}/${results.length} audits passed; ${failed} MUST or SHOULD audits failed`);
process.exit(failed === 0 ? 0 : 1);
