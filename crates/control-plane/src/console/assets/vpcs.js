// The project's VPCs: cloud, network and state, each linking to its page.

import { get, projectPath, session, enc } from "./api.js";
import { badge, h, table } from "./dom.js";
import { errorLine, keepLive, POLL_MS } from "./live.js";

function rows(vpcs) {
  return vpcs.map((v) =>
    h("tr", { "data-vpc": v.project_vpc_id },
      h("td", {}, h("a", { href: `#/vpc/${enc(v.project_vpc_id)}` }, `${v.cloud_name} ${v.network_cidr}`)),
      h("td", {}, v.cloud_name),
      h("td", {}, v.network_cidr),
      h("td", {}, badge(v.state)),
      h("td", {}, h("code", {}, v.project_vpc_id))));
}

export async function vpcList(main) {
  const render = (vpcs) =>
    vpcs.length === 0
      ? h("p", {}, "This project has no VPC yet: create one with isthmus vpc create or avn vpc create.")
      : table("Project VPCs", ["VPC", "Cloud", "Network", "State", "Id"], rows(vpcs));
  let shown = JSON.stringify((await get(projectPath("/vpcs"))).vpcs);
  let body = render(JSON.parse(shown));
  const error = errorLine();
  main.replaceChildren(h("h1", {}, `VPCs of project ${session.project}`), error.el, body);
  return keepLive(async () => {
    const now = JSON.stringify((await get(projectPath("/vpcs"))).vpcs);
    if (now === shown) return;
    shown = now;
    const next = render(JSON.parse(now));
    body.replaceWith(next);
    body = next;
  }, error, POLL_MS * 2);
}
