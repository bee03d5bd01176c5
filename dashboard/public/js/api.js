// The dashboard API as the page uses it: JSON in and out, the CSRF token on state-changing
// requests, and one place that notices an expired session.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let csrfToken;
let onUnauthorized = () => undefined;

export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

export function forgetCsrfToken() {
  csrfToken = undefined;
}

async function token() {
  if (!csrfToken) {
    const res = await fetch('/api/csrf', { credentials: 'same-origin' });
    if (res.status === 401) {
      onUnauthorized();
      throw new ApiError(401, 'not logged in');
    }
    if (!res.ok) throw new ApiError(res.status, 'could not get a CSRF token');
    csrfToken = (await res.json()).token;
  }
  return csrfToken;
}

async function request(method, path, body, retried = false) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && path !== '/api/login') headers['x-csrf-token'] = await token();
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401 && path !== '/api/login') {
    onUnauthorized();
    throw new ApiError(401, 'not logged in');
  }
  // A token from before a new login is refused once; fetch a fresh one and try again.
  if (res.status === 403 && method !== 'GET' && !retried) {
    const text = await res.clone().text();
    if (/csrf/i.test(text)) {
      csrfToken = undefined;
      return request(method, path, body, true);
    }
  }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data?.error ?? data?.message ?? `${method} ${path} answered ${res.status}`);
  return data;
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body) => request('POST', path, body ?? {}),
  put: (path, body) => request('PUT', path, body),
  patch: (path, body) => request('PATCH', path, body),
  del: (path) => request('DELETE', path),
};
