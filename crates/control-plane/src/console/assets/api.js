// Every piece of data comes from the /v1 API with the signed-in token; the console has no
// back door. The token lives in sessionStorage: gone when the tab closes.

const TOKEN = "isthmus.token";
const PROJECT = "isthmus.project";
const PROJECTS = "isthmus.projects";

export const session = {
  get token() { return sessionStorage.getItem(TOKEN); },
  get project() { return sessionStorage.getItem(PROJECT); },
  /// Every project the user is a member of (the first is shown after sign-in).
  get projects() { return JSON.parse(sessionStorage.getItem(PROJECTS) || "[]"); },
  save(token, projects) {
    sessionStorage.setItem(TOKEN, token);
    sessionStorage.setItem(PROJECTS, JSON.stringify(projects));
    sessionStorage.setItem(PROJECT, projects[0]);
  },
  choose(project) { sessionStorage.setItem(PROJECT, project); },
  clear() {
    for (const k of [TOKEN, PROJECT, PROJECTS]) sessionStorage.removeItem(k);
  },
};

/// Raised when the API refuses the token: the console goes back to the sign-in form.
export class SignedOut extends Error {}

/// The API's answer: status and JSON body. Errors keep Aiven's `{"message", "errors"}` shape.
export async function call(method, path, body, token = session.token) {
  const headers = { accept: "application/json" };
  if (token) headers.authorization = `aivenv1 ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await r.json().catch(() => ({ message: `HTTP ${r.status}` }));
  if (r.status === 403 && json.errors?.[0]?.error_code === "invalid_token") throw new SignedOut(json.message);
  return { status: r.status, ok: r.ok, body: json };
}

/// A call that must succeed; anything else becomes an Error with the API's message.
export async function get(path) {
  const r = await call("GET", path);
  if (!r.ok) throw new Error(r.body.message || `HTTP ${r.status}`);
  return r.body;
}

export const enc = encodeURIComponent;
export const projectPath = (rest = "") => `/v1/project/${enc(session.project)}${rest}`;
