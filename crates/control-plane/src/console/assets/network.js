// The picture of the network, drawn from the API's data: the project VPC in the middle with its
// services inside, each customer VNet on a circle around it, edges coloured by the connection's
// state. Every edge carries its state as text (and a <title>), so it reads without colour.

import { s } from "./dom.js";

const VPC_R = 90;
const NODE_W = 124;
const NODE_H = 40;
const SHOWN_SERVICES = 3;

/// The ring grows with the number of VNets so that their boxes never overlap.
const ringRadius = (n) => Math.max(180, (n * (NODE_W + 16)) / (2 * Math.PI));

function servicesInside(cx, cy, services) {
  const rows = services.slice(0, SHOWN_SERVICES).map((svc, i) =>
    s("g", { class: "service-node", "data-service": svc.service_name },
      s("title", {}, `service ${svc.service_name}: ${svc.state}`),
      s("rect", { class: "service", x: cx - 55, y: cy + 4 + i * 18, width: 110, height: 16, rx: 3 }),
      s("text", { x: cx, y: cy + 16 + i * 18, "text-anchor": "middle" }, `${svc.service_name} ${svc.state}`)));
  const more = services.length - SHOWN_SERVICES;
  if (more > 0) rows.push(s("text", { x: cx, y: cy + 74, "text-anchor": "middle" }, `+${more} more`));
  return rows;
}

function edge(c, i, n, cx, cy) {
  const a = (2 * Math.PI * i) / n - Math.PI / 2;
  const r = ringRadius(n);
  const [x, y] = [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  const [x0, y0] = [cx + VPC_R * Math.cos(a), cy + VPC_R * Math.sin(a)];
  const [mx, my] = [(x0 + x) / 2, (y0 + y) / 2];
  const label = `${c.peer_vpc}: ${c.state}`;
  return s("g", { class: "peer", id: `edge-${c.peering_connection_id}`, "data-state": c.state, "data-vnet": c.peer_vpc },
    s("title", {}, `${label}${c.state_info?.message ? ` (${c.state_info.message})` : ""}`),
    s("line", { class: `edge edge-${c.state}`, x1: x0, y1: y0, x2: x, y2: y }),
    s("text", { class: "edge-label", x: mx, y: my - 6, "text-anchor": "middle" }, c.state),
    s("rect", { class: "vnet", x: x - NODE_W / 2, y: y - NODE_H / 2, width: NODE_W, height: NODE_H, rx: 6 }),
    s("text", { x, y: y - 3, "text-anchor": "middle" }, c.peer_vpc),
    s("text", { x, y: y + 13, "text-anchor": "middle" }, c.peer_resource_group));
}

export function picture(vpc, services) {
  const live = vpc.peering_connections;
  const r = ringRadius(live.length);
  const [w, h] = [2 * (r + NODE_W / 2 + 8), 2 * (r + NODE_H / 2 + 8)];
  const [cx, cy] = [w / 2, h / 2];
  const summary = live.length === 0 ? "no peering connections"
    : live.map((c) => `${c.peer_vpc} ${c.state}`).join(", ");
  return s("svg", {
    class: "picture", id: "picture", viewBox: `0 0 ${w} ${h}`, role: "img",
    "aria-label": `Project VPC ${vpc.cloud_name} ${vpc.network_cidr}: ${summary}`,
  },
  live.map((c, i) => edge(c, i, live.length, cx, cy)),
  s("g", { class: "vpc-node" },
    s("title", {}, `project VPC ${vpc.cloud_name} ${vpc.network_cidr}: ${vpc.state}`),
    s("circle", { class: "vpc", cx, cy, r: VPC_R }),
    s("text", { x: cx, y: cy - 40, "text-anchor": "middle" }, "project VPC"),
    s("text", { x: cx, y: cy - 22, "text-anchor": "middle" }, vpc.cloud_name),
    s("text", { x: cx, y: cy - 6, "text-anchor": "middle" }, vpc.network_cidr),
    servicesInside(cx, cy, services)));
}
