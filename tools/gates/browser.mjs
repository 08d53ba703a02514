// How the gates start Debian's Chromium: headless, sandbox off (CI containers run as root),
// and nothing that reaches the network on its own (updates, sync, field trials).
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-dev-shm-usage',
];

export function launchOptions() {
  return { executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true };
}
