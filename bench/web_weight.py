#!/usr/bin/env python3
"""What a first visit of the web app downloads, compressed, as headless Chromium really fetched it.

    bench/web_weight.py BASE_URL [--email E --password P] [--json OUT]

Two cold visits, each in a fresh browser profile (empty HTTP cache, no service worker):
  1. signed out: "/" (which goes on to the login screen);
  2. signed in (the cookie of the given account): "/planning", the week view.
For each, the page's own downloads come from the browser's Navigation and Resource Timing entries
(`encodedBodySize`: the body as it came over the wire, i.e. compressed; `transferSize` adds the
headers). The service worker's script and the files it pre-caches at install are fetched by the
worker, outside the page's timeline: they are listed from the worker's cache and sized by asking the
server with the Accept-Encoding the browser used (found by matching the page's own entries), and
counted apart. The budget (150 KB) is for HTML + JS + CSS + fonts together.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

BUDGET = 150_000
KINDS = {".html": "html", ".js": "js", ".mjs": "js", ".css": "css", ".woff2": "font", ".woff": "font"}


def kind_of(url, initiator=""):
    path = urllib.parse.urlsplit(url).path
    if initiator == "navigation":
        return "html"
    if path.startswith("/api/") or path.startswith("/cal/"):
        return "api"
    ext = os.path.splitext(path)[1]
    return KINDS.get(ext, "other")


def browser():
    profile = tempfile.mkdtemp(prefix="planetude-weight-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--no-first-run", "--window-size=1366,768", f"--user-data-dir={profile}"):
        opts.add_argument(a)
    d = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")), options=opts)
    d.set_script_timeout(60)
    return d, profile


def settle(d, path_check):
    """Waits for the screen, the fonts, the service worker to be active and its install to be over."""
    WebDriverWait(d, 30, 0.05).until(lambda x: x.execute_script(path_check))
    WebDriverWait(d, 30, 0.05).until(lambda x: x.execute_script(
        "return document.readyState === 'complete' && document.fonts.status === 'loaded'"))
    return d.execute_async_script("""
        const done = arguments[arguments.length - 1];
        (async () => {
          const reg = await navigator.serviceWorker.ready;
          while (!reg.active || reg.active.state !== 'activated') await new Promise(r => setTimeout(r, 50));
          const urls = [];
          for (const name of await caches.keys())
            if (name.startsWith('planetude-shell'))
              for (const r of await (await caches.open(name)).keys()) urls.push(r.url);
          return {sw: reg.active.scriptURL, precached: urls};
        })().then(done, e => done({error: String(e)}));""")


def page_entries(d):
    return d.execute_script("""
        return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
          .map(e => ({url: e.name, initiator: e.initiatorType, transfer: e.transferSize,
                      encoded: e.encodedBodySize, decoded: e.decodedBodySize}));""")


def fetch_size(url, encoding, cookie=None):
    headers = {"Accept-Encoding": encoding}
    if cookie:
        headers["Cookie"] = cookie
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
        return len(r.read()), r.headers.get("Content-Encoding") or "identity"


def browser_encoding(entries):
    """The Accept-Encoding the browser sent, found by matching an entry's compressed size."""
    for e in entries:
        if e["url"].endswith(".js") and e["encoded"] and e["encoded"] != e["decoded"]:
            for enc in ("br", "gzip"):
                if fetch_size(e["url"], enc)[0] == e["encoded"]:
                    return enc
    return "gzip"


def visit(base, path, check, cookie=None):
    d, profile = browser()
    try:
        if cookie:
            d.get(base + "/healthz")
            name, value = cookie.split("=", 1)
            d.add_cookie({"name": name, "value": value, "path": "/", "httpOnly": True})
            d.execute_script("performance.clearResourceTimings()")
        d.get(base + path)
        sw = settle(d, check)
        if "error" in sw:
            raise SystemExit(f"service worker: {sw['error']}")
        entries = [e for e in page_entries(d) if not e["url"].endswith("/healthz")]
    finally:
        d.quit()
        shutil.rmtree(profile, ignore_errors=True)
    enc = browser_encoding(entries)
    seen = {e["url"] for e in entries}
    worker = []
    for url in [sw["sw"]] + sorted(set(sw["precached"]) - seen - {sw["sw"]}):
        size, coding = fetch_size(url, enc, cookie)
        worker.append({"url": url, "initiator": "service-worker", "encoded": size, "coding": coding})
    return entries, worker, enc


def totals(rows):
    out = {}
    for r in rows:
        k = kind_of(r["url"], r.get("initiator", ""))
        t = out.setdefault(k, {"files": 0, "bytes": 0})
        t["files"] += 1
        t["bytes"] += r["encoded"]
    return out


def report(title, entries, worker, enc):
    page = totals(entries)
    sw = totals(worker)
    budget_page = sum(page.get(k, {}).get("bytes", 0) for k in ("html", "js", "css", "font"))
    budget_all = budget_page + sum(sw.get(k, {}).get("bytes", 0) for k in ("html", "js", "css", "font"))
    print(f"\n{title} (compressed with {enc}; bytes of bodies as sent)")
    print(f"  {'kind':<6} {'files':>5} {'page':>9}   {'files':>5} {'+ worker':>9}")
    for k in ("html", "css", "js", "font", "other", "api"):
        p, w = page.get(k, {"files": 0, "bytes": 0}), sw.get(k, {"files": 0, "bytes": 0})
        if p["files"] or w["files"]:
            print(f"  {k:<6} {p['files']:>5} {p['bytes']:>9,}   {w['files']:>5} {w['bytes']:>9,}")
    print(f"  HTML+JS+CSS+fonts: page {budget_page:,} B ({budget_page / 1000:.1f} KB), with the service worker's "
          f"pre-cache {budget_all:,} B ({budget_all / 1000:.1f} KB); budget {BUDGET / 1000:.0f} KB")
    for e in sorted(entries + worker, key=lambda r: -r["encoded"]):
        print(f"    {e['encoded']:>8,}  {e.get('initiator', ''):<15} {urllib.parse.urlsplit(e['url']).path}")
    return {"page": page, "worker": worker and sw, "budget_bytes_page": budget_page, "budget_bytes_with_worker": budget_all,
            "encoding": enc, "files": entries + worker}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("--cookie", help="token=... of a signed-in account, for the week view visit")
    ap.add_argument("--json")
    a = ap.parse_args()
    results = {}
    e, w, enc = visit(a.base, "/", "return location.pathname === '/connexion' && !!document.querySelector('main h1')")
    results["signed_out"] = report("First visit, signed out: / → /connexion", e, w, enc)
    if a.cookie:
        e, w, enc = visit(a.base, "/planning", "return location.pathname === '/planning' && "
                          "document.querySelectorAll('[data-testid=session-block]').length > 0", cookie=a.cookie)
        results["week_view"] = report("First visit, signed in: /planning (week view)", e, w, enc)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    worst = max(r["budget_bytes_page"] for r in results.values())
    return 0 if worst <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
