// Helpers for the developer portal's browser tests: a deployment of the train sample on free
// ports in a temporary folder, the real `rivulet run --config`, Debian's chromium driven by
// playwright-core (headless), wscat under `script` (it prints only to a terminal), and curl-like
// posts to the app's http source. Every wait is on a condition, with a deadline.
//
// A test: `node TEST.mjs path/to/rivulet`. Exit 0 passed, 1 failed, 77 skipped (no chromium or
// no playwright-core; under CI=true those fail instead, since scripts/setup.sh installs both).
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../../..');
const samples = path.join(repo, 'resources/samples');
const e2eModules = path.join(repo, 'tests/e2e/node_modules');

const cleanups = [];
let currentStep = '';
let gatewayLog = null;

export function skip(message) {
    console.log(`SKIP: ${message}`);
    process.exit(process.env.CI === 'true' ? 1 : 77);
}

export function fail(message) {
    throw new Error(message);
}

export function pass(message) {
    console.log(`ok - ${message}`);
}

// Runs the test body; reports, cleans up and exits.
export async function run(body) {
    const started = Date.now();
    let status = 0;
    try {
        await body();
        console.log(`all passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
        status = 1;
        console.error(`FAIL${currentStep ? ` (${currentStep})` : ''}: ${error.stack || error}`);
        if (gatewayLog && fs.existsSync(gatewayLog)) {
            console.error(`--- gateway log (${gatewayLog}):`);
            console.error(fs.readFileSync(gatewayLog, 'utf8').split('\n').slice(-30).join('\n'));
        }
    }
    for (const cleanup of cleanups.reverse()) {
        try {
            await cleanup();
        } catch {
            // best effort
        }
    }
    process.exit(status);
}

export async function step(name, body) {
    currentStep = name;
    await body();
    pass(name);
    currentStep = '';
}

export async function waitUntil(condition, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (await condition()) return;
        if (Date.now() > deadline) fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}

// ---- tools -------------------------------------------------------------------------------------

export async function playwright() {
    const chromiumPath = process.env.RIVULET_CHROMIUM || '/usr/bin/chromium';
    if (!fs.existsSync(chromiumPath)) skip(`${chromiumPath} is not installed (scripts/setup.sh installs Debian's chromium)`);
    const module = path.join(e2eModules, 'playwright-core/index.mjs');
    if (!fs.existsSync(module)) skip('playwright-core is not installed (scripts/setup.sh runs npm ci in tests/e2e)');
    const {chromium} = await import(module);
    return {chromium, chromiumPath};
}

export function wscatPath() {
    const pinned = path.join(e2eModules, '.bin/wscat');
    if (fs.existsSync(pinned)) return pinned;
    const found = spawnSync('sh', ['-c', 'command -v wscat']).stdout.toString().trim();
    if (!found) skip('wscat is not installed (scripts/setup.sh installs it)');
    return found;
}

// N free TCP ports on 127.0.0.1, from the kernel (held together, then released).
export async function freePorts(n) {
    const servers = await Promise.all(Array.from({length: n}, () => new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => resolve(s));
    })));
    const ports = servers.map((s) => s.address().port);
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    return ports;
}

async function samplePorts() {
    const ports = [9099, 8099, 9443, 9763, 8006, 8026, 8025];
    for (const port of ports) {
        await new Promise((resolve) => {
            const s = net.createServer();
            s.once('error', () => fail(`port ${port} is in use: the sample's ports must be free`));
            s.listen(port, '0.0.0.0', () => s.close(resolve));
        });
    }
    return ports;
}

// ---- the deployment ----------------------------------------------------------------------------

// The sample deployment (TrainLocation.siddhi, TrainRealLocationAPI, bob@quantis.com/user123)
// with its ports moved to free ones, its data in a temporary folder, and extra YAML appended.
export async function makeDeployment(extraYaml = '') {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-portal-'));
    cleanups.push(() => fs.rmSync(work, {recursive: true, force: true}));
    // The sample's own ports for the README's pictures (scripts/portal-screenshots.sh), else any.
    const [ws, wss, https, httpPort, feed, wsFeed, raw] = process.env.RIVULET_SAMPLE_PORTS === '1'
        ? await samplePorts() : await freePorts(7);
    const deploy = path.join(work, 'deploy');
    fs.mkdirSync(deploy);
    const app = fs.readFileSync(path.join(samples, 'TrainLocation.siddhi'), 'utf8')
        .replaceAll('8006', String(feed)).replaceAll('8026', String(wsFeed)).replaceAll('8025', String(raw));
    fs.writeFileSync(path.join(deploy, 'TrainLocation.siddhi'), app);
    fs.copyFileSync(path.join(samples, 'TrainRealLocationAPI.yaml'), path.join(deploy, 'TrainRealLocationAPI.yaml'));
    const config = fs.readFileSync(path.join(samples, 'rivulet.yaml'), 'utf8')
        .replace('port: 9099', `port: ${ws}`).replace('port: 8099', `port: ${wss}`)
        .replace('port: 9443', `port: ${https}`).replace('port: 9763', `port: ${httpPort}`)
        + `\ndataDir: ${path.join(work, 'data')}\n${extraYaml}\n`;
    const configPath = path.join(deploy, 'rivulet.yaml');
    fs.writeFileSync(configPath, config);
    return {
        work, configPath, ports: {ws, wss, https, http: httpPort, feed},
        https: `https://localhost:${https}`,
        http: `http://localhost:${httpPort}`,
        ca: path.join(work, 'data/tls/gateway.crt'),
    };
}

export async function startGateway(rivulet, deployment) {
    const log = path.join(deployment.work, 'gateway.log');
    gatewayLog = log;
    const out = fs.openSync(log, 'a');
    const child = spawn(rivulet, ['run', '--config', deployment.configPath], {
        detached: true, stdio: ['ignore', out, out],
        env: {...process.env, XDG_DATA_HOME: path.join(deployment.work, 'xdg')},
    });
    fs.closeSync(out);
    let exited = false;
    child.on('exit', () => { exited = true; });
    cleanups.push(() => stopProcess(child));
    await waitUntil(() => exited || fs.readFileSync(log, 'utf8').includes('gateway: serving'), 20000,
        'the gateway to start');
    if (exited) fail(`rivulet run exited: ${fs.readFileSync(log, 'utf8')}`);
    return child;
}

async function stopProcess(child) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = new Promise((resolve) => child.once('exit', resolve));
    try {
        process.kill(-child.pid, 'SIGTERM');
    } catch {
        child.kill('SIGTERM');
    }
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (child.exitCode === null && child.signalCode === null) {
        try {
            process.kill(-child.pid, 'SIGKILL');
        } catch {
            // gone
        }
    }
}

// A train's location into the app's http source, as the README's curl does.
export function feed(deployment, trainId, latitude = 6.9271) {
    const body = JSON.stringify({event: {trainId, latitude, longitude: 79.8612, speed: 62.5, timestamp: 1700000000000}});
    return new Promise((resolve, reject) => {
        const req = http.request({host: '127.0.0.1', port: deployment.ports.feed, path: '/trains', method: 'POST',
            headers: {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body)}}, (res) => {
            res.resume();
            res.on('end', () => (res.statusCode < 300 ? resolve() : reject(new Error(`POST /trains: ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(body);
    });
}

// ---- wscat ---------------------------------------------------------------------------------------

// Runs a wscat command line (as the portal shows it) in a pseudo-terminal; `output()` is what it
// printed so far, without terminal escapes.
export function wscat(commandLine) {
    const line = commandLine.replace(/^wscat\b/, wscatPath().replace(/[^A-Za-z0-9_./-]/g, '\\$&'));
    const child = spawn('script', ['-qfc', line, '/dev/null'], {detached: true, stdio: ['pipe', 'pipe', 'pipe']});
    let text = '';
    child.stdout.on('data', (d) => { text += d.toString(); });
    child.stderr.on('data', (d) => { text += d.toString(); });
    cleanups.push(() => stopProcess(child));
    return {
        // eslint-disable-next-line no-control-regex
        output: () => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, ''),
        stop: () => stopProcess(child),
    };
}

// ---- the browser ---------------------------------------------------------------------------------

export async function browser() {
    const {chromium, chromiumPath} = await playwright();
    const b = await chromium.launch({
        executablePath: chromiumPath,
        headless: true,
        // Containers often lack the user namespaces chromium's sandbox needs (and root must not
        // use it): the tests load only the gateway's own pages.
        chromiumSandbox: false,
        args: ['--no-first-run', '--no-default-browser-check', '--disable-dev-shm-usage'],
    });
    cleanups.push(() => b.close());
    return b;
}

// A page that records console errors and uncaught exceptions (a CSP violation is one).
export async function newPage(b, {width = 1280, height = 900, origin} = {}) {
    const context = await b.newContext({
        ignoreHTTPSErrors: true, // the gateway's self-signed certificate
        viewport: {width, height},
        deviceScaleFactor: 1,
        locale: 'en-GB',
        timezoneId: 'UTC',
    });
    if (origin) await context.grantPermissions(['clipboard-read', 'clipboard-write'], {origin});
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    page.problems = [];
    page.on('console', (m) => {
        if (m.type() === 'error') page.problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
    return page;
}

// Fails when the page logged errors, except the expected ones (regular expressions).
export function expectNoProblems(page, allowed = []) {
    const left = page.problems.filter((p) => !allowed.some((re) => re.test(p)));
    if (left.length) fail(`the page logged errors:\n  ${left.join('\n  ')}`);
    page.problems.length = 0;
}

// Saves a screenshot as portal-NAME.png in $RIVULET_SCREENSHOT_DIR (ctest: the build folder;
// scripts/portal-screenshots.sh: docs/images).
export async function screenshot(target, name, options = {}) {
    const dir = process.env.RIVULET_SCREENSHOT_DIR;
    if (!dir) return;
    fs.mkdirSync(dir, {recursive: true});
    const file = path.join(dir, `portal-${name}.png`);
    await target.screenshot({path: file, ...options});
    console.log(`   screenshot ${file}`);
}

// Every form control of the page has a label (a <label for>, aria-label or aria-labelledby).
export async function expectLabelledControls(page) {
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
        .filter((el) => !el.closest('[hidden]'))
        .filter((el) => (el.tagName === 'BUTTON' ? !el.textContent.trim() && !el.getAttribute('aria-label')
            : !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')))
        .map((el) => el.outerHTML.slice(0, 120)));
    if (unlabelled.length) fail(`controls without a label: ${unlabelled.join(', ')}`);
}

// Nothing is wider than the viewport (readable at 400 px without sideways scrolling).
export async function expectNoHorizontalScroll(page) {
    const {scroll, client} = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth}));
    if (scroll > client + 1) fail(`the page is ${scroll} px wide in a ${client} px viewport`);
}
