// The services running in a VPC, with their private URI (the password hidden until asked for).

import { badge, h } from "./dom.js";

const masked = (uri) => uri.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:••••@");

export function serviceRows(services) {
  return services.map((svc) =>
    h("tr", { "data-service": svc.service_name },
      h("td", {}, svc.service_name),
      h("td", {}, `${svc.service_type} ${svc.plan}`),
      h("td", {}, badge(svc.state),
        (svc.service_notifications || []).map((n) => h("p", { class: "hint" }, n.message))),
      h("td", {}, svc.service_uri
        ? h("details", {}, h("summary", {}, h("code", {}, masked(svc.service_uri))), h("code", {}, svc.service_uri))
        : "not yet (no server)")));
}
