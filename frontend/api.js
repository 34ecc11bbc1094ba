// The one way screens talk to the server: JSON over /api, the CSRF header, one error shape.

let csrfToken = null;

// Ask for field errors as codes with parameters (server/api/error_handlers.py), which the
// screens put in the reader's language; plain API clients get English sentences instead.
const ERRORS = "errors=coded";

export function setCsrf(token) {
  csrfToken = token || null;
}

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || (status === 0 ? "network" : "error");
    this.fields = error.fields || {};
  }
}

const listeners = new Set();

/** Called with every ApiError whose status is 401, so the app can send people to sign in. */
export function onUnauthorized(listener) {
  listeners.add(listener);
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, item);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export async function request(method, path, { body, params, form, signal } = {}) {
  const headers = { Accept: "application/json", Prefer: ERRORS };
  if (method !== "GET" && method !== "HEAD" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path + query(params), {
      method, headers, body: payload, credentials: "same-origin", signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, { error: { code: "network", message: "" } });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401) listeners.forEach((listener) => listener(error));
    throw error;
  }
  return data;
}

/** Upload with progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function upload(path, form, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("Prefer", ERRORS);
    if (csrfToken) xhr.setRequestHeader("X-CSRF-Token", csrfToken);
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable && onProgress) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      let data = null;
      try { data = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, data));
    });
    xhr.addEventListener("error", () => reject(new ApiError(0, null)));
    xhr.send(form);
  });
}

export const api = {
  get: (path, params, options = {}) => request("GET", path, { params, ...options }),
  post: (path, body) => request("POST", path, { body }),
  patch: (path, body) => request("PATCH", path, { body }),
  put: (path, body) => request("PUT", path, { body }),
  del: (path) => request("DELETE", path),
};

const cache = new Map();

/** Values that rarely change within a visit (cities), fetched once. */
export function cached(path) {
  if (!cache.has(path)) cache.set(path, api.get(path).catch((error) => { cache.delete(path); throw error; }));
  return cache.get(path);
}

export function forget(path) {
  cache.delete(path);
}
