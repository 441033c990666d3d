// The developer REST API (/api/v1), as the portal calls it: JSON in and out, the session cookie
// sent by the browser (HttpOnly: this script never sees it), and the session's CSRF token in
// X-CSRF-Token on every change. The CSRF token lives in this module's memory only.

let csrfToken = null;
let unauthorizedHandler = null;

export function setCsrfToken(token) {
    csrfToken = token || null;
}

// Called when a signed-in call gets 401: the session expired or ended.
export function onUnauthorized(handler) {
    unauthorizedHandler = handler;
}

export class ApiError extends Error {
    constructor(status, body) {
        super((body && body.message) || `the gateway answered ${status}`);
        this.status = status;
        this.code = (body && body.error) || 'error';
        this.field = (body && body.field) || '';
        this.retryAfter = (body && body.retryAfter) || 0;
        this.handled = false;
    }
}

export async function api(method, path, body, {quiet = false} = {}) {
    const headers = {'Accept': 'application/json', 'X-Requested-With': 'rivulet-devportal'};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
    let response;
    try {
        response = await fetch(`/api/v1${path}`, {
            method,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
            credentials: 'same-origin',
            cache: 'no-store',
            redirect: 'error',
        });
    } catch (e) {
        throw new ApiError(0, {error: 'network', message: `The gateway cannot be reached (${e.message}).`});
    }
    if (response.status === 204) return null;
    const text = await response.text();
    let data = null;
    if (text) {
        try {
            data = JSON.parse(text);
        } catch {
            data = {error: 'bad_response', message: text.slice(0, 200)};
        }
    }
    if (!response.ok) {
        const error = new ApiError(response.status, data);
        // A signed-in call refused: the handler takes the user back to sign in, and the error is
        // marked as handled (not to be shown where it happened).
        if (response.status === 401 && !quiet && unauthorizedHandler) error.handled = unauthorizedHandler(error) === true;
        throw error;
    }
    return data;
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body, options) => api('POST', path, body === undefined ? {} : body, options);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);
