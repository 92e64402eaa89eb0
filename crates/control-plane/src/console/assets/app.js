// The console's shell: hash routes, sign-out, and one live page at a time (leaving a page stops
// its polling).

import { session, SignedOut } from "./api.js";
import { h } from "./dom.js";
import { signIn } from "./signin.js";
import { vpcList } from "./vpcs.js";
import { vpcPage } from "./vpc.js";
import { connectionPage } from "./connection.js";

let stop = () => {};

/// The project shown, and a choice of project for a user in several.
function header() {
  const who = document.getElementById("who");
  document.getElementById("signout").hidden = !session.token;
  const projects = session.token ? session.projects : [];
  if (projects.length < 2) {
    who.textContent = session.token && session.project ? `project ${session.project}` : "";
    return;
  }
  const select = h("select", { id: "project" }, projects.map((p) => h("option", { selected: p === session.project }, p)));
  select.addEventListener("change", () => {
    session.choose(select.value);
    if (location.hash === "#/vpcs") route();
    else location.hash = "#/vpcs";
  });
  who.replaceChildren(h("label", { for: "project" }, "Project "), select);
}

function page(parts) {
  if (parts[0] === "vpc" && parts[1] && parts[2] === "connection" && parts[3]) return connectionPage;
  if (parts[0] === "vpc" && parts[1]) return vpcPage;
  return vpcList;
}

async function route() {
  stop();
  stop = () => {};
  header();
  const main = document.getElementById("main");
  if (!session.token) {
    signIn(main, () => {
      header();
      if (location.hash === "#/vpcs") route();
      else location.hash = "#/vpcs";
    });
    return;
  }
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  try {
    stop = await page(parts)(main, parts[1], parts[3]);
  } catch (e) {
    if (e instanceof SignedOut) {
      session.clear();
      return route();
    }
    main.replaceChildren(h("h1", {}, "Could not load this page"), h("p", { class: "error", role: "alert" }, e.message));
  }
}

// Any call the API refuses for its token signs the console out (see live.js).
window.addEventListener("isthmus-signed-out", () => {
  session.clear();
  route();
});
document.getElementById("signout").addEventListener("click", () => {
  session.clear();
  location.hash = "#/vpcs";
  route();
});
window.addEventListener("hashchange", async () => {
  await route();
  document.getElementById("main").focus();
});
route();
