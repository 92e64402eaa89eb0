#!/usr/bin/env python3
"""A person at a browser, for `az login` without --use-device-code: az runs `$BROWSER <authorize URL>`.

It opens the URL, fills the sign-in form with ISTHMUS_SIGN_IN_USER and ISTHMUS_SIGN_IN_PASSWORD,
submits it, and submits the page that comes back (the form_post of `code` and `state`) to az's
loopback listener, as a browser's script would. Python's webbrowser waits for the browser command to
exit before az starts listening, so this forks: the parent returns at once, the child does the work
and logs to ISTHMUS_BROWSER_LOG (if set). TLS trusts REQUESTS_CA_BUNDLE, which az's environment has.
"""

import html.parser
import os
import ssl
import sys
import traceback
import urllib.parse
import urllib.request


class Forms(html.parser.HTMLParser):
    """Every form of a page: its action and its inputs' names and values."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def forms_of(page):
    parser = Forms()
    parser.feed(page)
    return parser.forms


def open_url(opener, url, fields=None):
    data = urllib.parse.urlencode(fields).encode() if fields is not None else None
    with opener.open(urllib.request.Request(url, data=data), timeout=30) as resp:
        return resp.geturl(), resp.read().decode()


def sign_in(url):
    ca = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE")
    https = urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca))
    # The emulator and az's listener are both on loopback: no proxy, whatever the environment says.
    opener = urllib.request.build_opener(https, urllib.request.ProxyHandler({}))
    at, page = open_url(opener, url)
    form = forms_of(page)[0]
    fields = dict(form["fields"])
    fields["username"] = os.environ["ISTHMUS_SIGN_IN_USER"]
    fields["password"] = os.environ["ISTHMUS_SIGN_IN_PASSWORD"]
    at, page = open_url(opener, urllib.parse.urljoin(at, form["action"]), fields)
    forms = forms_of(page)
    if not forms or "code" not in forms[0]["fields"] and "error" not in forms[0]["fields"]:
        raise RuntimeError(f"signing in did not work; the page says:\n{page}")
    # The form_post page: what the browser's script would submit to az.
    open_url(opener, urllib.parse.urljoin(at, forms[0]["action"]), forms[0]["fields"])
    print("signed in and handed the code to", forms[0]["action"])


def main():
    url = sys.argv[1]
    if os.fork():
        return 0
    os.setsid()
    log = os.environ.get("ISTHMUS_BROWSER_LOG", os.devnull)
    with open(log, "a") as out:
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
        try:
            sign_in(url)
        except Exception:
            traceback.print_exc()
            os._exit(1)
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
