// The developer portal: a page of the gateway, over its developer REST API (/api/v1). Routes are
// in the fragment (#/apis/ID), the tenant in the path (/t/quantis.com/devportal/). Nothing goes to
// the browser's web storage: the session is an HttpOnly cookie, the CSRF token and any token
// generated here live in memory until the tab closes or the user signs out.
import {api, get, del, setCsrfToken, onUnauthorized} from './api.js';
import {h, clear, field} from './dom.js';
import {errorBox, handleSubmit, loading, pageError} from './ui.js';
import {apiList, apiPage} from './apis.js';
import {applicationList, applicationPage} from './applications.js';

function tenantOfPath() {
    const m = location.pathname.match(/^\/t\/([^/]+)\/devportal\//);
    if (!m) return null;
    try {
        return decodeURIComponent(m[1]).toLowerCase();
    } catch {
        return m[1].toLowerCase(); // not a tenant anyway: the page says so
    }
}

const state = {
    tenant: tenantOfPath(),
    session: null,            // GET /session: user, tenant, roles, token lifetimes
    tokens: new Map(),        // application id -> {id, accessToken, expiresAt}: this tab only
    notice: null,             // a message for the next page (signed out, session expired)
};
let expiryTimer = null;

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');

function portalHome(tenant) {
    return `/t/${encodeURIComponent(tenant)}/devportal/`;
}

export function navigate(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
}

function setSession(session) {
    if (session && !session.signedIn) session = null;
    state.session = session;
    setCsrfToken(session ? session.csrfToken : null);
    if (!session) state.tokens.clear();
    clearTimeout(expiryTimer);
    // When the session should end, ask the gateway; it says whether it did.
    if (session && session.expiresIn !== undefined) {
        expiryTimer = setTimeout(checkSession, Math.min(session.expiresIn * 1000 + 250, 2 ** 31 - 1));
    }
    renderHeader();
}

async function checkSession() {
    try {
        const session = await get('/session');
        if (session.signedIn) setSession(session);
        else sessionEnded({code: session.expired ? 'session_expired' : 'unauthorized'});
    } catch {
        // The gateway is away: ask again in a while.
        expiryTimer = setTimeout(checkSession, 10000);
    }
}

function sessionEnded(error) {
    if (!state.session) return false;
    setSession(null);
    state.notice = error.code === 'session_expired'
        ? 'Your session expired. Sign in again.'
        : 'You are signed out (the session ended). Sign in again.';
    const next = location.hash.startsWith('#/signin') ? '#/' : location.hash;
    navigate(`#/signin?next=${encodeURIComponent(next || '#/')}`);
    return true;
}
onUnauthorized(sessionEnded);

function signedIn() {
    return state.session && state.session.tenant === state.tenant && state.session.csrfToken;
}

function renderHeader() {
    clear(nav);
    clear(who);
    if (!state.tenant) return;
    const here = location.hash || '#/';
    const link = (href, text, active) => h('a', {href, 'aria-current': active ? 'page' : null}, text);
    nav.append(h('span', {class: 'tenant'}, h('span', {class: 'sr-only'}, 'Tenant: '), state.tenant));
    if (signedIn()) {
        nav.append(
            link('#/', 'APIs', here === '#/' || here.startsWith('#/apis')),
            link('#/applications', 'Applications', here.startsWith('#/applications')));
        who.append(
            h('span', {class: 'user'}, h('span', {class: 'sr-only'}, 'Signed in as '), state.session.user),
            h('button', {type: 'button', class: 'secondary small', onclick: signOut}, 'Sign out'));
    } else {
        nav.append(link('/devportal/', 'Tenants', false));
    }
}

async function signOut() {
    try {
        await del('/session');
    } catch {
        // Signed out anyway (an ended session).
    }
    setSession(null);
    state.notice = 'You signed out.';
    navigate('#/signin');
}

// ---- pages without a session ---------------------------------------------------------------

async function tenantPicker() {
    document.title = 'Developer Portal · Rivulet';
    const tenants = await get('/tenants');
    const session = await get('/session');
    const list = h('ul', {class: 'tiles'}, tenants.map((t) => h('li', {},
        h('a', {class: 'tile', href: portalHome(t.domain)},
            h('span', {class: 'tile-title'}, t.domain),
            h('span', {class: 'tile-meta'}, `${t.apis} API${t.apis === 1 ? '' : 's'}`)))));
    return h('div', {class: 'narrow'},
        h('h1', {}, 'Developer Portal'),
        h('p', {class: 'lead'}, 'Subscribe to the streaming APIs of this gateway, get access tokens, and watch your usage. Choose your organization (tenant):'),
        session.signedIn && session.tenant ? h('p', {class: 'notice'}, `You are signed in to ${session.tenant} as ${session.user}. `,
            h('a', {href: portalHome(session.tenant)}, `Continue to ${session.tenant}`)) : null,
        tenants.length ? list : h('p', {}, 'This gateway has no tenants.'));
}

function unknownTenant(tenants) {
    document.title = 'Unknown tenant · Developer Portal · Rivulet';
    return h('div', {class: 'narrow card'},
        h('h1', {}, 'No such tenant'),
        h('p', {}, `This gateway has no tenant “${state.tenant}”.`),
        h('p', {}, h('a', {href: '/devportal/'}, 'Choose a tenant')),
        tenants.length ? h('p', {class: 'hint'}, `Tenants here: ${tenants.map((t) => t.domain).join(', ')}`) : null);
}

function signInPage(params) {
    document.title = `Sign in · ${state.tenant} · Developer Portal`;
    const box = errorBox();
    const user = field('User name', h('input', {name: 'username', type: 'text', autocomplete: 'username',
        required: true, autocapitalize: 'none', spellcheck: 'false'}), `e.g. bob@${state.tenant}`);
    const password = field('Password', h('input', {name: 'password', type: 'password',
        autocomplete: 'current-password', required: true}));
    const notice = state.notice;
    state.notice = null;
    const other = state.session && state.session.tenant !== state.tenant
        ? h('p', {class: 'notice'}, `You are signed in to ${state.session.tenant} as ${state.session.user}; signing in here ends that session.`)
        : null;
    const form = h('form', {class: 'stack', novalidate: true},
        user.row, password.row, box,
        h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Sign in')));
    handleSubmit(form, box, async () => {
        try {
            // The password goes to the sign-in endpoint only, and leaves the page's memory at once.
            const session = await api('POST', '/session', {
                username: user.input.value, password: password.input.value, tenant: state.tenant,
            });
            password.input.value = '';
            setSession(session);
            const next = params.get('next');
            navigate(next && next.startsWith('#/') && !next.startsWith('#/signin') ? next : '#/');
        } catch (error) {
            password.input.value = '';
            throw error;
        }
    });
    const page = h('div', {class: 'narrow'},
        h('h1', {}, `Sign in to ${state.tenant}`),
        notice ? h('p', {class: 'notice', role: 'status'}, notice) : null,
        other,
        h('div', {class: 'card'}, form),
        h('p', {class: 'hint'}, h('a', {href: '/devportal/'}, 'Choose another tenant')));
    page.autofocusTarget = user.input;
    return page;
}

// ---- the router ------------------------------------------------------------------------------

const routes = [
    [/^#\/?$/, (ctx) => apiList(ctx)],
    [/^#\/apis\/([^/?]+)$/, (ctx, m) => apiPage(ctx, decodeURIComponent(m[1]))],
    [/^#\/applications$/, (ctx) => applicationList(ctx)],
    [/^#\/applications\/([^/?]+)$/, (ctx, m) => applicationPage(ctx, decodeURIComponent(m[1]))],
];

let knownTenants = null;
let firstRoute = true;

async function route() {
    const hash = location.hash || '#/';
    const [path, query] = hash.split('?');
    const params = new URLSearchParams(query || '');
    let page;
    try {
        if (!state.tenant) {
            page = await tenantPicker();
        } else {
            if (!knownTenants) knownTenants = await get('/tenants');
            if (!knownTenants.some((t) => t.domain === state.tenant)) {
                page = unknownTenant(knownTenants);
            } else if (path === '#/signin') {
                page = signedIn() ? null : signInPage(params);
                if (!page) return navigate('#/');
            } else if (!signedIn()) {
                return navigate(`#/signin?next=${encodeURIComponent(hash)}`);
            } else {
                const match = routes.map(([re, render]) => [path.match(re), render]).find(([m]) => m);
                const ctx = {state, navigate, tenant: state.tenant};
                clear(main).append(loading());
                page = match ? await match[1](ctx, match[0]) : h('div', {class: 'card'},
                    h('h1', {}, 'Not found'), h('p', {}, h('a', {href: '#/'}, 'Back to the APIs')));
            }
        }
    } catch (error) {
        if (error.handled) return; // sessionEnded took over
        page = pageError(error);
    }
    renderHeader();
    clear(main).append(page);
    // Move focus to the new page (screen readers announce it); the first load keeps it on the
    // document unless a field wants it.
    const target = page && page.autofocusTarget;
    if (target) target.focus();
    else if (!firstRoute) main.focus();
    firstRoute = false;
}

async function start() {
    document.getElementById('skip').addEventListener('click', (event) => {
        event.preventDefault();
        main.focus();
    });
    if (state.tenant) {
        try {
            setSession(await get('/session'));
        } catch {
            setSession(null);
        }
    }
    window.addEventListener('hashchange', route);
    await route();
}

start();
