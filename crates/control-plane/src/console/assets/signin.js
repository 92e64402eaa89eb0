// Sign-in: the project's API token, or a user's email and password exchanged for a token by
// POST /v1/userauth. Either way the token is checked by listing the caller's projects.

import { call, session, SignedOut } from "./api.js";
import { h } from "./dom.js";

async function projectsOf(token) {
  try {
    const r = await call("GET", "/v1/project", undefined, token);
    if (!r.ok) throw new Error(r.body.message);
    return r.body.projects.map((p) => p.project_name);
  } catch (e) {
    if (e instanceof SignedOut) throw new Error(`The API refused the token: ${e.message}`);
    throw e;
  }
}

async function tokenFor(form) {
  const token = form.token.value.trim();
  if (token) return token;
  const email = form.email.value.trim();
  if (!email) throw new Error("Enter an API token, or an email and password.");
  const r = await call("POST", "/v1/userauth", { email, password: form.password.value }, null);
  if (!r.ok) throw new Error(r.body.message);
  return r.body.token;
}

const field = (id, label, type, autocomplete) =>
  h("div", {}, h("label", { for: id }, label), h("input", { id, name: id, type, autocomplete }));

export function signIn(main, done) {
  const error = h("p", { id: "signin-error", class: "error", role: "alert", hidden: true });
  const form = h("form", { class: "card", id: "signin", "aria-describedby": "signin-error" },
    h("h2", {}, "With the project's API token"),
    field("token", "API token", "password", "off"),
    h("p", { class: "hint" }, "isthmus up writes it to .isthmus/env.sh (AIVEN_AUTH_TOKEN) and world.json (project.token)."),
    h("h2", {}, "Or with your email and password"),
    h("div", { class: "fields" }, field("email", "Email", "email", "username"),
      field("password", "Password", "password", "current-password")),
    error,
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Sign in")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    try {
      const token = await tokenFor(form);
      const projects = await projectsOf(token);
      if (projects.length === 0) throw new Error("This user is a member of no project.");
      session.save(token, projects);
      done();
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
      error.focus?.();
    }
  });
  main.replaceChildren(h("h1", {}, "Sign in"), form);
  form.token.focus();
}
