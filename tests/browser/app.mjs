// The staff's day in govtrail's web app, in headless Chromium, every request leaving the
// loopback interface refused: sign in, the board, progress on an overdue task that then leaves
// the overdue column, a report pasted, one drafted fact corrected, saved, the new conference on
// its chair's page, sign out; a READER reaches no form; a stale version is refused with a
// readable message; what users wrote never runs; the board on a phone's width.
// Usage: EDITOR_TOKEN=... READER_TOKEN=... REPORT=file ARTIFACTS=dir node app.mjs BASE_URL
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";

const base = process.argv[2];
const artifacts = process.env.ARTIFACTS || ".";
const report = readFileSync(process.env.REPORT, "utf8");
const loopback = new Set(["127.0.0.1", "localhost", "[::1]"]);
const steps = [];

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function step(name, run) {
  const started = Date.now();
  await run();
  steps.push(`${name} (${Date.now() - started} ms)`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const refused = [];
const pageErrors = [];
const dialogs = [];
let failure = null;

async function newPage(context) {
  const page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(String(err)));
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  return page;
}

async function newContext(options = {}) {
  const context = await browser.newContext({ locale: "vi-VN", ...options });
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (loopback.has(url.hostname)) return route.continue();
    refused.push(url.href);
    return route.abort("blockedbyclient");
  });
  return context;
}

async function signIn(page, token) {
  await page.goto(`${base}/app/sign-in`);
  await page.getByLabel("Mã truy cập (token)").fill(token);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${base}/app`);
}

async function overdueCount(page) {
  const text = await page.locator("#col-overdue .badge").first().innerText();
  return Number(text.trim());
}

try {
  const context = await newContext({ viewport: { width: 1280, height: 900 } });
  const page = await newPage(context);

  await step("sign in and see the board", async () => {
    await signIn(page, process.env.EDITOR_TOKEN);
    check((await page.locator("h1").innerText()).includes("Bảng theo dõi nhiệm vụ"), "the board's heading");
    check((await page.locator("html").getAttribute("lang")) === "vi", "the page is in Vietnamese");
    check((await page.locator("#col-overdue tbody tr.overdue").count()) > 0, "overdue tasks are shown");
    check(/\d{2}\/\d{2}\/\d{4}/.test(await page.locator("#col-overdue time").first().innerText()), "dates read 13/07/2021");
    await page.screenshot({ path: `${artifacts}/board.png`, fullPage: true });
  });

  const before = await overdueCount(page);
  let taskUrl;
  await step("record progress on an overdue task and see it move", async () => {
    await page.locator("#col-overdue tbody tr.overdue a[href^='/app/tasks/']").first().click();
    taskUrl = page.url();
    await page.getByLabel("Tình trạng").selectOption("DONE");
    await page.getByLabel("Tỷ lệ hoàn thành (%)").fill("100");
    await page.getByLabel("Ghi chú").fill("Đã gửi báo cáo kết quả về Ban Dân vận");
    await page.getByRole("button", { name: "Lưu tiến độ" }).click();
    await page.waitForURL(/done=progress/);
    check((await page.locator(".updates").innerText()).includes("Đã gửi báo cáo kết quả"), "the progress is listed");
    await page.getByRole("link", { name: "Bảng theo dõi" }).first().click();
    check((await overdueCount(page)) === before - 1, `the overdue column went from ${before} to ${await overdueCount(page)}`);
  });

  await step("a stale version is refused with a readable message", async () => {
    await page.goto(`${base}/app`);
    await page.locator("#col-overdue tbody tr.overdue a[href^='/app/tasks/']").first().click();
    const url = page.url();
    const other = await newPage(context);
    await other.goto(url);
    await other.getByLabel("Tình trạng").selectOption("IN_PROGRESS");
    await other.getByRole("button", { name: "Lưu tiến độ" }).click();
    await other.waitForURL(/done=progress/);
    await other.close();
    await page.getByLabel("Ghi chú").fill("Ghi chú viết trên trang cũ");
    await page.getByRole("button", { name: "Lưu tiến độ" }).click();
    await page.getByText("vừa được người khác thay đổi").waitFor();
    check((await page.getByLabel("Ghi chú").inputValue()) === "Ghi chú viết trên trang cũ", "the entry is kept");
  });

  let conferenceTitle = "";
  await step("paste the report, correct one drafted fact, save", async () => {
    await page.getByRole("link", { name: "Nhập từ bài báo" }).click();
    await page.getByLabel("Nội dung bài báo").fill(report);
    await page.getByLabel("Địa chỉ bài báo (URL)").fill("https://baodientu.example.vn/hoi-nghi-tong-ket");
    await page.getByLabel("Ngày đăng").fill("2021-07-13");
    await page.getByRole("button", { name: "Soạn bản nháp" }).click();
    await page.locator("#report-text mark").first().waitFor();
    check((await page.locator("#report-text mark").count()) > 3, "the facts' words are marked");
    // The evidence of a fact lights up when the fact is focused.
    await page.locator(".fact[data-mark] input, .fact[data-mark] select").first().focus();
    check((await page.locator("#report-text mark.lit").count()) > 0, "the words of the focused fact are lit");
    await page.screenshot({ path: `${artifacts}/review.png`, fullPage: true });
    const title = page.locator("input[name='f:conferences.0.title']");
    conferenceTitle = `${await title.inputValue()} (đã rà soát)`;
    await title.fill(conferenceTitle);
    await page.getByRole("button", { name: "Lưu thành bản ghi" }).click();
    await page.waitForURL(/\/app\/conferences\/.+done=report/);
    check((await page.locator("h1").innerText()) === conferenceTitle, "the corrected title is recorded");
  });

  await step("add a speaker to the recorded conference, chosen from the picker's suggestions", async () => {
    const conference = page.url().split("?")[0];
    await page.getByRole("link", { name: "Sửa thông tin hội nghị" }).click();
    await page.waitForURL(/\/edit$/);
    const person = page.getByLabel("Người", { exact: true });
    await person.pressSequentially("Trần Mạnh", { delay: 30 });
    const list = page.locator(`datalist#${await person.getAttribute("list")} option`);
    await list.first().waitFor({ state: "attached" });
    const offered = await list.evaluateAll((options) => options.map((o) => o.value));
    check(offered.includes("Trần Mạnh Lợi"), `the picker offers the stored official: ${offered.join(", ")}`);
    await person.fill("Trần Mạnh Lợi"); // as choosing the suggestion does
    const chosen = await page.locator("input[type=hidden][name=person_id]").inputValue();
    check(chosen.length > 0, "the picker remembers the chosen official's id");
    await page.getByLabel("Vai trò", { exact: true }).selectOption("SPEAKER");
    await page.getByRole("button", { name: "Thêm người" }).click();
    await page.waitForURL(/done=participant/);
    const rows = await page.locator("section[aria-labelledby=h-people] tbody tr").allInnerTexts();
    check(rows.some((r) => r.includes("Phát biểu") && r.includes("Trần Mạnh Lợi")), `the speaker is listed: ${rows.join(" | ")}`);
    await page.screenshot({ path: `${artifacts}/edit.png`, fullPage: true });
    await page.goto(conference);
  });

  await step("find the new conference on the official's page", async () => {
    await page.locator("table a[href^='/app/officials/']").first().click();
    await page.waitForURL(/\/app\/officials\//);
    check((await page.locator("main").innerText()).includes(conferenceTitle), "the chair's page lists the conference");
  });

  await step("what users wrote never runs", async () => {
    await page.goto(`${base}/app/search?q=${encodeURIComponent("<script>alert(1)</script>")}`);
    check((await page.locator("#q").inputValue()).includes("<script>"), "the words are shown as typed");
  });

  await step("sign out", async () => {
    await page.getByRole("button", { name: "Đăng xuất" }).click();
    await page.waitForURL(/\/app\/sign-in/);
    await page.goto(`${base}/app/report`);
    check(page.url().includes("/app/sign-in"), "signed out, the forms ask to sign in");
  });

  await step("a READER reaches no form", async () => {
    const readerContext = await newContext();
    const reader = await newPage(readerContext);
    await signIn(reader, process.env.READER_TOKEN);
    check((await reader.getByRole("link", { name: "Nhập từ bài báo" }).count()) === 0, "no link to report in");
    await reader.goto(taskUrl);
    check((await reader.locator("form#progress, form#reopen").count()) === 0, "no progress form");
    const answer = await reader.goto(`${base}/app/record`);
    check(answer.status() === 403, `the record form answers ${answer.status()}`);
    check((await reader.locator("main").innerText()).includes("không có quyền"), "a readable refusal");
    await readerContext.close();
  });

  await step("the board on a phone's width, in English", async () => {
    const phone = await newContext({ viewport: { width: 390, height: 844 }, locale: "en-US" });
    const small = await newPage(phone);
    await small.goto(`${base}/app`);
    check((await small.locator("html").getAttribute("lang")) === "en", "English from the browser's language");
    const width = await small.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 400, `the page is ${width} px wide on a 390 px screen`);
    await small.screenshot({ path: `${artifacts}/board-phone.png`, fullPage: false });
    await phone.close();
  });

  if (pageErrors.length) failure = `errors in the pages: ${pageErrors.join("; ")}`;
  if (dialogs.length) failure = `a page ran a script that opened a dialog: ${dialogs.join("; ")}`;
  if (refused.length) failure = `the pages asked for something outside the machine: ${refused.join(", ")}`;
} catch (err) {
  failure = String(err && err.stack ? err.stack : err);
} finally {
  await browser.close();
}
for (const line of steps) console.log(`  ok: ${line}`);
if (failure) {
  console.error(`web app check failed: ${failure}`);
  process.exit(1);
}
console.log("web app check passed: the staff's day ran through in Chromium.");
