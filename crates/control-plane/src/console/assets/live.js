// Polling for live pages: the VPC is served from a cache, so once a second is cheap and keeps
// every state change visible within 2 s.

import { SignedOut } from "./api.js";
import { h } from "./dom.js";

export const POLL_MS = 1000;

export function signedOut() {
  window.dispatchEvent(new Event("isthmus-signed-out"));
}

/// Calls `tick` every `ms` until the returned function is called. A refused token signs out;
/// other failures are shown by `onError` and retried.
export function every(ms, tick, onError) {
  let timer;
  let stopped = false;
  const run = async () => {
    try {
      await tick();
      onError(null);
    } catch (e) {
      if (e instanceof SignedOut) return signedOut();
      onError(e);
    }
    if (!stopped) timer = setTimeout(run, ms);
  };
  timer = setTimeout(run, ms);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/// A page's error line: shows a failure, and hides again once things work.
export function errorLine() {
  const el = h("p", { class: "error", role: "alert", hidden: true });
  return {
    el,
    show(e, prefix = "") {
      el.hidden = !e;
      el.textContent = e ? `${prefix}${e.message}` : "";
    },
  };
}

/// Keeps a page live: `refresh` every POLL_MS (or `ms`), failures on its error line.
export const keepLive = (refresh, error, ms = POLL_MS) => every(ms, refresh, (e) => error.show(e, "Could not refresh: "));
