// A project VPC: the picture, its connections with their state and message, the next step for
// each, its services, and the create form. Polled once a second; parts are redrawn only when
// what they show has changed, so focus and typing are not disturbed.

import { get, projectPath, enc } from "./api.js";
import { announce, badge, h, table } from "./dom.js";
import { errorLine, keepLive } from "./live.js";
import { picture } from "./network.js";
import { nextStep } from "./guide.js";
import { createForm, deleter } from "./create.js";
import { serviceRows } from "./services.js";

function connectionRows(vpcId, conns, onDelete) {
  return conns.map((c) =>
    h("tr", { "data-connection": c.peering_connection_id, "data-state": c.state },
      h("td", {}, h("a", { href: `#/vpc/${enc(vpcId)}/connection/${enc(c.peering_connection_id)}` }, c.peer_vpc)),
      h("td", {}, c.peer_resource_group, h("br"), h("code", {}, c.peer_cloud_account)),
      h("td", {}, badge(c.state)),
      h("td", {}, c.state_info?.message || "",
        (c.state_info?.warnings || []).map((w) => h("p", { class: "hint" }, `Warning: ${w.message}`))),
      h("td", {}, c.state === "DELETING" ? "" :
        h("button", { type: "button", class: "danger", "aria-label": `Delete the connection to ${c.peer_vpc}`,
          onclick: () => onDelete(c) }, "Delete"))));
}

/// One redrawable part of the page: replaced when its key (what it shows) changes.
function part(initial) {
  let el = initial;
  let key = null;
  return {
    get el() { return el; },
    show(newKey, draw) {
      if (newKey === key) return;
      key = newKey;
      const next = draw();
      el.replaceWith(next);
      el = next;
    },
  };
}

function announceChanges(before, after) {
  const was = new Map(before.map((c) => [c.peering_connection_id, c.state]));
  const changes = after.filter((c) => was.has(c.peering_connection_id) && was.get(c.peering_connection_id) !== c.state);
  if (changes.length) announce(changes.map((c) => `${c.peer_vpc} is now ${c.state}`).join("; "));
}

export async function vpcPage(main, vpcId) {
  // Refresh failures clear themselves once a poll works; a failed delete stays until the next one.
  const [error, failed] = [errorLine(), errorLine()];
  const [heading, pic, conns, steps, svcs] = [1, 2, 3, 4, 5].map(() => part(h("div")));
  let last = [];
  const refresh = async () => {
    const [vpc, services] = await Promise.all([
      get(projectPath(`/vpcs/${enc(vpcId)}`)),
      get(projectPath("/service")).then((r) => r.services.filter((s) => s.project_vpc_id === vpcId)),
    ]);
    announceChanges(last, vpc.peering_connections);
    last = vpc.peering_connections;
    const live = JSON.stringify([vpc.state, vpc.peering_connections, services.map((s) => [s.service_name, s.state])]);
    heading.show(vpc.state, () => h("p", {}, `${vpc.cloud_name}, network ${vpc.network_cidr}, id `,
      h("code", {}, vpc.project_vpc_id), " ", badge(vpc.state)));
    pic.show(live, () => picture(vpc, services));
    conns.show(JSON.stringify(vpc.peering_connections), () => vpc.peering_connections.length === 0
      ? h("p", { id: "connections" }, "No peering connections yet.")
      : h("div", { id: "connections" }, table("Peering connections",
        ["Customer VNet", "Resource group and subscription", "State", "Message", "Actions"],
        connectionRows(vpcId, vpc.peering_connections, onDelete))));
    steps.show(JSON.stringify(vpc.peering_connections), () => {
      const todo = vpc.peering_connections.map((c) => nextStep(c, vpcId)).filter(Boolean);
      return h("div", { id: "next-steps" }, todo.length ? todo : h("p", {}, "Nothing to do."));
    });
    svcs.show(JSON.stringify(services), () => services.length === 0
      ? h("p", { id: "services" }, "No services in this VPC.")
      : h("div", { id: "services" }, table("Services", ["Service", "Type and plan", "State", "Private URI"],
        serviceRows(services))));
  };
  const onDelete = deleter(vpcId, () => refresh(), failed);
  await refresh();
  main.replaceChildren(
    h("p", {}, h("a", { href: "#/vpcs" }, "← All VPCs")),
    h("h1", {}, "Project VPC"), heading.el, error.el, failed.el,
    h("div", { class: "overview" },
      h("section", {}, h("h2", {}, "Network"), pic.el),
      h("section", {}, h("h2", {}, "Next steps"), steps.el)),
    h("h2", {}, "Peering connections"), conns.el,
    h("h2", {}, "Services"), svcs.el,
    createForm(vpcId, () => refresh().catch(() => {})));
  return keepLive(refresh, error);
}
