// Sessions end, and the portal sends the user back to sign in: after portal.sessionLifetime (3 s
// here) the page says the session expired, the gateway refuses the old cookie, and signing in
// again returns to the page the user was on.
import {
    browser, expectNoProblems, fail, makeDeployment, newPage, run, startGateway, step,
} from './lib.mjs';

const rivulet = process.argv[2];
if (!rivulet) {
    console.error('usage: node session.mjs path/to/rivulet');
    process.exit(2);
}

await run(async () => {
    const b = await browser();
    const d = await makeDeployment('portal: {sessionLifetime: 3s}');
    await startGateway(rivulet, d);
    const page = await newPage(b);
    const portal = `${d.https}/t/quantis.com/devportal/`;
    const signIn = async () => {
        await page.getByLabel('User name').fill('bob@quantis.com');
        await page.getByLabel('Password').fill('user123');
        await page.getByRole('button', {name: 'Sign in'}).click();
    };
    let cookie = null;

    await step('sign in and open the applications', async () => {
        await page.goto(`${portal}#/applications`);
        await signIn();
        await page.getByRole('heading', {name: 'Applications', level: 1}).waitFor();
        cookie = (await page.context().cookies()).find((c) => c.name === '__Secure-rivulet_session');
        if (!cookie) fail('no session cookie');
    });

    await step('when the session expires, the page goes back to the sign-in form and says why', async () => {
        await page.getByText('Your session expired. Sign in again.').waitFor({timeout: 15000});
        await page.getByRole('heading', {name: 'Sign in to quantis.com'}).waitFor();
        const r = await page.request.get(`${d.https}/api/v1/applications`,
            {headers: {Cookie: `${cookie.name}=${cookie.value}`}});
        const body = await r.json();
        if (r.status() !== 401 || body.error !== 'session_expired') fail(`the old cookie: ${r.status()} ${JSON.stringify(body)}`);
    });

    await step('signing in again returns to the applications', async () => {
        await signIn();
        await page.getByRole('heading', {name: 'Applications', level: 1}).waitFor();
    });

    expectNoProblems(page, [/status of 401/]);
});
