// Run axe-core on pages of a served site in Debian's Chromium, at several viewports.
//
// Usage: node tools/gates/axe.mjs BASE_URL PATH... > report.json
// Prints a JSON array with one entry per page and viewport: {path, viewport, status,
// overflow (null, or what makes the page scroll sideways), violations:[...]}.
// One browser instance serves every page (start-up is the slow part). The browser is the
// system's /usr/bin/chromium (CHROMIUM_PATH overrides it); playwright-core never downloads one.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { launchOptions } from './browser.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// The WCAG 2.0, 2.1 and 2.2 A/AA rules.
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
// Desktop and phone, light; desktop dark (the theme has a dark palette: its contrast counts);
// 320 px, the width WCAG 1.4.10 (Reflow) asks to work without horizontal scrolling.
const VIEWPORTS = [
  { name: '1280 light', width: 1280, height: 900, colorScheme: 'light' },
  { name: '360 light', width: 360, height: 740, colorScheme: 'light' },
  { name: '1280 dark', width: 1280, height: 900, colorScheme: 'dark' },
  { name: '320 light', width: 320, height: 640, colorScheme: 'light' },
];

// Runs in the page: does anything stick out to the right, forcing horizontal scrolling?
function horizontalOverflow() {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  // How far right an element's box, or its content spilling out of it, reaches.
  const reach = (el) => {
    const rect = el.getBoundingClientRect();
    const spills = getComputedStyle(el).overflowX === 'visible';
    return spills ? rect.left + Math.max(rect.width, el.scrollWidth) : rect.right;
  };
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    // Report the innermost elements that stick out (not every ancestor of them).
    if (reach(el) > width + 1 && ![...el.children].some((child) => reach(child) > width + 1)) {
      culprits.push(`${el.outerHTML.slice(0, 120)} (reaches ${Math.round(reach(el))} px)`);
      if (culprits.length === 5) break;
    }
  }
  return { scrollWidth: document.documentElement.scrollWidth, width, culprits };
}

const [base, ...paths] = process.argv.slice(2);
if (!base || paths.length === 0) {
  console.error('usage: node tools/gates/axe.mjs BASE_URL PATH...');
  process.exit(2);
}

// Each viewport runs in its own browser context, all at once: pages wait on the network and
// the renderer in turns, so two cores are kept busy.
async function auditViewport(browser, viewport) {
  // bypassCSP: the site's CSP forbids injected script, and axe is injected script.
  const context = await browser.newContext({
    viewport: { width: viewport.width, height: viewport.height },
    colorScheme: viewport.colorScheme,
    bypassCSP: true,
  });
  const page = await context.newPage();
  const results = [];
  for (const path of paths) {
    const response = await page.goto(new URL(path, base).href, { waitUntil: 'load' });
    await page.evaluate(axeSource);
    const result = await page.evaluate(
      (tags) => globalThis.axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      }),
      TAGS,
    );
    results.push({
      path,
      viewport: viewport.name,
      status: response ? response.status() : 0,
      overflow: await page.evaluate(horizontalOverflow),
      violations: result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({
          target: n.target.join(' '),
          html: n.html.slice(0, 300),
          summary: n.failureSummary,
        })),
      })),
    });
  }
  await context.close();
  return results;
}

const browser = await chromium.launch(launchOptions());
let results;
try {
  results = (await Promise.all(VIEWPORTS.map((viewport) => auditViewport(browser, viewport)))).flat();
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results, null, 1));
