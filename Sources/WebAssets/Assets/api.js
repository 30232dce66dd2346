// The documented JSON API (openapi.yaml), as the signed-in page calls it: the session cookie goes along by
// itself, and every change carries the CSRF token the sign-in answered with. The page never holds a key.

let csrfToken = null;

/** An error the API answered: its HTTP status, its `error.code` and message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function setCsrfToken(token) {
  csrfToken = token;
}

/** Calls the API; answers the decoded JSON (null for 204). `signal` cancels it. */
export async function api(method, path, body, { signal } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && method !== "HEAD" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
    signal,
  });
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = json && json.error ? json.error : { code: "http_error", message: `HTTP ${response.status}` };
    if (response.status === 401 && path !== "/v1/sign-in") window.dispatchEvent(new CustomEvent("replykit:signed-out"));
    throw new ApiError(response.status, error.code, error.message);
  }
  return json;
}

/** A query string from an object, leaving out empty values. */
export function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, value);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
