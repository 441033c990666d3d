// What the portal refuses, in a real browser: a wrong password (said next to the form), changes
// that a page of another origin makes with bob's session (a form post, a no-cors fetch, a CORS
// fetch: all refused, nothing changed), a change without the session's CSRF token, framing the
// portal, and a locked account (signIn.maxFailures: 3), which says so, also to HTTP Basic.
// The portal is opened on the plain http listener here: a page on another port of localhost is
// then same-site, so SameSite=Strict still sends the cookie and the gateway's own checks (Origin,
// Sec-Fetch-Site, X-CSRF-Token) are what refuses.
import http from 'node:http';
import {
    browser, expectNoProblems, fail, freePorts, makeDeployment, newPage, run, startGateway, step,
} from './lib.mjs';

const rivulet = process.argv[2];
if (!rivulet) {
    console.error('usage: node refusals.mjs path/to/rivulet');
    process.exit(2);
}

const expected401 = [/status of 401/];

await run(async () => {
    const b = await browser();
    const d = await makeDeployment('signIn: {maxFailures: 3, lockout: 10m}');
    await startGateway(rivulet, d);
    const page = await newPage(b);
    const portal = `${d.http}/t/quantis.com/devportal/`;

    const signIn = async (user, password) => {
        await page.getByLabel('User name').fill(user);
        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', {name: 'Sign in'}).click();
    };
    const applications = async () => {
        const r = await page.request.get(`${d.http}/api/v1/applications`, {
            headers: {Authorization: `Basic ${Buffer.from('bob@quantis.com:user123').toString('base64')}`}});
        return (await r.json()).map((a) => a.name);
    };

    await step('a wrong password is refused, with the message next to the form', async () => {
        await page.goto(portal);
        await signIn('bob@quantis.com', 'wrong');
        const message = page.locator('.field-error:not([hidden]), .error:not([hidden])');
        await message.getByText('wrong user name or password').waitFor();
        if (await page.getByLabel('Password').getAttribute('aria-invalid') !== 'true') fail('the password field is not marked invalid');
        if (await page.getByLabel('Password').inputValue() !== '') fail('the password stays in the form');
        await page.getByRole('heading', {name: 'Sign in to quantis.com'}).waitFor();
        expectNoProblems(page, expected401);
    });

    await step('sign in on the http listener: the cookie is HttpOnly and SameSite=Strict', async () => {
        await signIn('bob', 'user123'); // "bob" in quantis.com's portal is bob@quantis.com
        await page.getByRole('heading', {name: 'APIs', exact: true}).waitFor();
        const cookie = (await page.context().cookies()).find((c) => c.name === 'rivulet_session');
        if (!cookie || !cookie.httpOnly || cookie.sameSite !== 'Strict' || cookie.path !== '/api/v1' || cookie.secure) {
            fail(`cookie: ${JSON.stringify(cookie)}`);
        }
    });

    await step('the portal carries a strict Content-Security-Policy and cannot be framed', async () => {
        const r = await page.request.get(portal);
        const csp = r.headers()['content-security-policy'] || '';
        for (const part of ["script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "default-src 'none'"]) {
            if (!csp.includes(part)) fail(`CSP lacks ${part}: ${csp}`);
        }
        if (csp.includes('unsafe-inline') || csp.includes('unsafe-eval')) fail(`CSP allows inline code: ${csp}`);
        if (r.headers()['x-content-type-options'] !== 'nosniff') fail('no X-Content-Type-Options: nosniff');
        if (r.headers()['referrer-policy'] !== 'no-referrer') fail('no Referrer-Policy');
    });

    // A site on another port of this host, as an attacker would run it.
    const [evilPort] = await freePorts(1);
    const evilOrigin = `http://localhost:${evilPort}`;
    const target = `${d.http}/api/v1/applications`;
    const evilHtml = `<!doctype html><title>evil</title>
<form id="form" method="POST" action="${target}" enctype="text/plain">
<input type="hidden" name='{"name":"EvilForm","x":"' value='"}'></form>
<iframe id="frame" src="${portal}"></iframe>`;
    const evilServer = http.createServer((req, res) => {
        res.writeHead(200, {'Content-Type': 'text/html'});
        res.end(evilHtml);
    });
    await new Promise((resolve) => evilServer.listen(evilPort, '127.0.0.1', resolve));

    await step('changes from a page of another origin are refused, with the session cookie sent', async () => {
        const evil = await page.context().newPage(); // the same browser: bob's cookie is there
        await evil.goto(`${evilOrigin}/`);
        // A no-cors fetch (the answer is opaque to the page, but the request goes out).
        await evil.evaluate(async (url) => {
            await fetch(url, {method: 'POST', mode: 'no-cors', credentials: 'include',
                headers: {'Content-Type': 'text/plain'}, body: '{"name":"EvilFetch"}'});
        }, target);
        // A CORS fetch with a guessed CSRF token: the preflight is refused, the request never sent.
        const cors = await evil.evaluate(async (url) => {
            try {
                await fetch(url, {method: 'POST', credentials: 'include',
                    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': 'guess'}, body: '{"name":"EvilCors"}'});
                return 'sent';
            } catch (e) {
                return `refused: ${e.message}`;
            }
        }, target);
        if (!cors.startsWith('refused')) fail(`the CORS fetch: ${cors}`);
        // A plain form post: the browser shows the gateway's answer.
        await Promise.all([evil.waitForNavigation(), evil.evaluate(() => document.getElementById('form').submit())]);
        const answer = await evil.locator('body').textContent();
        if (!answer.includes('"error":"cross_origin"')) fail(`the form post got: ${answer}`);
        const names = await applications();
        if (names.some((n) => n.startsWith('Evil'))) fail(`an application was created: ${names}`);
        // bob is still signed in.
        const session = await page.evaluate(async () => (await fetch('/api/v1/session')).json());
        if (!session.signedIn) fail('the other site signed bob out');
        // And the browser does send the cookie from that site (same site: another port of the
        // same host): what refused the changes above is the gateway, not SameSite.
        await evil.goto(`${evilOrigin}/`);
        await evil.evaluate((url) => { window.location.href = url; }, `${d.http}/api/v1/session`);
        await evil.waitForURL(`${d.http}/api/v1/session`);
        const seen = await evil.locator('body').textContent();
        if (!seen.includes('"signedIn":true')) fail(`a page of the other site is not signed in: ${seen}`);
        await evil.close();
    });

    await step('the portal cannot be framed by another site', async () => {
        const evil = await page.context().newPage();
        await evil.goto(`${evilOrigin}/`);
        const frame = evil.frames().find((f) => f !== evil.mainFrame());
        let content = null;
        try {
            content = await frame.evaluate(() => document.getElementById('main') && document.title);
        } catch {
            content = null;
        }
        if (content) fail(`the portal loaded in a frame: ${content}`);
        await evil.close();
    });

    await step('a change without the session\'s CSRF token is refused', async () => {
        const results = await page.evaluate(async () => {
            const post = (headers) => fetch('/api/v1/applications', {method: 'POST',
                headers: {'Content-Type': 'application/json', ...headers}, body: '{"name":"NoToken"}'})
                .then(async (r) => `${r.status} ${(await r.json()).error}`);
            return [await post({}), await post({'X-CSRF-Token': 'wrong'})];
        });
        if (results[0] !== '403 csrf_failed' || results[1] !== '403 csrf_failed') fail(`got ${results}`);
        if ((await applications()).includes('NoToken')) fail('NoToken was created');
        expectNoProblems(page, [/status of 403/]);
    });

    await step('a session ended in another tab is noticed at the next click', async () => {
        const other = await page.context().newPage();
        await other.goto(portal);
        await other.getByRole('button', {name: 'Sign out'}).click();
        await other.getByText('You signed out.').waitFor();
        await other.close();
        await page.getByRole('navigation').getByRole('link', {name: 'Applications'}).click();
        await page.getByText('You are signed out (the session ended). Sign in again.').waitFor();
        await page.getByRole('heading', {name: 'Sign in to quantis.com'}).waitFor();
        expectNoProblems(page, [/status of 401/]);
    });

    await step('three wrong passwords lock the account, and the page says so', async () => {
        await signIn('bob@quantis.com', 'wrong1');
        await page.getByText('wrong user name or password').first().waitFor();
        await signIn('bob@quantis.com', 'wrong2');
        await page.getByText('wrong user name or password').first().waitFor();
        await signIn('bob@quantis.com', 'wrong3');
        await page.getByText(/the account bob@quantis\.com is locked after 3 failed sign-ins: try again in 10 min/).waitFor();
        // Even the right password now.
        await signIn('bob@quantis.com', 'user123');
        await page.getByText(/^the account bob@quantis\.com is locked after 3 failed sign-ins/).waitFor();
        const r = await page.request.get(`${d.http}/api/v1/apis`, {
            headers: {Authorization: `Basic ${Buffer.from('bob@quantis.com:user123').toString('base64')}`}});
        if (r.status() !== 423 || !Number(r.headers()['retry-after'])) fail(`HTTP Basic while locked: ${r.status()}`);
        expectNoProblems(page, [/status of 401/, /status of 423/]);
    });

    evilServer.close();
});
