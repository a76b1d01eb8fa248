// Drives the admin console in headless Chromium: logs in with the token, waits for the cluster
// members, checks that the requests/s chart rises from idle once traffic starts (the script sends
// the traffic itself, so "before" and "during" are known, with no fixed sleep), reads the WAF's
// recent blocks, saves a screenshot.
// Usage: node check-console.mjs <console-url> <token> <expected-members> <screenshot.png> <gateway-url>
import { chromium } from "playwright-core";

const [url, token, members, screenshot, gateway] = process.argv.slice(2);
const ROUTE = "api.products";
const WAIT = { timeout: 60000 };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
    "--disable-quic", "--disable-component-update", "--disable-sync"],
});
const result = {};
let traffic = null;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(url);
  await page.fill("#token", token);
  await page.click("#login-form button");
  await page.waitForFunction(n => document.querySelectorAll("#members tbody tr").length >= Number(n), members, WAIT);
  result.members = await page.$$eval("#members tbody tr td:first-child", tds => tds.map(td => td.textContent));

  // The requests/s the chart plots last for a route, read back from its polyline and the chart's
  // scale (y = 160 - value / max * 150), as a user reads the line's height; null before two points.
  const plotted = route => {
    const svg = document.querySelector("#chart-rps");
    const line = [...svg.querySelectorAll("polyline")].find(l => l.getAttribute("data-route") === route);
    const points = line ? line.getAttribute("points").trim().split(/\s+/).filter(Boolean) : [];
    if (points.length < 2) return null;
    const y = Number(points[points.length - 1].split(",")[1]);
    return (160 - y) / 150 * Number(svg.getAttribute("data-max"));
  };
  // Idle first: the route is on the chart (the test sent it one request) and its rate is back near 0.
  const idle = await page.waitForFunction(([p, r]) => {
    const v = new Function("return " + p)()(r);
    return v != null && v < 1 ? { v } : false; // an object: a rate of 0 is falsy
  }, [plotted.toString(), ROUTE], WAIT);
  result.idleRate = (await idle.jsonValue()).v;

  // Then traffic (about 50 requests/s, every 50th one an XSS probe for the WAF panel) until the
  // plotted rate has risen well above idle.
  let sent = 0;
  traffic = setInterval(() => {
    sent++;
    const probe = sent % 50 === 0 ? "?q=%3Cscript%3Ealert(1)%3C/script%3E" : "";
    fetch(`${gateway}/api/products/${1 + sent % 12}${probe}`).then(r => r.arrayBuffer()).catch(() => {});
  }, 20);
  const busy = await page.waitForFunction(([p, r]) => {
    const v = new Function("return " + p)()(r);
    return v != null && v >= 5 ? { v } : false;
  }, [plotted.toString(), ROUTE], WAIT);
  result.busyRate = (await busy.jsonValue()).v;
  result.chartRose = result.busyRate > result.idleRate;
  result.routesInChart = await page.$$eval("#chart-rps polyline", ls => ls.map(l => l.getAttribute("data-route")));
  result.status = await page.textContent("#status");
  await page.waitForFunction(() => document.querySelectorAll("#blocks tbody tr").length >= 1, null, WAIT);
  result.blocks = await page.$$eval("#blocks tbody tr", trs => trs.map(tr => [...tr.children].map(td => td.textContent)));
  await page.waitForFunction(() => document.querySelectorAll("#warehouse tbody tr").length >= 4, null, WAIT);
  result.warehouse = await page.$$eval("#warehouse tbody tr", trs => trs.map(tr => [...tr.children].map(td => td.textContent)));
  await page.screenshot({ path: screenshot, fullPage: true });
} finally {
  if (traffic) clearInterval(traffic);
  await browser.close();
}
console.log(JSON.stringify(result));
