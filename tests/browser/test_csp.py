"""The pages carry a Content-Security-Policy that allows nothing but the app's own files, and the app
runs under it without a single violation (every browser of this suite also fails its test on any
CSP report in its log: see conftest.browsers)."""
import re

import requests

import ui
from conftest import PASSWORD, register_via_api


def policy(value):
    out = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


def test_pages_and_assets_have_a_strict_policy(app):
    """The page, client routes, the assets and the service worker, as the binary serves them."""
    base = app.server.url
    index = requests.get(base + "/", timeout=30)
    assert index.status_code == 200 and "text/html" in index.headers["Content-Type"], index.status_code
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', index.text)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets), assets
    for path in ["/", "/planning", "/coach", "/reglages", "/sw.js"] + assets:
        r = requests.get(base + path, timeout=30)
        assert r.status_code == 200, (path, r.status_code)
        csp = r.headers.get("Content-Security-Policy")
        assert csp, f"{path}: no Content-Security-Policy"
        p = policy(csp)
        for directive in ("script-src", "style-src"):
            sources = p.get(directive, p.get("default-src"))
            assert sources == ["'self'"], f"{path}: {directive} {sources}"
        assert p.get("object-src") == ["'none'"] and p.get("frame-ancestors") == ["'none'"], f"{path}: {csp}"
        assert p.get("base-uri") == ["'none'"], f"{path}: {csp}"
        assert not re.search(r"unsafe-(inline|eval)|\*|https?:", csp), f"{path}: {csp}"
        assert r.headers.get("X-Content-Type-Options") == "nosniff", path
    # The API keeps its own, stricter policy.
    api = requests.get(base + "/api/openapi.json", timeout=30)
    assert policy(api.headers["Content-Security-Policy"]).get("default-src") == ["'none'"]


def test_the_app_runs_without_csp_violations(app, browsers):
    u = register_via_api(app, preferences={"matieres": ["Physique"]})
    b = browsers("desktop", "dark")
    b.get(app.url + "/connexion")
    ui.fill(b, {"Adresse e-mail": u.email, "Mot de passe": PASSWORD})
    ui.wait_button(b, "Se connecter").click()
    b.wait_path("/planning")
    for path, heading in (("/planning/mois", "Planning"), ("/planning/nouveau", "Nouveau planning"),
                          ("/planning/pixelcoach", "Planifier avec PixelCoach"), ("/coach", "PixelCoach"),
                          ("/progres", "Progrès"), ("/reglages", "Réglages")):
        b.get(app.url + path)
        ui.wait_heading(b, heading)
        b.settled()
    # A CSP report is logged when the violation happens; the log is read after everything ran.
    assert b.csp_violations() == []
    assert b.js("return document.styleSheets.length") >= 1, "the app's stylesheet did not load"
