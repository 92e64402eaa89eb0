// One connection: its fields, state and message, the next step, and its timeline (every
// transition with its reason), polled until it is gone.

import { get, projectPath, enc } from "./api.js";
import { announce, badge, h, table } from "./dom.js";
import { errorLine, keepLive } from "./live.js";
import { nextStep } from "./guide.js";
import { deleter } from "./create.js";

const dl = (pairs) => h("dl", { class: "fields" }, pairs.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v))));

function details(c) {
  return dl([
    ["State", badge(c.state)],
    ["Message", c.state_info?.message || "—"],
    ["Subscription", h("code", {}, c.peer_cloud_account)],
    ["Resource group", c.peer_resource_group],
    ["VNet", c.peer_vpc],
    ["App id", h("code", {}, c.peer_azure_app_id)],
    ["Tenant id", h("code", {}, c.peer_azure_tenant_id)],
    ["Provider tenant (to-tenant-id)", h("code", {}, c.state_info?.["to-tenant-id"] || "—")],
    ["Provider VNet (to-network-id)", h("code", {}, c.state_info?.["to-network-id"] || "—")],
    ["Extra networks", c.user_peer_network_cidrs.join(", ") || "—"],
    ["Created", c.create_time],
  ]);
}

function timeline(events) {
  return table("Timeline", ["Time", "From", "To", "Reason"], events.map((e) =>
    h("tr", { "data-to": e.to_state },
      h("td", {}, h("time", { datetime: e.time }, e.time)),
      h("td", {}, e.from_state ? badge(e.from_state) : "—"),
      h("td", {}, badge(e.to_state)),
      h("td", {}, e.reason))));
}

export async function connectionPage(main, vpcId, id) {
  const base = projectPath(`/vpcs/${enc(vpcId)}`);
  // Refresh failures clear themselves once a poll works; a failed delete stays until the next one.
  const [error, failed] = [errorLine(), errorLine()];
  const title = h("h1", {}, "Peering connection");
  let body = h("div");
  let shown = null;
  const refresh = async () => {
    const [vpc, events] = await Promise.all([get(base), get(`${base}/peering-connections/${enc(id)}/events`)]);
    const c = vpc.peering_connections.find((x) => x.peering_connection_id === id);
    const key = JSON.stringify([c, events.events]);
    if (key === shown) return;
    if (shown !== null) announce(`The connection is now ${events.state}`);
    shown = key;
    title.textContent = `Peering connection to ${c ? c.peer_vpc : id}`;
    const next = h("div", { id: "connection", "data-state": events.state },
      c ? details(c) : h("p", {}, "This connection is gone: ", badge(events.state)),
      c && nextStep(c, vpcId),
      h("h2", {}, "Timeline"), timeline(events.events),
      c && c.state !== "DELETING" && h("div", { class: "actions" },
        h("button", { type: "button", class: "danger", onclick: () => onDelete(c) }, "Delete this connection")));
    body.replaceWith(next);
    body = next;
  };
  const onDelete = deleter(vpcId, () => refresh(), failed);
  await refresh();
  main.replaceChildren(h("p", {}, h("a", { href: `#/vpc/${enc(vpcId)}` }, "← Back to the VPC")), title, error.el, failed.el, body);
  return keepLive(refresh, error);
}
