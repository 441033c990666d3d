// Applications: create, rename, delete, regenerate the secret (shown once); their subscriptions
// (change policy, unsubscribe), access tokens (generate with a chosen validity, revoke), and
// their usage per subscription as a chart.
import {get, post, patch, del} from './api.js';
import {h, clear, field, select, fmtNumber, fmtTime, fmtDuration} from './dom.js';
import {errorBox, statusBox, handleSubmit, copyButton, confirmButton, section, oneTime, loading} from './ui.js';
import {usageChart, usageTable} from './chart.js';

const app$ = (id) => `/applications/${encodeURIComponent(id)}`;

export async function applicationList(ctx) {
    document.title = `Applications · ${ctx.tenant} · Developer Portal`;
    const apps = await get('/applications');
    const box = errorBox();
    const name = field('Name', h('input', {name: 'name', type: 'text', required: true, maxlength: 100, placeholder: 'TrainApp'}),
        'Letters, digits, spaces, “_”, “.” and “-”.');
    const description = field('Description (optional)', h('input', {name: 'description', type: 'text', maxlength: 1000}));
    const created = h('div', {});
    const form = h('form', {class: 'stack', novalidate: true}, name.row, description.row,
        h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Create application')), box);
    const list = h('div', {});
    const renderList = () => clear(list).append(apps.length === 0
        ? h('p', {class: 'hint'}, 'You have no applications yet.')
        : h('ul', {class: 'tiles'}, apps.map((a) => h('li', {},
            h('a', {class: 'tile', href: `#${app$(a.id)}`},
                h('span', {class: 'tile-title'}, a.name),
                h('span', {class: 'tile-text'}, a.description || ''),
                h('span', {class: 'tile-meta'}, `${a.subscriptions} subscription${a.subscriptions === 1 ? '' : 's'} · created ${fmtTime(a.createdAt)}`))))));
    handleSubmit(form, box, async () => {
        const app = await post('/applications', {name: name.input.value.trim(), description: description.input.value});
        apps.push(app);
        renderList();
        form.reset();
        clear(created).append(oneTime(`${app.name} created`, 'Client secret', app.clientSecret,
            `Client ID ${app.clientId}. This is its client secret: copy it now, it is not shown again.`),
        h('p', {}, h('a', {href: `#${app$(app.id)}`}, `Open ${app.name}`)));
    });
    renderList();
    return h('div', {},
        h('h1', {}, 'Applications'),
        h('p', {class: 'lead'}, 'An application holds the keys and tokens your client uses, and its subscriptions to APIs.'),
        h('div', {class: 'grid'},
            h('div', {class: 'col'}, section('Your applications', list)),
            h('div', {class: 'col'}, section('New application', form, created))));
}

export async function applicationPage(ctx, id) {
    const [app, subs, tokens, policies, apis] = await Promise.all([
        get(app$(id)),
        get(`/subscriptions?applicationId=${encodeURIComponent(id)}`),
        get(`${app$(id)}/tokens`),
        get('/policies'),
        get('/apis'),
    ]);
    document.title = `${app.name} · Applications · ${ctx.tenant} · Developer Portal`;
    const heading = h('h1', {}, app.name);
    const crumb = h('span', {}, app.name);
    const data = {app, subs, tokens, policies, apis};
    const usageSlot = h('div', {});
    const refreshUsage = async () => {
        try {
            const usage = await get(`${app$(id)}/usage`);
            clear(usageSlot).append(usageView(usage));
            // The subscriptions' quota use moves with it.
            data.subs = await get(`/subscriptions?applicationId=${encodeURIComponent(id)}`);
            if (data.renderSubs) data.renderSubs();
        } catch (error) {
            if (!error.handled) clear(usageSlot).append(h('p', {class: 'error', role: 'alert'}, error.message));
        }
    };
    usageSlot.append(loading());
    refreshUsage();
    return h('div', {},
        h('p', {class: 'crumbs'}, h('a', {href: '#/applications'}, 'Applications'), ' / ', crumb),
        heading,
        h('p', {class: 'meta'}, `Owner ${app.owner} · created ${fmtTime(app.createdAt)}`),
        h('div', {class: 'grid'},
            h('div', {class: 'col'},
                subscriptionsSection(ctx, data, refreshUsage),
                tokensSection(ctx, data),
                section('Usage', h('p', {class: 'hint'}, 'Events delivered to this application’s connections, and throttled by its policies (UTC).'),
                    usageSlot, h('div', {class: 'actions'},
                        h('button', {type: 'button', class: 'secondary small', onclick: refreshUsage}, 'Refresh')))),
            h('div', {class: 'col'},
                keysSection(ctx, data),
                settingsSection(ctx, data, (renamed) => {
                    heading.textContent = renamed.name;
                    crumb.textContent = renamed.name;
                    document.title = `${renamed.name} · Applications · ${ctx.tenant} · Developer Portal`;
                }))));
}

// ---- keys ------------------------------------------------------------------------------------

function keysSection(ctx, data) {
    const box = errorBox();
    const secretSlot = h('div', {});
    return section('Keys',
        h('dl', {class: 'pairs'},
            h('dt', {}, 'Client ID'), h('dd', {}, h('code', {class: 'client-id'}, data.app.clientId), ' ', copyButton(data.app.clientId)),
            h('dt', {}, 'Token endpoint'), h('dd', {}, h('code', {}, `${location.origin}/oauth2/token`))),
        h('p', {class: 'hint'}, 'The client secret was shown when the application was created. A new one replaces it: the old one stops working.'),
        h('div', {class: 'actions'}, confirmButton('Regenerate the client secret', 'The current secret stops working. Go on?', 'Regenerate',
            async () => {
                box.hidden = true;
                const keys = await post(`${app$(data.app.id)}/keys`);
                clear(secretSlot).append(oneTime('New client secret', 'Client secret', keys.clientSecret,
                    'Copy it now: it is not shown again.'));
            }, {onError: (e) => { box.textContent = e.message; box.hidden = false; }})),
        box, secretSlot);
}

// ---- settings --------------------------------------------------------------------------------

function settingsSection(ctx, data, renamed) {
    const box = errorBox();
    const status = statusBox();
    const name = field('Name', h('input', {name: 'name', type: 'text', required: true, maxlength: 100, value: data.app.name}));
    const description = field('Description', h('input', {name: 'description', type: 'text', maxlength: 1000, value: data.app.description}));
    const form = h('form', {class: 'stack', novalidate: true}, name.row, description.row,
        h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Save')), box, status);
    handleSubmit(form, box, async () => {
        status.textContent = '';
        const app = await patch(app$(data.app.id), {name: name.input.value.trim(), description: description.input.value});
        data.app = app;
        renamed(app);
        status.textContent = 'Saved.';
    });
    const deleteBox = errorBox();
    return section('Settings', form,
        h('h3', {}, 'Delete'),
        h('p', {class: 'hint'}, 'Deleting the application cancels its subscriptions and revokes its tokens; its connections are closed.'),
        h('div', {class: 'actions'}, confirmButton('Delete the application', `Delete ${data.app.name}?`, 'Delete',
            async () => {
                await del(app$(data.app.id));
                ctx.state.tokens.delete(data.app.id);
                ctx.navigate('#/applications');
            }, {onError: (e) => { deleteBox.textContent = e.message; deleteBox.hidden = false; }})),
        deleteBox);
}

// ---- subscriptions ---------------------------------------------------------------------------

function subscriptionsSection(ctx, data, changed) {
    const body = h('div', {});
    const render = () => {
        clear(body);
        if (!data.subs.length) {
            body.append(h('p', {class: 'hint'}, 'No subscriptions. ', h('a', {href: '#/'}, 'Subscribe to an API'), '.'));
            return;
        }
        body.append(h('ul', {class: 'rows'}, data.subs.map((s) => subscriptionRow(ctx, data, s, render, changed))),
            h('p', {class: 'hint'}, h('a', {href: '#/'}, 'Subscribe to another API')));
    };
    data.renderSubs = render;
    render();
    return section('Subscriptions', body);
}

function subscriptionRow(ctx, data, sub, render, changed) {
    const api = data.apis.find((a) => a.id === sub.apiId);
    const offered = (api ? api.policies : [sub.policy]).map((n) => data.policies.find((p) => p.name === n)).filter(Boolean);
    const box = errorBox();
    const policy = field('Policy', select({name: 'policy'}, offered.map((p) => [p.name, p.name]), sub.policy));
    const form = h('form', {class: 'inline-form', novalidate: true}, policy.row,
        h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'secondary small'}, 'Change policy')));
    handleSubmit(form, box, async () => {
        const updated = await patch(`/subscriptions/${encodeURIComponent(sub.id)}`, {policy: policy.input.value});
        Object.assign(sub, updated);
        render();
        changed();
    });
    const q = sub.quota || {};
    const used = q.limit === null || q.limit === undefined
        ? `${fmtNumber(q.used)} events in this window (unlimited)`
        : `${fmtNumber(q.used)} of ${fmtNumber(q.limit)} events used until ${fmtTime(q.windowEnd)}`;
    return h('li', {class: 'row wide'},
        h('div', {class: 'row-main'},
            h('p', {class: 'row-title'}, api ? h('a', {href: `#/apis/${encodeURIComponent(api.id)}`}, `${sub.api} ${sub.version}`) : `${sub.api} ${sub.version}`,
                ' ', h('span', {class: 'badge'}, sub.policy)),
            h('p', {class: 'meta'}, `${used} · ${sub.connections} connection${sub.connections === 1 ? '' : 's'} open`)),
        h('div', {class: 'row-actions'}, form,
            confirmButton('Unsubscribe', `Cancel the subscription to ${sub.api}? Its connections close.`, 'Unsubscribe', async () => {
                await del(`/subscriptions/${encodeURIComponent(sub.id)}`);
                data.subs = data.subs.filter((x) => x.id !== sub.id);
                render();
                changed();
            }, {onError: (e) => { box.textContent = e.message; box.hidden = false; }})),
        box);
}

// ---- tokens ----------------------------------------------------------------------------------

function validityChoices(session) {
    const lifetime = session.tokenLifetime || 3600;
    const max = session.maxTokenLifetime || lifetime;
    const values = new Set([300, 900, 3600, 8 * 3600, 86400, 7 * 86400, 30 * 86400, lifetime]);
    return [...values].filter((v) => v <= max).sort((a, b) => a - b).map((v) => [String(v), fmtDuration(v)]);
}

function tokensSection(ctx, data) {
    const session = ctx.state.session || {};
    const box = errorBox();
    const created = h('div', {});
    const list = h('div', {});
    const validity = field('Validity', select({name: 'validity'}, validityChoices(session), String(session.tokenLifetime || 3600)));
    const form = h('form', {class: 'inline-form', novalidate: true}, validity.row,
        h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Generate access token')), box);
    const renderList = () => {
        clear(list);
        if (!data.tokens.length) {
            list.append(h('p', {class: 'hint'}, 'No live tokens.'));
            return;
        }
        list.append(h('ul', {class: 'rows'}, data.tokens.map((t) => {
            const rowBox = errorBox();
            return h('li', {class: 'row', 'data-token': t.id},
                h('div', {class: 'row-main'},
                    h('p', {class: 'row-title'}, h('code', {}, `…${t.id}`), ' ', h('span', {class: 'badge'}, t.grantType === 'password' ? `user ${t.user}` : 'application')),
                    h('p', {class: 'meta'}, `issued ${fmtTime(t.issuedAt)} · expires ${fmtTime(t.expiresAt)} · scopes ${t.scopes.join(' ')}`)),
                h('div', {class: 'row-actions'}, confirmButton('Revoke', 'Revoke this token? Its connections close at once.', 'Revoke', async () => {
                    await del(`${app$(data.app.id)}/tokens/${encodeURIComponent(t.id)}`);
                    data.tokens = data.tokens.filter((x) => x.id !== t.id);
                    const mine = ctx.state.tokens.get(data.app.id);
                    if (mine && mine.id === t.id) ctx.state.tokens.delete(data.app.id);
                    renderList();
                }, {onError: (e) => { rowBox.textContent = e.message; rowBox.hidden = false; }})),
                rowBox);
        })));
    };
    handleSubmit(form, box, async () => {
        const token = await post(`${app$(data.app.id)}/tokens`, {validity: Number(validity.input.value)});
        ctx.state.tokens.set(data.app.id, token);
        clear(created).append(oneTime('New access token', 'Access token', token.accessToken,
            `Valid for ${fmtDuration(token.expiresIn)} (until ${fmtTime(token.expiresAt)}). Copy it now: it is not shown again. The API pages’ “Try it” uses it while this tab is open.`));
        data.tokens = await get(`${app$(data.app.id)}/tokens`);
        renderList();
    });
    renderList();
    return section('Access tokens',
        h('p', {class: 'hint'}, 'A token lets a client connect to the APIs this application is subscribed to (client credentials).'),
        form, created, h('h3', {}, 'Live tokens'), list);
}

// ---- usage -----------------------------------------------------------------------------------

function usageView(usage) {
    if (!usage.subscriptions.length) return h('p', {class: 'hint'}, 'No subscriptions, no usage.');
    const holder = h('div', {class: 'chart-holder'});
    const draw = () => {
        const width = holder.clientWidth || 600;
        clear(holder).append(usageChart(usage, width));
    };
    // Drawn for the width it gets, again when that changes.
    const observer = new ResizeObserver(() => {
        if (!holder.isConnected) { observer.disconnect(); return; }
        if (holder.dataset.width !== String(holder.clientWidth)) {
            holder.dataset.width = String(holder.clientWidth);
            draw();
        }
    });
    observer.observe(holder);
    return h('div', {}, holder, h('details', {}, h('summary', {}, 'Show as a table'),
        h('div', {class: 'table-wrap'}, usageTable(usage))));
}
