// DOM building without innerHTML: every value from the API is text, never markup.

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);

export const s = (tag, attrs, ...children) =>
  build(document.createElementNS("http://www.w3.org/2000/svg", tag), attrs, children);

export const badge = (state) => h("span", { class: `badge state-${state}` }, state);

/// Tells screen readers (and the test) what changed, without moving focus.
export function announce(text) {
  document.getElementById("announce").textContent = text;
}

export const table = (label, headers, rows) =>
  h("div", { class: "table-wrap" },
    h("table", { "aria-label": label },
      h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows)));
