// The emulator's state page: asks for the admin key, reads GET /_emulator/state with it (the
// page itself is public and holds no data) and shows tenants, identities, networks, peerings and
// role assignments as tables. Hashes of secrets and passwords are never rendered.

const KEY = "emulator.adminKey";
const $ = (id) => document.getElementById(id);

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

function section(title, headers, rows) {
  return [
    h("h2", {}, `${title} (${rows.length})`),
    h("div", { class: "wrap" }, h("table", { "aria-label": title },
      h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c))))))),
  ];
}

const code = (t) => h("code", {}, t);

function render(st, builtins) {
  const vals = (m) => Object.values(m || {});
  const tenant = new Map(vals(st.tenants).map((t) => [t.id, t.display_name]));
  const principal = new Map([
    ...vals(st.users).map((u) => [u.id, u.user_principal_name]),
    ...vals(st.service_principals).map((p) => [p.id, `${p.display_name} (service principal)`]),
  ]);
  const roles = new Map([...Object.entries(builtins), ...vals(st.role_definitions).map((r) => [r.id, r.role_name])]);
  const vnetId = (v) => `/subscriptions/${v.subscription}/resourceGroups/${v.resource_group}/providers/Microsoft.Network/virtualNetworks/${v.name}`;
  const vnets = vals(st.virtual_networks);
  return [
    ...section("Tenants", ["Name", "Id", "Domain"], vals(st.tenants).map((t) => [t.display_name, code(t.id), t.default_domain])),
    ...section("Users", ["User", "Tenant", "Directory roles"], vals(st.users).map((u) =>
      [u.user_principal_name, tenant.get(u.tenant_id) || u.tenant_id, (u.directory_roles || []).join(", ")])),
    ...section("Applications", ["Name", "App id", "Tenant", "Audience", "Secrets"], vals(st.applications).map((a) =>
      [a.display_name, code(a.app_id), tenant.get(a.tenant_id) || a.tenant_id, a.sign_in_audience,
        String((a.password_credentials || []).length)])),
    ...section("Service principals", ["Name", "App id", "In tenant", "App's home tenant"], vals(st.service_principals).map((p) =>
      [p.display_name, code(p.app_id), tenant.get(p.tenant_id) || p.tenant_id, tenant.get(p.app_owner_tenant_id) || p.app_owner_tenant_id])),
    ...section("Subscriptions", ["Name", "Id", "Tenant"], vals(st.subscriptions).map((s) =>
      [s.display_name, code(s.id), tenant.get(s.tenant_id) || s.tenant_id])),
    ...section("Virtual networks", ["VNet", "Resource group", "Subscription", "Location", "Address space", "Subnets"], vnets.map((v) =>
      [v.vnet.name, v.vnet.resource_group, code(v.vnet.subscription), v.location, v.address_prefixes.join(", "),
        (v.subnets || []).map((s) => `${s.name} ${s.address_prefix}`).join(", ")])),
    ...section("Peerings", ["VNet", "Peering", "Remote VNet", "State", "VNet access"], vnets.flatMap((v) =>
      (v.peerings || []).map((p) => [v.vnet.name, p.name, code(vnetId(p.remote)),
        h("span", { class: p.state }, p.state), p.flags.allow_virtual_network_access ? "allowed" : "blocked"]))),
    ...section("Role assignments", ["Role", "Principal", "Scope", "Effective at"], vals(st.role_assignments).map((r) =>
      [roles.get(r.role_definition_id) || r.role_definition_id, principal.get(r.principal_id) || r.principal_id,
        code(r.scope), r.effective_at])),
  ];
}

async function show(key) {
  const r = await fetch("/_emulator/state", { headers: { "x-emulator-admin-key": key } });
  if (!r.ok) {
    sessionStorage.removeItem(KEY);
    $("key-error").textContent = `The emulator refused the admin key (HTTP ${r.status}).`;
    $("key-error").hidden = false;
    $("state").replaceChildren();
    return false;
  }
  const builtins = await (await fetch("/_emulator/console/builtin-roles.json")).json();
  $("key-error").hidden = true;
  $("state").replaceChildren(...render(await r.json(), builtins));
  return true;
}

$("key-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const key = $("admin-key").value.trim();
  if (await show(key)) sessionStorage.setItem(KEY, key);
});
const saved = sessionStorage.getItem(KEY);
if (saved) show(saved);
