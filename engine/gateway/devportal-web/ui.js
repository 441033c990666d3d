// Shared pieces of the pages: forms that show the API's errors where they happened, copy
// buttons, confirmations, one-time secrets.
import {h, clear, uid} from './dom.js';

// The message area of a form (or a section): errors go here, as an alert.
export function errorBox() {
    return h('p', {class: 'error', role: 'alert', hidden: true});
}

export function statusBox() {
    return h('p', {class: 'status', role: 'status', 'aria-live': 'polite'});
}

function clearFieldErrors(form) {
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const el of form.querySelectorAll('.field-error')) {
        el.hidden = true;
        el.textContent = '';
    }
    for (const input of form.querySelectorAll('input, select, textarea')) {
        const ids = (input.getAttribute('aria-describedby') || '').split(' ')
            .filter((x) => x && !x.endsWith('-error'));
        if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
        else input.removeAttribute('aria-describedby');
    }
}

// Shows an API error in the form's error box, and next to the field it names (if the form has
// it), which gets focus.
export function showError(form, box, error) {
    clearFieldErrors(form);
    const message = error.message || String(error);
    const input = error.field ? form.querySelector(`[name="${CSS.escape(error.field)}"]`) : null;
    if (input) {
        input.setAttribute('aria-invalid', 'true');
        const fieldError = document.getElementById(`${input.id}-error`);
        if (fieldError) {
            fieldError.textContent = message;
            fieldError.hidden = false;
            const ids = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
            input.setAttribute('aria-describedby', [...ids, fieldError.id].join(' '));
            box.hidden = true;
            input.focus();
            return;
        }
    }
    box.textContent = message;
    box.hidden = false;
}

// Wires a form: on submit, runs `action(form)`; the button is busy meanwhile, errors are shown in
// the box (and next to their field). Returns the form.
export function handleSubmit(form, box, action) {
    form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const buttons = form.querySelectorAll('button');
        buttons.forEach((b) => { b.disabled = true; });
        form.setAttribute('aria-busy', 'true');
        clearFieldErrors(form);
        box.hidden = true;
        try {
            await action(form);
        } catch (error) {
            if (error.handled) return; // the sign-in page took over
            showError(form, box, error);
        } finally {
            buttons.forEach((b) => { b.disabled = false; });
            form.removeAttribute('aria-busy');
        }
    });
    return form;
}

// A button that copies text; says so in a live region.
export function copyButton(getText, label = 'Copy') {
    const status = h('span', {class: 'copied', role: 'status', 'aria-live': 'polite'});
    const button = h('button', {type: 'button', class: 'secondary small', onclick: async () => {
        const text = typeof getText === 'function' ? getText() : getText;
        try {
            await navigator.clipboard.writeText(text);
            status.textContent = 'Copied';
        } catch {
            status.textContent = 'Select the text and press Ctrl+C';
        }
        setTimeout(() => { status.textContent = ''; }, 4000);
    }}, label);
    return h('span', {class: 'copy'}, button, status);
}

// A value shown once (a client secret, an access token): copy it now.
export function oneTime(title, label, value, note) {
    const id = uid('secret');
    return h('div', {class: 'once', role: 'region', 'aria-labelledby': id},
        h('h3', {id}, title),
        h('p', {class: 'hint'}, note),
        h('div', {class: 'secret-row'},
            h('code', {class: 'secret', 'aria-label': label}, value),
            copyButton(value)));
}

// A button that asks first: the question and a confirm/cancel pair appear in place.
export function confirmButton(label, question, confirmLabel, action, {danger = true, onError} = {}) {
    const holder = h('span', {class: 'confirm'});
    const start = h('button', {type: 'button', class: danger ? 'danger' : 'secondary'}, label);
    const render = () => {
        clear(holder);
        holder.append(start);
    };
    start.addEventListener('click', () => {
        clear(holder);
        const yes = h('button', {type: 'button', class: danger ? 'danger' : 'primary', onclick: async () => {
            yes.disabled = true;
            try {
                await action();
            } catch (error) {
                if (onError && !error.handled) onError(error);
            } finally {
                if (holder.isConnected) render();
            }
        }}, confirmLabel);
        const no = h('button', {type: 'button', class: 'secondary', onclick: () => { render(); start.focus(); }}, 'Cancel');
        holder.append(h('span', {class: 'question'}, question), ' ', yes, ' ', no);
        no.focus();
    });
    render();
    return holder;
}

export function section(title, ...children) {
    const id = uid('s');
    return h('section', {class: 'card', 'aria-labelledby': id}, h('h2', {id}, title), ...children);
}

export function loading(text = 'Loading…') {
    return h('p', {class: 'loading', role: 'status'}, text);
}

// An error of a whole page (not of a form).
export function pageError(error) {
    return h('div', {class: 'card'}, h('p', {class: 'error', role: 'alert'}, error.message || String(error)));
}
