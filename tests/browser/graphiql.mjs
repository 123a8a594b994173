// Loads govtrail's GraphiQL page in headless Chromium, with every request that leaves the
// loopback interface refused, runs a query through the GraphiQL editor and checks the answer.
// Usage: node graphiql.mjs BASE_URL [SCREENSHOT.png]
import { chromium } from "playwright-core";

const base = process.argv[2];
const screenshot = process.argv[3];
const loopback = new Set(["127.0.0.1", "localhost", "[::1]"]);
const query = '{ officials(filter: { text: "tran manh loi" }) { edges { node { name tenures { post { title } } } } } }';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const refused = [];
let failure = null;
try {
  const context = await browser.newContext();
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (loopback.has(url.hostname)) return route.continue();
    refused.push(url.href);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (err) => pageErrors.push(String(err)));
  await page.goto(`${base}/?query=${encodeURIComponent(query)}`, { waitUntil: "load" });
  const run = page.locator(".graphiql-execute-button");
  await run.waitFor({ timeout: 30000 });
  await run.click();
  await page.waitForFunction(() => document.body.innerText.includes("Trần Mạnh Lợi"), null, { timeout: 30000 });
  await page.waitForFunction(() => document.body.innerText.includes("Trưởng Ban Dân vận Tỉnh ủy"), null, { timeout: 30000 });
  if (screenshot) await page.screenshot({ path: screenshot });
  if (pageErrors.length) failure = `errors in the page: ${pageErrors.join("; ")}`;
  const needed = refused.filter((u) => /\.(js|css)(\?|$)/.test(u));
  if (needed.length) failure = `the page needed scripts or styles from outside: ${needed.join(", ")}`;
} catch (err) {
  failure = String(err);
} finally {
  await browser.close();
}
if (refused.length) console.log(`refused ${refused.length} request(s) leaving the machine: ${refused.join(", ")}`);
if (failure) {
  console.error(`GraphiQL check failed: ${failure}`);
  process.exit(1);
}
console.log("GraphiQL check passed: the page loaded from local assets and answered a query.");
