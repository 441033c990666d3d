// DOM helpers: every element is built with these, text always goes in as text (never as HTML),
// so nothing an API returns can inject markup or script.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
    for (const [key, value] of Object.entries(attrs || {})) {
        if (value === undefined || value === null || value === false) continue;
        if (key.startsWith('on') && typeof value === 'function') {
            el.addEventListener(key.slice(2).toLowerCase(), value);
        } else if (key === 'class') {
            el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
        } else if (key === 'for') {
            el.setAttribute('for', value);
        } else if (key === 'value' && 'value' in el) {
            el.value = value;
        } else if (key === 'checked' || key === 'selected' || key === 'disabled') {
            el[key] = Boolean(value);
        } else {
            el.setAttribute(key, value === true ? '' : String(value));
        }
    }
    append(el, children);
    return el;
}

export function append(el, children) {
    for (const child of children.flat(Infinity)) {
        if (child === undefined || child === null || child === false) continue;
        el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
}

// h('p', {class: 'note'}, 'text', h('code', {}, 'x'))
export function h(tag, attrs, ...children) {
    return build(document.createElement(tag), attrs, children);
}

export function svg(tag, attrs, ...children) {
    return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function clear(el) {
    while (el.firstChild) el.firstChild.remove();
    return el;
}

let nextId = 0;
// A unique id for label/aria wiring.
export function uid(prefix) {
    nextId += 1;
    return `${prefix}-${nextId}`;
}

// A labelled form field: returns {row, input}. `hint` becomes the input's description.
export function field(label, input, hint) {
    const id = input.id || uid('f');
    input.id = id;
    const hintEl = hint ? h('p', {class: 'hint', id: `${id}-hint`}, hint) : null;
    const errorEl = h('p', {class: 'field-error', id: `${id}-error`, hidden: true});
    const describedBy = [hintEl ? hintEl.id : null].filter(Boolean).join(' ');
    if (describedBy) input.setAttribute('aria-describedby', describedBy);
    const row = h('div', {class: 'field'}, h('label', {for: id}, label), input, hintEl, errorEl);
    return {row, input};
}

// A select of [value, text] pairs.
export function select(attrs, options, chosen) {
    return h('select', attrs, options.map(([value, text]) =>
        h('option', {value, selected: value === chosen}, text)));
}

export function fmtNumber(n) {
    return Number(n || 0).toLocaleString('en');
}

export function fmtTime(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return d.toLocaleString('en-GB', {
        year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
    });
}

// "1 hour", "7 days", "90 seconds"
export function fmtDuration(seconds) {
    const units = [[86400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];
    for (const [size, name] of units) {
        if (seconds >= size && seconds % size === 0) {
            const n = seconds / size;
            return `${n} ${name}${n === 1 ? '' : 's'}`;
        }
    }
    return `${seconds} seconds`;
}
