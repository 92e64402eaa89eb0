// The create form: sends what the user typed and shows the API's own validation message next to
// the field it names (the API is the one place the rules live).

import { call, projectPath, enc } from "./api.js";
import { h, announce } from "./dom.js";

const FIELDS = [
  ["peer_cloud_account", "Subscription id", "The customer's Azure subscription (a GUID)."],
  ["peer_resource_group", "Resource group", "The customer VNet's resource group."],
  ["peer_vpc", "VNet name", "The customer VNet to peer with."],
  ["peer_azure_app_id", "App (client) id", "The multi-tenant app registered for the peering."],
  ["peer_azure_tenant_id", "Tenant id", "The customer's Azure AD tenant."],
  ["user_peer_network_cidrs", "Extra networks (optional)", "CIDRs routed through the peering, comma-separated."],
];

function body(form) {
  const out = {};
  for (const [name] of FIELDS) out[name] = form.elements[name].value.trim();
  out.user_peer_network_cidrs = out.user_peer_network_cidrs
    ? out.user_peer_network_cidrs.split(",").map((c) => c.trim()).filter(Boolean) : [];
  return out;
}

export function createForm(vpcId, created) {
  const error = h("p", { id: "create-error", class: "error", role: "alert", hidden: true });
  const form = h("form", { class: "card", id: "create-connection", "aria-labelledby": "create-title", novalidate: true },
    h("h2", { id: "create-title" }, "New peering connection"),
    h("div", { class: "fields" }, FIELDS.map(([name, label, hint]) =>
      h("div", {},
        h("label", { for: `f-${name}` }, label),
        h("input", { id: `f-${name}`, name, type: "text", autocomplete: "off", "aria-describedby": `h-${name}` }),
        h("span", { class: "hint", id: `h-${name}` }, hint)))),
    error,
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Create connection")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    for (const i of form.querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
    const req = body(form);
    const r = await call("POST", projectPath(`/vpcs/${enc(vpcId)}/peering-connections`), req);
    if (r.ok) {
      error.hidden = true;
      form.reset();
      announce(`Created the connection to ${r.body.peer_vpc}: ${r.body.state}`);
      created(r.body);
      return;
    }
    error.textContent = r.body.message;
    error.hidden = false;
    const input = form.elements[r.body.errors?.[0]?.field];
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  });
  return form;
}

/// Deletes a connection by its VNet, after the user confirms.
export async function remove(vpcId, c) {
  if (!window.confirm(`Delete the peering connection to ${c.peer_vpc}? Its peering will be removed from Azure.`)) {
    return false;
  }
  const path = `/vpcs/${enc(vpcId)}/peering-connections/peer-accounts/${enc(c.peer_cloud_account)}` +
    `/peer-resource-groups/${enc(c.peer_resource_group)}/peer-vpcs/${enc(c.peer_vpc)}`;
  const r = await call("DELETE", projectPath(path));
  if (!r.ok) throw new Error(r.body.message);
  announce(`Deleting the connection to ${c.peer_vpc}`);
  return true;
}

/// A delete button's action: remove, then redraw at once; a failure goes to the page's error line.
export const deleter = (vpcId, refresh, error) => async (c) => {
  try {
    if (await remove(vpcId, c)) {
      error.show(null);
      await refresh();
    }
  } catch (e) {
    error.show(e);
  }
};
