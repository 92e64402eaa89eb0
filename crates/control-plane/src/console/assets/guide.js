// What the customer does next, with the connection's own values filled in: the guide's steps
// 13-15 (README, "The guide, walked against isthmus up") while the connection is PENDING_PEER.

import { h } from "./dom.js";

export function commands(c, vpcId) {
  const info = c.state_info || {};
  const login = (tenant) =>
    `az login --service-principal -u ${c.peer_azure_app_id} -p <your app's secret> --tenant ${tenant}`;
  return [
    "# 13-14: sign your app in to your tenant and to the provider's",
    login(c.peer_azure_tenant_id),
    login(info["to-tenant-id"]),
    "# 15: create your side of the peering",
    `az network vnet peering create --name to-provider --remote-vnet ${info["to-network-id"]} ` +
      `--vnet-name ${c.peer_vpc} --resource-group ${c.peer_resource_group} ` +
      `--subscription ${c.peer_cloud_account} --allow-vnet-access`,
    "# then ask the control plane to look at once (or wait for its next check)",
    `isthmus vpc peering-connection refresh --project-vpc-id ${vpcId}`,
  ].join("\n");
}

const FAILED = ["INVALID_SPECIFICATION", "REJECTED_BY_PEER", "DELETED_BY_PEER", "ERROR"];

/// The next step for one connection, or null when there is nothing to do.
export function nextStep(c, vpcId) {
  const id = `next-${c.peering_connection_id}`;
  if (c.state === "PENDING_PEER" && c.state_info?.["to-network-id"]) {
    return h("section", { class: "card next-step", id, "data-connection": c.peering_connection_id },
      h("h3", {}, `Next step for ${c.peer_vpc}: create your side of the peering`),
      h("p", {}, "Run these with the Azure CLI, as the app you registered for the peering:"),
      h("pre", { class: "commands", tabindex: 0, "aria-label": `Commands for ${c.peer_vpc}` }, commands(c, vpcId)));
  }
  if (FAILED.includes(c.state)) {
    return h("section", { class: "card next-step", id, "data-connection": c.peering_connection_id },
      h("h3", {}, `Next step for ${c.peer_vpc}: fix the step named below`),
      h("p", {}, c.state_info?.message || c.state),
      h("p", { class: "hint" }, "Then delete this connection and create it again."));
  }
  if (c.state === "APPROVED") {
    return h("p", { class: "hint next-step", id },
      `${c.peer_vpc}: the provider's side is being built; this page updates by itself.`);
  }
  return null;
}
