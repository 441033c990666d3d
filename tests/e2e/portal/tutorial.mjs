// The tutorial's step 2 in the browser, as the README tells it: open https://…/devportal/, choose
// quantis.com, sign in as bob (with the keyboard), open TrainRealLocationAPI, create an
// application, subscribe it with AsyncGold, generate a token, copy the wscat command; then run
// that very command with the real wscat and post trains 123 and 456 to the app: only 456 arrives.
// Then the application's page: usage chart, change policy, tokens with a chosen validity,
// revoke (wscat is closed with 4401), rename, new secret, unsubscribe and delete; the pages at
// 400 px; sign out. Screenshots go to $RIVULET_SCREENSHOT_DIR.
import crypto from 'node:crypto';
import {
    browser, expectLabelledControls, expectNoHorizontalScroll, expectNoProblems, fail, feed,
    makeDeployment, newPage, run, screenshot, startGateway, step, waitUntil, wscat,
} from './lib.mjs';

const rivulet = process.argv[2];
if (!rivulet) {
    console.error('usage: node tutorial.mjs path/to/rivulet');
    process.exit(2);
}

await run(async () => {
    const b = await browser();
    const d = await makeDeployment();
    await startGateway(rivulet, d);
    const page = await newPage(b, {origin: d.https});
    let apiUrl = '';
    let command = '';
    let token = '';
    let firstSecret = '';
    let subscriber = null;

    await step('open the portal and choose quantis.com', async () => {
        await page.goto(`${d.https}/devportal/`);
        await page.getByRole('heading', {name: 'Developer Portal'}).waitFor();
        await page.getByRole('link', {name: /quantis\.com/}).click();
        await page.getByRole('heading', {name: 'Sign in to quantis.com'}).waitFor();
        if (!page.url().startsWith(`${d.https}/t/quantis.com/devportal/`)) fail(`at ${page.url()}`);
    });

    await step('sign in as bob with the keyboard', async () => {
        // The user name field has the focus; Tab to the password; Enter submits.
        await page.keyboard.type('bob@quantis.com');
        await page.keyboard.press('Tab');
        await page.keyboard.type('user123');
        await expectLabelledControls(page);
        await screenshot(page, 'signin');
        await page.keyboard.press('Enter');
        await page.getByRole('heading', {name: 'APIs', exact: true}).waitFor();
        await page.getByText('bob@quantis.com').first().waitFor();
        // The session cookie: HttpOnly, Secure, SameSite=Strict, scoped to the REST API.
        const cookies = await page.context().cookies();
        const session = cookies.find((c) => c.name === '__Secure-rivulet_session');
        if (!session || !session.httpOnly || !session.secure || session.sameSite !== 'Strict' || session.path !== '/api/v1') {
            fail(`session cookie: ${JSON.stringify(cookies)}`);
        }
        const stored = await page.evaluate(() => JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage}));
        if (stored !== '{}{}') fail(`the page stored ${stored}`);
    });

    await step('the API list shows TrainRealLocationAPI with its version and description', async () => {
        const tile = page.getByRole('link', {name: /TrainRealLocationAPI/});
        await tile.waitFor();
        const text = await tile.textContent();
        if (!text.includes('1.0.0') || !text.includes('Real-time location of each Quantis train')) fail(text);
        await tile.click();
        await page.getByRole('heading', {name: /TrainRealLocationAPI/, level: 1}).waitFor();
        apiUrl = page.url();
    });

    await step('the API page shows topics, gateway URLs and policies with their limits', async () => {
        await page.getByRole('heading', {name: 'loc-train-qnt-{trainId}'}).waitFor();
        await page.getByText('The train\'s id, as the sensors report it (456).').waitFor();
        await page.getByText(`ws://localhost:${d.ports.ws}/t/quantis.com/train/location/1.0.0/{topic}`).waitFor();
        await page.getByText(`wss://localhost:${d.ports.wss}/t/quantis.com/train/location/1.0.0/{topic}`).waitFor();
        const gold = await page.getByRole('row', {name: /AsyncGold/}).textContent();
        if (!gold.includes('50,000 per day') || !gold.includes('connections closed')) fail(`AsyncGold row: ${gold}`);
        const trial = await page.getByRole('row', {name: /AsyncTrial/}).textContent();
        if (!trial.includes('1,000 per minute') || !trial.includes('50 per second')) fail(`AsyncTrial row: ${trial}`);
    });

    await step('create the application TrainApp: its secret is shown once', async () => {
        await page.getByLabel('New application').fill('TrainApp');
        await page.getByRole('button', {name: 'Create application'}).click();
        await page.getByRole('heading', {name: 'TrainApp created'}).waitFor();
        firstSecret = await page.getByLabel('Client secret', {exact: true}).textContent();
        if (!/^[A-Za-z0-9_-]{43}$/.test(firstSecret)) fail(`client secret '${firstSecret}'`);
    });

    await step('subscribe TrainApp with AsyncGold', async () => {
        await page.getByLabel('Application', {exact: true}).first().selectOption({label: 'TrainApp'});
        await page.getByLabel('Policy').selectOption('AsyncGold');
        await page.getByRole('button', {name: 'Subscribe'}).click();
        await page.getByText('TrainApp is subscribed to TrainRealLocationAPI 1.0.0 with AsyncGold.').waitFor();
    });

    await step('try it: generate a token and copy the exact wscat command for train 456', async () => {
        const tryIt = page.getByRole('region', {name: 'Try it'});
        await tryIt.getByLabel('Application').selectOption({label: 'TrainApp'});
        await tryIt.getByRole('button', {name: /Generate a token/}).click();
        await tryIt.getByText(/Using the token generated here/).waitFor();
        await tryIt.getByLabel('trainId').fill('456');
        await tryIt.getByRole('button', {name: 'Show the command'}).click();
        const code = tryIt.locator('code.command[data-kind="ws"]');
        await code.waitFor();
        command = (await code.textContent()).trim();
        const expected = new RegExp(`^wscat -c ws://localhost:${d.ports.ws}/t/quantis\\.com/train/location/1\\.0\\.0/loc-train-qnt-456/ -H "Authorization: Bearer ([A-Za-z0-9_-]{43})"$`);
        const m = command.match(expected);
        if (!m) fail(`the command is '${command}'`);
        token = m[1];
        await tryIt.getByRole('button', {name: 'Copy command'}).click();
        await tryIt.getByText('Copied').waitFor();
        const copied = await page.evaluate(() => navigator.clipboard.readText());
        if (copied !== command) fail(`the clipboard holds '${copied}'`);
        await expectLabelledControls(page);
        await screenshot(page, 'api', {fullPage: true});
        // The same on a phone.
        await page.setViewportSize({width: 400, height: 860});
        await expectNoHorizontalScroll(page);
        await tryIt.getByRole('heading', {name: 'Try it'}).evaluate((e) => e.scrollIntoView());
        await screenshot(page, 'mobile');
        await page.setViewportSize({width: 1280, height: 900});
    });

    await step('the copied command, run with wscat, prints train 456 and not train 123', async () => {
        subscriber = wscat(command);
        await waitUntil(() => subscriber.output().includes('Connected (press CTRL+C to quit)'), 10000,
            `wscat to connect (it printed: ${subscriber.output()})`);
        await feed(d, '123');
        await feed(d, '456');
        await waitUntil(() => subscriber.output().includes('"trainId":"456"'), 5000, 'train 456 in wscat');
        if (subscriber.output().includes('"trainId":"123"')) fail(`wscat got train 123: ${subscriber.output()}`);
    });

    await step('the application page: subscription, live token and usage chart', async () => {
        await page.getByRole('navigation').getByRole('link', {name: 'Applications'}).click();
        await page.getByRole('heading', {name: 'Applications', level: 1}).waitFor();
        await page.getByRole('link', {name: /TrainApp/}).click();
        await page.getByRole('heading', {name: 'TrainApp', level: 1}).waitFor();
        await page.getByRole('region', {name: 'Subscriptions'}).getByText('TrainRealLocationAPI 1.0.0').waitFor();
        const tokens = page.getByRole('region', {name: 'Access tokens'});
        const id = crypto.createHash('sha256').update(token).digest('hex').slice(0, 16);
        await tokens.locator(`[data-token="${id}"]`).waitFor();
        // One event delivered today and this month, none throttled.
        const chart = page.locator('svg.chart desc');
        await chart.waitFor({state: 'attached'});
        const desc = await chart.textContent();
        if (!desc.includes('today 1 delivered, 0 throttled; this month 1 delivered, 0 throttled')) fail(`chart: ${desc}`);
    });

    await step('change the policy to AsyncTrial (at most 50 events a second, the rest dropped)', async () => {
        const subs = page.getByRole('region', {name: 'Subscriptions'});
        await subs.getByLabel('Policy').selectOption('AsyncTrial');
        await subs.getByRole('button', {name: 'Change policy'}).click();
        await subs.locator('.badge', {hasText: 'AsyncTrial'}).waitFor();
        await subs.getByText('of 1,000 events used').waitFor();
    });

    await step('a burst of 80 events: the chart counts them, delivered and throttled', async () => {
        await Promise.all(Array.from({length: 80}, (_, i) => feed(d, '456', 6.9 + i / 1000)));
        const usage = page.getByRole('region', {name: 'Usage'});
        await waitUntil(async () => {
            await usage.getByRole('button', {name: 'Refresh'}).click();
            const desc = await usage.locator('svg.chart desc').textContent();
            const m = desc.match(/today (\d+) delivered, (\d+) throttled/);
            return m && Number(m[1]) + Number(m[2]) === 81 && Number(m[1]) >= 51;
        }, 10000, 'the chart to count 81 events');
    });

    await step('generate a token valid for 1 day', async () => {
        const tokens = page.getByRole('region', {name: 'Access tokens'});
        await tokens.getByLabel('Validity').selectOption({label: '1 day'});
        await tokens.getByRole('button', {name: 'Generate access token'}).click();
        await tokens.getByText(/Valid for 1 day/).waitFor();
        const value = await tokens.getByLabel('Access token', {exact: true}).textContent();
        if (!/^[A-Za-z0-9_-]{43}$/.test(value) || value === token) fail(`new token '${value}'`);
        await waitUntil(async () => (await tokens.locator('[data-token]').count()) === 2, 5000, 'two live tokens');
    });

    await step('regenerate the secret: a new one, shown once', async () => {
        const keys = page.getByRole('region', {name: 'Keys'});
        await keys.getByRole('button', {name: 'Regenerate the client secret'}).click();
        await keys.getByRole('button', {name: 'Regenerate', exact: true}).click();
        await keys.getByRole('heading', {name: 'New client secret'}).waitFor();
        const secret = await keys.getByLabel('Client secret', {exact: true}).textContent();
        if (!/^[A-Za-z0-9_-]{43}$/.test(secret) || secret === firstSecret) fail(`new secret '${secret}'`);
    });

    await step('rename the application', async () => {
        const settings = page.getByRole('region', {name: 'Settings'});
        await settings.getByLabel('Name').fill('TrainTracker');
        await settings.getByLabel('Description').fill('Follows train 456');
        await settings.getByRole('button', {name: 'Save'}).click();
        await settings.getByText('Saved.').waitFor();
        await page.getByRole('heading', {name: 'TrainTracker', level: 1}).waitFor();
        await expectLabelledControls(page);
        await page.getByRole('button', {name: 'Refresh'}).click();
        await page.locator('svg.chart').waitFor();
        await screenshot(page, 'application', {fullPage: true});
        await screenshot(page.getByRole('region', {name: 'Usage'}), 'usage');
    });

    await step('revoke the token in the page: wscat is closed with 4401', async () => {
        const id = crypto.createHash('sha256').update(token).digest('hex').slice(0, 16);
        const row = page.locator(`[data-token="${id}"]`);
        await row.getByRole('button', {name: 'Revoke'}).click();
        await row.getByRole('button', {name: 'Revoke'}).click(); // confirm
        await row.waitFor({state: 'detached'});
        await waitUntil(() => subscriber.output().includes('Disconnected (code: 4401, reason: "access token revoked")'), 3000,
            `wscat to be closed (it printed: ${subscriber.output()})`);
    });

    await step('a second application: subscribe, unsubscribe, delete', async () => {
        await page.getByRole('navigation').getByRole('link', {name: 'Applications'}).click();
        await page.getByLabel('Name').fill('Scratch');
        await page.getByRole('button', {name: 'Create application'}).click();
        await page.getByRole('heading', {name: 'Scratch created'}).waitFor();
        await page.goto(apiUrl);
        await page.getByLabel('Application', {exact: true}).first().selectOption({label: 'Scratch'});
        await page.getByLabel('Policy').selectOption('AsyncBronze');
        await page.getByRole('button', {name: 'Subscribe'}).click();
        await page.getByText('Scratch is subscribed to TrainRealLocationAPI 1.0.0 with AsyncBronze.').waitFor();
        await page.getByRole('link', {name: 'Scratch'}).click();
        await page.getByRole('heading', {name: 'Scratch', level: 1}).waitFor();
        const subs = page.getByRole('region', {name: 'Subscriptions'});
        await subs.getByRole('button', {name: 'Unsubscribe'}).click();
        await subs.getByRole('button', {name: 'Unsubscribe'}).click(); // confirm
        await subs.getByText('No subscriptions.').waitFor();
        const settings = page.getByRole('region', {name: 'Settings'});
        await settings.getByRole('button', {name: 'Delete the application'}).click();
        await settings.getByRole('button', {name: 'Delete', exact: true}).click();
        await page.getByRole('heading', {name: 'Applications', level: 1}).waitFor();
        await page.getByRole('link', {name: /TrainTracker/}).waitFor();
        if (await page.getByRole('link', {name: /Scratch/}).count()) fail('Scratch is still listed');
    });

    await step('readable at 400 px: no sideways scrolling', async () => {
        await page.setViewportSize({width: 400, height: 860});
        for (const hash of ['#/', apiUrl.slice(apiUrl.indexOf('#')), '#/applications']) {
            await page.goto(`${d.https}/t/quantis.com/devportal/${hash}`);
            await page.locator('main h1').waitFor();
            await page.locator('.loading').waitFor({state: 'detached'});
            await expectNoHorizontalScroll(page);
        }
        await page.setViewportSize({width: 1280, height: 900});
    });

    await step('keyboard: the skip link moves the focus to the content', async () => {
        await page.goto(`${d.https}/t/quantis.com/devportal/#/applications`);
        await page.reload();
        await page.getByRole('heading', {name: 'Applications', level: 1}).waitFor();
        await page.keyboard.press('Tab');
        const first = await page.evaluate(() => document.activeElement.textContent);
        if (first !== 'Skip to content') fail(`the first Tab went to '${first}'`);
        await page.keyboard.press('Enter');
        const focused = await page.evaluate(() => document.activeElement.id);
        if (focused !== 'main') fail(`focus on '${focused}' after the skip link`);
    });

    await step('sign out: the REST API refuses the old cookie', async () => {
        const cookie = (await page.context().cookies()).find((c) => c.name === '__Secure-rivulet_session');
        await page.getByRole('button', {name: 'Sign out'}).click();
        await page.getByText('You signed out.').waitFor();
        const r = await page.request.get(`${d.https}/api/v1/applications`,
            {headers: {Cookie: `${cookie.name}=${cookie.value}`}});
        if (r.status() !== 401) fail(`the old session cookie after signing out: ${r.status()}`);
        expectNoProblems(page);
    });
});
