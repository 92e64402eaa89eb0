// The picture of the network, drawn from the API's data: the project VPC in the middle with its
// services inside, each customer VNet on a circle around it, edges coloured by the connection's
// state. Every edge carries its state as text (and a <title>), so it reads without colour.

import { s } from "./dom.js";

const W = 640;
const H = 440;
const CX = W / 2;
const CY = H / 2;
const VPC_R = 80;
const RING = 175;

function servicesInside(services) {
  return services.slice(0, 4).map((svc, i) =>
    s("g", { class: "service-node", "data-service": svc.service_name },
      s("title", {}, `service ${svc.service_name}: ${svc.state}`),
      s("rect", { class: "service", x: CX - 55, y: CY + 2 + i * 18, width: 110, height: 16, rx: 3 }),
      s("text", { x: CX, y: CY + 14 + i * 18, "text-anchor": "middle" }, `${svc.service_name} ${svc.state}`)));
}

function edge(c, i, n) {
  const a = (2 * Math.PI * i) / n - Math.PI / 2;
  const [x, y] = [CX + RING * Math.cos(a), CY + RING * Math.sin(a)];
  const [x0, y0] = [CX + VPC_R * Math.cos(a), CY + VPC_R * Math.sin(a)];
  const [mx, my] = [(x0 + x) / 2, (y0 + y) / 2];
  const label = `${c.peer_vpc}: ${c.state}`;
  return s("g", { class: "peer", id: `edge-${c.peering_connection_id}`, "data-state": c.state, "data-vnet": c.peer_vpc },
    s("title", {}, `${label}${c.state_info?.message ? ` (${c.state_info.message})` : ""}`),
    s("line", { class: `edge edge-${c.state}`, x1: x0, y1: y0, x2: x, y2: y }),
    s("text", { class: "edge-label", x: mx, y: my - 6, "text-anchor": "middle" }, c.state),
    s("rect", { class: "vnet", x: x - 62, y: y - 20, width: 124, height: 40, rx: 6 }),
    s("text", { x, y: y - 3, "text-anchor": "middle" }, c.peer_vpc),
    s("text", { x, y: y + 13, "text-anchor": "middle" }, c.peer_resource_group));
}

export function picture(vpc, services) {
  const live = vpc.peering_connections;
  const summary = live.length === 0 ? "no peering connections"
    : live.map((c) => `${c.peer_vpc} ${c.state}`).join(", ");
  return s("svg", {
    class: "picture", id: "picture", viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-label": `Project VPC ${vpc.cloud_name} ${vpc.network_cidr}: ${summary}`,
  },
  live.map((c, i) => edge(c, i, live.length)),
  s("g", { class: "vpc-node" },
    s("title", {}, `project VPC ${vpc.cloud_name} ${vpc.network_cidr}: ${vpc.state}`),
    s("circle", { class: "vpc", cx: CX, cy: CY, r: VPC_R }),
    s("text", { x: CX, y: CY - 34, "text-anchor": "middle" }, "project VPC"),
    s("text", { x: CX, y: CY - 18, "text-anchor": "middle" }, `${vpc.cloud_name} ${vpc.network_cidr}`),
    servicesInside(services)));
}
