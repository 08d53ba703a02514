// Keyboard test: walk pages of a served site with the Tab key alone, in Debian's Chromium.
//
// Usage: node tools/gates/keyboard.mjs BASE_URL PATH... > report.json
// For every page at 1280 px and 360 px it checks that
//   - the first Tab stop is a "skip" link to the <main> element, and following it (Enter)
//     moves focus into main: focus lands on main itself, or the next Tab lands inside main;
//   - Tab visits every focusable element that is rendered, each once, in document order
//     (no positive tabindex, no focus trap, nothing rendered but unreachable);
//   - focus is always visible: the focused element's computed outline or box-shadow differs
//     from its unfocused style, an outline contrasts at least 3:1 with the background behind
//     it (WCAG 1.4.11), and the element is in the viewport and not covered by another element
//     (WCAG 2.4.7 and 2.4.11). The dark palette is walked too, at 1280 px.
// Prints a JSON array: {path, viewport, expected, stops, problems: [string]}.
import { chromium } from 'playwright-core';
import { launchOptions } from './browser.mjs';

const VIEWPORTS = [
  { name: '1280', width: 1280, height: 900, colorScheme: 'light' },
  { name: '360', width: 360, height: 740, colorScheme: 'light' },
  { name: '1280 dark', width: 1280, height: 900, colorScheme: 'dark' },
];
const MAX_STOPS = 3000;

const [base, ...paths] = process.argv.slice(2);
if (!base || paths.length === 0) {
  console.error('usage: node tools/gates/keyboard.mjs BASE_URL PATH...');
  process.exit(2);
}

// Runs in the page: number every rendered, focusable element in document order and record
// its unfocused look, so that each Tab stop can be compared with it.
function indexFocusables() {
  const selector = [
    'a[href]', 'area[href]', 'button', 'input:not([type="hidden"])', 'select', 'textarea',
    'summary', 'iframe', 'audio[controls]', 'video[controls]', '[contenteditable]', '[tabindex]',
  ].join(',');
  const look = (el) => {
    const s = getComputedStyle(el);
    return {
      outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} ${s.outlineOffset}`,
      outlineVisible: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
      boxShadow: s.boxShadow,
    };
  };
  const items = [];
  const positive = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.matches(':disabled') || el.closest('[inert]')) continue;
    const tabindex = el.getAttribute('tabindex');
    if (tabindex !== null && Number(tabindex) < 0) continue;
    if (tabindex !== null && Number(tabindex) > 0) positive.push(el.outerHTML.slice(0, 120));
    if (el.tagName === 'SUMMARY' && el.parentElement.tagName !== 'DETAILS') continue;
    // Not rendered: display none, visibility hidden, or inside a closed <details>.
    if (el.getClientRects().length === 0) continue;
    if (!el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: false })) continue;
    el.dataset.gateIndex = String(items.length);
    items.push({ html: el.outerHTML.slice(0, 160), unfocused: look(el) });
  }
  globalThis.__gateItems = items;
  globalThis.__gateLook = look;
  return { count: items.length, positive };
}

// Runs in the page after each Tab: what has focus, and does it look focused?
function describeFocus() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return { index: null, none: true };
  const index = el.dataset.gateIndex === undefined ? null : Number(el.dataset.gateIndex);
  const now = globalThis.__gateLook(el);
  const before = index === null ? null : globalThis.__gateItems[index].unfocused;
  const outlineShown = now.outlineVisible && (!before || now.outline !== before.outline || !before.outlineVisible);
  const shadowShown = now.boxShadow !== 'none' && (!before || now.boxShadow !== before.boxShadow);
  let outlineContrast = null;
  if (outlineShown) {
    const rgb = (text) => (text.match(/[\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
      const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    // The outline sits outside the element: compare it with the first opaque background around it.
    let node = el.parentElement;
    let behind = null;
    while (node) {
      const bg = rgb(getComputedStyle(node).backgroundColor);
      if (bg.length >= 3 && (bg.length === 3 || bg[3] > 0.5)) { behind = bg; break; }
      node = node.parentElement;
    }
    if (!behind) {
      // No background set anywhere: the canvas, dark only if the page opted into a dark scheme.
      const darkCanvas = getComputedStyle(document.documentElement).colorScheme.includes('dark')
        && matchMedia('(prefers-color-scheme: dark)').matches;
      behind = darkCanvas ? [18, 18, 18] : [255, 255, 255];
    }
    const [a, b] = [luminance(rgb(getComputedStyle(el).outlineColor)), luminance(behind)];
    outlineContrast = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  const rect = el.getClientRects()[0] || el.getBoundingClientRect();
  const inView = rect.bottom > 0 && rect.right > 0 && rect.top < innerHeight && rect.left < innerWidth;
  let covered = null;
  if (inView) {
    const x = Math.min(Math.max(rect.left + rect.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(rect.top + rect.height / 2, 0), innerHeight - 1);
    const hit = document.elementFromPoint(x, y);
    if (hit && !el.contains(hit) && !hit.contains(el)) covered = hit.outerHTML.slice(0, 120);
  }
  const main = document.querySelector('main');
  return {
    index,
    none: false,
    html: el.outerHTML.slice(0, 160),
    visible: outlineShown || shadowShown,
    outlineContrast,
    shadowShown,
    look: `outline ${now.outline}; box-shadow ${now.boxShadow}`,
    inView,
    covered,
    inMain: Boolean(main && main.contains(el)),
    isMain: el === main,
  };
}

// Runs in the page: wait until nothing scrolls any more (at most about half a second).
async function settleScrolling() {
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  let last = '';
  for (let i = 0; i < 30; i += 1) {
    await frame();
    const now = [...document.querySelectorAll('*')].filter((el) => el.scrollTop || el.scrollLeft)
      .map((el) => `${el.scrollTop},${el.scrollLeft}`).join(';') + `|${scrollX},${scrollY}`;
    if (now === last) return;
    last = now;
  }
}

async function skipLink(page, problems) {
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const href = el.getAttribute('href') || '';
    const target = href.startsWith('#') ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
    const main = document.querySelector('main');
    return {
      html: el.outerHTML.slice(0, 160),
      text: el.textContent.trim(),
      href,
      targetIsMain: Boolean(target && main && (target === main || (main.contains(target)
        && main.firstElementChild && (target === main.firstElementChild || target.contains(main.firstElementChild))))),
    };
  });
  if (!first) {
    problems.push('the first Tab focuses nothing');
    return;
  }
  // Known by what it does, not by its words: every edition words it in its own language.
  if (!first.text || !first.href.startsWith('#')) {
    problems.push(`the first Tab stop is not a skip link: ${first.html}`);
    return;
  }
  if (!first.targetIsMain) {
    problems.push(`the skip link ${first.href} does not point at <main> (or its start)`);
    return;
  }
  await page.keyboard.press('Enter');
  let after = await page.evaluate(describeFocus);
  if (!(after.isMain || after.inMain)) {
    // Chromium moves the sequential focus starting point to a non-focusable target: the
    // next Tab must then land inside main.
    await page.keyboard.press('Tab');
    after = await page.evaluate(describeFocus);
    if (!after.inMain) problems.push(`after the skip link, focus is not in main: ${after.html || 'nothing'}`);
  }
}

async function walk(page, expected, problems) {
  const seen = [];
  for (let i = 0; i < Math.max(expected + 5, 10) && i < MAX_STOPS; i += 1) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(describeFocus);
    if (focus.none) break; // left the document: the walk is over
    if (focus.index === null) {
      problems.push(`Tab reached an element that is not counted as focusable: ${focus.html}`);
      continue;
    }
    if (seen.length && focus.index === seen[0]) break; // wrapped around
    seen.push(focus.index);
    if (!focus.visible) problems.push(`focus not visible (${focus.look}) on ${focus.html}`);
    else if (focus.outlineContrast !== null && focus.outlineContrast < 3 && !focus.shadowShown) {
      problems.push(`focus outline contrast ${focus.outlineContrast.toFixed(2)}:1 < 3:1 (${focus.look}) on ${focus.html}`);
    }
    let placed = focus;
    if (!focus.inView || focus.covered) {
      // Smooth scrolling may still be moving the element into view: let it settle, then look again.
      await page.evaluate(settleScrolling);
      placed = await page.evaluate(describeFocus);
    }
    if (!placed.inView) problems.push(`focused element is outside the viewport: ${placed.html}`);
    if (placed.covered) problems.push(`focused element is covered by ${placed.covered}: ${placed.html}`);
  }
  const order = seen.join(',');
  const wanted = Array.from({ length: expected }, (_, i) => i).join(',');
  if (order !== wanted) {
    const missing = Array.from({ length: expected }, (_, i) => i).filter((i) => !seen.includes(i));
    const items = await page.evaluate(() => globalThis.__gateItems.map((item) => item.html));
    if (missing.length) {
      problems.push(`never reached with Tab: ${missing.slice(0, 5).map((i) => items[i]).join(' | ')}`
        + (missing.length > 5 ? ` (+${missing.length - 5} more)` : ''));
    }
    const firstOff = seen.findIndex((value, i) => value !== i);
    if (firstOff >= 0 && !missing.length) {
      problems.push(`focus order differs from document order at stop ${firstOff + 1}: ${items[seen[firstOff]]}`);
    }
  }
  return seen.length;
}

// Each viewport in its own context, both at once (keyboard focus is per page in headless mode).
async function walkViewport(browser, viewport) {
  const context = await browser.newContext({
    viewport: { width: viewport.width, height: viewport.height },
    colorScheme: viewport.colorScheme,
  });
  const page = await context.newPage();
  const results = [];
  for (const path of paths) {
    const url = new URL(path, base).href;
    const problems = [];
    await page.goto(url, { waitUntil: 'load' });
    await page.evaluate(indexFocusables);
    await skipLink(page, problems);
    await page.goto('about:blank');
    await page.goto(url, { waitUntil: 'load' });
    const { count, positive } = await page.evaluate(indexFocusables);
    for (const html of positive) problems.push(`positive tabindex breaks the natural order: ${html}`);
    const stops = await walk(page, count, problems);
    results.push({ path, viewport: viewport.name, expected: count, stops, problems });
  }
  await context.close();
  return results;
}

const browser = await chromium.launch(launchOptions());
let results;
try {
  results = (await Promise.all(VIEWPORTS.map((viewport) => walkViewport(browser, viewport)))).flat();
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results, null, 1));
