// Loads govtrail's GraphiQL page in headless Chromium, with every request that leaves the
// loopback interface refused, runs a query through the GraphiQL editor and checks the answer,
// then runs a subscription (over the page's WebSocket) and checks its first events.
// Usage: node graphiql.mjs BASE_URL [SCREENSHOT.png]
import { chromium } from "playwright-core";

const base = process.argv[2];
const screenshot = process.argv[3];
const loopback = new Set(["127.0.0.1", "localhost", "[::1]"]);
const subscription = "subscription { tasksDue(withinDays: 7, includeCurrent: true) { kind dueOn task { title } } }";
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
  const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.src).filter(Boolean));
  if (!scripts.every((src) => new URL(src).pathname.startsWith("/graphiql/"))) {
    throw new Error(`the scripts are not the binary's own: ${scripts.join(", ")}`);
  }

  // The demo's tasks of the second half of 2021 are overdue: the subscription sends them at once.
  const sockets = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));
  await page.goto(`${base}/?query=${encodeURIComponent(subscription)}`, { waitUntil: "load" });
  await run.waitFor({ timeout: 30000 });
  await run.click();
  await page.waitForFunction(() => document.body.innerText.includes('"OVERDUE"'), null, { timeout: 30000 });
  if (!sockets.some((url) => new URL(url).pathname === "/graphql/ws")) {
    throw new Error(`the subscription did not use /graphql/ws: ${sockets.join(", ")}`);
  }
  if (screenshot) await page.screenshot({ path: screenshot.replace(/\.png$/, "-subscription.png") });
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
console.log("GraphiQL check passed: the page loaded from the binary's files, answered a query and ran a subscription.");
