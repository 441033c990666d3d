// The APIs of the tenant, and an API's page: its topics (from its AsyncAPI document), policies,
// gateway URLs, subscribing an application, and "try it": the exact wscat command for a topic.
import {get, post} from './api.js';
import {h, clear, field, select, fmtNumber, fmtDuration, fmtTime} from './dom.js';
import {errorBox, statusBox, handleSubmit, copyButton, section, oneTime} from './ui.js';

export async function apiList(ctx) {
    document.title = `APIs · ${ctx.tenant} · Developer Portal`;
    const apis = await get('/apis');
    return h('div', {},
        h('h1', {}, 'APIs'),
        h('p', {class: 'lead'}, `The streaming APIs of ${ctx.tenant}. Open one to see its topics, subscribe an application and try it.`),
        apis.length === 0 ? h('p', {class: 'card'}, 'This tenant has no APIs yet.') :
            h('ul', {class: 'tiles'}, apis.map((api) => h('li', {},
                h('a', {class: 'tile', href: `#/apis/${encodeURIComponent(api.id)}`},
                    h('span', {class: 'tile-title'}, api.name, ' ', h('span', {class: 'badge'}, api.version)),
                    h('span', {class: 'tile-text'}, api.description || 'No description.'),
                    h('span', {class: 'tile-meta'}, `${api.topics.length} topic${api.topics.length === 1 ? '' : 's'} · ${api.context}`))))));
}

// ---- policies --------------------------------------------------------------------------------

function per(count, unitTime, unit) {
    return unitTime > 1 ? `${count} per ${unitTime} ${unit}s` : `${count} per ${unit}`;
}

export function policyQuota(p) {
    return p.unlimited ? 'Unlimited' : `${per(fmtNumber(p.count), p.unitTime, p.timeUnit)}`;
}

function policyRows(policies) {
    return h('div', {class: 'table-wrap'}, h('table', {class: 'data'},
        h('caption', {class: 'sr-only'}, 'Policies offered'),
        h('thead', {}, h('tr', {},
            h('th', {scope: 'col'}, 'Policy'), h('th', {scope: 'col'}, 'Events'),
            h('th', {scope: 'col'}, 'Over the limit'), h('th', {scope: 'col'}, 'Price'))),
        h('tbody', {}, policies.map((p) => h('tr', {},
            h('th', {scope: 'row'}, p.name, p.description ? h('span', {class: 'cell-note'}, p.description) : null),
            h('td', {}, policyQuota(p),
                p.burst ? h('span', {class: 'cell-note'}, `at most ${per(fmtNumber(p.burst.count), 1, p.burst.timeUnit)}`) : null),
            h('td', {}, p.unlimited && !p.burst ? '—' : (p.unlimited ? p.onBurst : p.onQuota) === 'close' ? 'connections closed' : 'events dropped'),
            h('td', {}, p.price && p.price.amount > 0
                ? `${p.price.amount.toFixed(2)} ${p.price.currency} per ${fmtNumber(p.price.perEvents)} events` +
                  (p.price.freeEvents ? ` beyond ${fmtNumber(p.price.freeEvents)} free a month` : '')
                : 'Free'))))));
}

// ---- the AsyncAPI document -------------------------------------------------------------------

function resolve(doc, value) {
    // A local $ref ("#/components/messages/X") of the document, for display.
    let v = value;
    for (let i = 0; v && typeof v === 'object' && typeof v.$ref === 'string' && i < 8; i++) {
        if (!v.$ref.startsWith('#/')) return null;
        v = v.$ref.slice(2).split('/').reduce((o, k) => (o ? o[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);
    }
    return v || null;
}

function topicCard(doc, topic) {
    const channel = (doc.channels || {})[topic.name] || {};
    const message = resolve(doc, channel.subscribe && channel.subscribe.message);
    const example = message && Array.isArray(message.examples) && message.examples[0]
        ? message.examples[0].payload : null;
    const params = topic.parameters.map((p) => {
        const d = resolve(doc, (channel.parameters || {})[p]) || {};
        return h('li', {}, h('code', {}, p), d.description ? ` — ${d.description}` : '');
    });
    return h('li', {class: 'topic'},
        h('h3', {}, h('code', {}, topic.name)),
        topic.description ? h('p', {}, topic.description) : null,
        params.length ? h('div', {}, h('p', {class: 'label'}, 'Parameters'), h('ul', {class: 'plain'}, params)) : null,
        message ? h('p', {class: 'hint'}, `Message: ${message.title || message.name || ''}${message.contentType ? ` (${message.contentType})` : ''}`) : null,
        example ? h('details', {}, h('summary', {}, 'Example message'),
            h('pre', {class: 'code'}, JSON.stringify(example, null, 2))) : null);
}

// ---- the API page ----------------------------------------------------------------------------

export async function apiPage(ctx, id) {
    const [api, doc, policies, apps, subs] = await Promise.all([
        get(`/apis/${encodeURIComponent(id)}`),
        get(`/apis/${encodeURIComponent(id)}/asyncapi`),
        get('/policies'),
        get('/applications'),
        get('/subscriptions'),
    ]);
    document.title = `${api.name} ${api.version} · ${ctx.tenant} · Developer Portal`;
    const offered = api.policies.map((name) => policies.find((p) => p.name === name)).filter(Boolean);
    const state = {apps, subs: subs.filter((s) => s.apiId === api.id), created: null, status: statusBox()};

    // Subscribe: a new application if needed, then application + policy.
    const subscribeSlot = h('div', {});
    const trySlot = h('div', {});
    const renderSubscribe = () => clear(subscribeSlot).append(subscribeForms(ctx, api, offered, state, () => {
        renderSubscribe();
        renderTry();
    }));
    const renderTry = () => clear(trySlot).append(tryIt(ctx, api, state));
    renderSubscribe();
    renderTry();

    const urls = h('dl', {class: 'pairs'},
        api.urls.ws ? [h('dt', {}, 'WebSocket'), h('dd', {}, h('code', {}, `${api.urls.ws}{topic}`))] : null,
        api.urls.wss ? [h('dt', {}, 'WebSocket over TLS'), h('dd', {}, h('code', {}, `${api.urls.wss}{topic}`))] : null,
        h('dt', {}, 'Access tokens'), h('dd', {}, h('code', {}, `${location.origin}/oauth2/token`)));

    return h('div', {},
        h('p', {class: 'crumbs'}, h('a', {href: '#/'}, 'APIs'), ' / ', api.name),
        h('h1', {}, api.name, ' ', h('span', {class: 'badge'}, api.version)),
        api.description ? h('p', {class: 'lead'}, api.description) : null,
        h('div', {class: 'grid'},
            h('div', {class: 'col'},
                section('Topics', h('ul', {class: 'plain topics'}, api.topics.map((t) => topicCard(doc, t)))),
                section('Gateway URLs', urls,
                    h('p', {class: 'hint'}, 'Connect with an access token in the Authorization header (Bearer), or as ?access_token=.')),
                section('Policies', policyRows(offered))),
            h('div', {class: 'col'},
                section('Subscribe', subscribeSlot, state.status),
                section('Try it', trySlot))));
}

function subscribeForms(ctx, api, offered, state, changed) {
    const out = h('div', {class: 'stack'});
    const subscribed = new Map(state.subs.map((s) => [s.applicationId, s]));
    if (state.subs.length) {
        out.append(h('ul', {class: 'plain'}, state.subs.map((s) => h('li', {class: 'ok'},
            h('a', {href: `#/applications/${encodeURIComponent(s.applicationId)}`}, s.application),
            ` is subscribed with ${s.policy}.`))));
    }
    // A new application.
    const createBox = errorBox();
    const name = field('New application', h('input', {name: 'name', type: 'text', required: true, maxlength: 100, placeholder: 'TrainApp'}));
    const createForm = h('form', {class: 'inline-form', novalidate: true}, name.row,
        h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'secondary'}, 'Create application')), createBox);
    handleSubmit(createForm, createBox, async () => {
        const app = await post('/applications', {name: name.input.value.trim()});
        state.apps.push(app);
        changed();
        // The secret, once, in the re-rendered form's slot.
        state.created = oneTime(`${app.name} created`, 'Client secret', app.clientSecret,
            `Client ID ${app.clientId}. This is the client secret: copy it now, it is not shown again.`);
        const target = document.getElementById('created-secret');
        if (target) clear(target).append(state.created);
    });

    const candidates = state.apps.filter((a) => !subscribed.has(a.id));
    const box = errorBox();
    let form = null;
    if (candidates.length) {
        const appSelect = field('Application', select({name: 'applicationId'}, candidates.map((a) => [a.id, a.name])));
        const policySelect = field('Policy', select({name: 'policy'}, offered.map((p) => [p.name, `${p.name} — ${policyQuota(p)}`]), offered[0] && offered[0].name));
        form = h('form', {class: 'stack', novalidate: true}, appSelect.row, policySelect.row,
            h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Subscribe')), box);
        handleSubmit(form, box, async () => {
            const sub = await post('/subscriptions', {applicationId: appSelect.input.value, apiId: api.id, policy: policySelect.input.value});
            state.subs.push(sub);
            changed();
            state.status.textContent = `${sub.application} is subscribed to ${api.name} ${api.version} with ${sub.policy}.`;
        });
    } else if (state.apps.length) {
        out.append(h('p', {class: 'hint'}, 'All your applications are subscribed to this API.'));
    } else {
        out.append(h('p', {class: 'hint'}, 'Create an application to subscribe with.'));
    }
    // The last secret stays in view (until the page is left) even as the forms change.
    out.append(h('div', {id: 'created-secret'}, state.created), createForm);
    if (form) out.append(form);
    return out;
}

// ---- try it ----------------------------------------------------------------------------------

function tryIt(ctx, api, state) {
    const subscribedApps = state.subs.map((s) => ({id: s.applicationId, name: s.application}));
    if (!subscribedApps.length) {
        return h('p', {class: 'hint'}, 'Subscribe an application first; then get the wscat command for a topic here.');
    }
    const box = errorBox();
    const appSelect = field('Application', select({name: 'application'}, subscribedApps.map((a) => [a.id, a.name])));
    const topicSelect = field('Topic', select({name: 'channel'}, api.topics.map((t) => [t.name, t.name])));
    const paramSlot = h('div', {class: 'stack'});
    const tokenSlot = h('div', {class: 'token-line'});
    const output = h('div', {class: 'command-out'});
    let last = null; // the last answer of /connect

    const renderParams = () => {
        const topic = api.topics.find((t) => t.name === topicSelect.input.value);
        clear(paramSlot).append(...topic.parameters.map((p) =>
            field(p, h('input', {name: p, type: 'text', required: true, 'data-param': p, autocomplete: 'off'})).row));
    };
    const renderOutput = () => {
        clear(output);
        if (!last) return;
        const token = ctx.state.tokens.get(appSelect.input.value);
        const fill = (cmd) => (token ? cmd.split(last.tokenPlaceholder).join(token.accessToken) : cmd);
        for (const [kind, title] of [['ws', 'wscat'], ['wss', 'wscat over TLS']]) {
            const cmd = last.commands[kind];
            if (!cmd) continue;
            const code = h('code', {class: 'command', 'data-kind': kind}, fill(cmd));
            output.append(h('div', {class: 'command-block'},
                h('p', {class: 'label'}, title),
                h('pre', {class: 'code'}, code),
                copyButton(() => code.textContent, kind === 'ws' ? 'Copy command' : 'Copy TLS command')));
        }
        if (!token) output.append(h('p', {class: 'hint'}, `Replace ${last.tokenPlaceholder} with an access token of the application, or generate one above.`));
    };
    const renderToken = () => {
        clear(tokenSlot);
        const token = ctx.state.tokens.get(appSelect.input.value);
        if (token) {
            tokenSlot.append(h('p', {class: 'ok'}, `Using the token generated here, valid until ${fmtTime(token.expiresAt)}.`));
        }
        const lifetime = (ctx.state.session && ctx.state.session.tokenLifetime) || 3600;
        tokenSlot.append(h('button', {type: 'button', class: token ? 'secondary' : 'primary', onclick: async (event) => {
            const button = event.currentTarget;
            button.disabled = true;
            box.hidden = true;
            try {
                const t = await post(`/applications/${encodeURIComponent(appSelect.input.value)}/tokens`, {validity: lifetime});
                ctx.state.tokens.set(appSelect.input.value, t);
                renderToken();
                renderOutput();
            } catch (error) {
                if (!error.handled) { box.textContent = error.message; box.hidden = false; }
            } finally {
                button.disabled = false;
            }
        }}, token ? 'Generate a new token' : `Generate a token (valid ${fmtDuration(lifetime)})`));
    };
    topicSelect.input.addEventListener('change', () => { renderParams(); last = null; renderOutput(); });
    appSelect.input.addEventListener('change', () => { renderToken(); renderOutput(); });
    renderParams();
    renderToken();

    const form = h('form', {class: 'stack', novalidate: true},
        appSelect.row,
        tokenSlot,
        api.topics.length > 1 ? topicSelect.row : h('p', {}, h('span', {class: 'label'}, 'Topic '), h('code', {}, api.topics[0].name)),
        paramSlot,
        h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'secondary'}, 'Show the command')),
        box);
    handleSubmit(form, box, async () => {
        const query = new URLSearchParams({channel: topicSelect.input.value});
        for (const input of paramSlot.querySelectorAll('input[data-param]')) query.set(input.dataset.param, input.value);
        last = await get(`/apis/${encodeURIComponent(api.id)}/connect?${query}`);
        renderOutput();
    });
    return h('div', {class: 'stack'},
        h('p', {class: 'hint'}, 'The exact command to receive a topic\'s events with wscat, with an access token of your application.'),
        form, output);
}
