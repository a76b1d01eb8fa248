// Drives the admin console in headless Chromium: logs in with the token, waits for the cluster
// members, checks that the requests/s chart moves while traffic runs, reads the WAF's recent blocks,
// saves a screenshot.
// Usage: node check-console.mjs <console-url> <token> <expected-members> <screenshot.png>
import { chromium } from "playwright-core";

const [url, token, members, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
    "--disable-quic", "--disable-component-update", "--disable-sync"],
});
const result = {};
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(url);
  await page.fill("#token", token);
  await page.click("#login-form button");
  await page.waitForFunction(n => document.querySelectorAll("#members tbody tr").length >= Number(n), members, { timeout: 20000 });
  result.members = await page.$$eval("#members tbody tr td:first-child", tds => tds.map(td => td.textContent));
  const points = () => page.$$eval("#chart-rps polyline", ls => ls.map(l => l.getAttribute("data-route") + "=" + l.getAttribute("points")).join("|"));
  await page.waitForFunction(() => [...document.querySelectorAll("#chart-rps polyline")]
      .some(l => l.getAttribute("points").split(" ").length >= 2), null, { timeout: 20000 });
  const first = await points();
  await page.waitForTimeout(3500);
  const second = await points();
  result.chartMoved = first !== second;
  result.routesInChart = await page.$$eval("#chart-rps polyline", ls => ls.map(l => l.getAttribute("data-route")));
  result.status = await page.textContent("#status");
  await page.waitForFunction(() => document.querySelectorAll("#blocks tbody tr").length >= 1, null, { timeout: 20000 });
  result.blocks = await page.$$eval("#blocks tbody tr", trs => trs.map(tr => [...tr.children].map(td => td.textContent)));
  await page.screenshot({ path: screenshot, fullPage: true });
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
