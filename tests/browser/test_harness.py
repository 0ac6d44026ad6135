"""The harness checks itself, so that a green run means something: the viewports and themes are
the ones asked for, axe-core does report a violation that is there, a CSP violation does reach the
browser-log check, and screenshots are written."""
import pytest

import browser as browser_mod
from servers import StaticPages

CSP = "script-src 'self'"  # inline styles allowed: the contrast problem must show
BROKEN = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Auto-test</title></head>
<body><main><h1>Auto-test</h1><img src="/nothing.png"><script>window.inlineRan = true;</script>
<p style="color:#777;background:#888">Texte pâle</p></main></body></html>"""
CLEAN = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Propre</title></head>
<body><main><h1>Page propre</h1><p>Rien à signaler.</p></main></body></html>"""


@pytest.fixture(scope="module")
def pages():
    site = StaticPages({"/broken": (BROKEN, {"Content-Security-Policy": CSP}), "/clean": (CLEAN, {})})
    yield site
    site.close()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("theme", browser_mod.THEMES)
def test_viewport_and_theme_are_the_ones_asked_for(browsers, pages, viewport, theme):
    b = browsers(viewport, theme)
    b.get(pages.url + "/clean")
    width, height, dark = b.js("return [innerWidth, innerHeight, matchMedia('(prefers-color-scheme: dark)').matches]")
    vp = browser_mod.VIEWPORTS[viewport]
    assert (width, height) == (vp["width"], vp["height"])
    assert dark == (theme == "dark")
    assert b.axe() == []
    shot = b.screenshot("harness-selftest")
    assert shot.stat().st_size > 1000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_axe_and_the_log_checks_see_real_problems(pages):
    b = browser_mod.Browser("desktop", "light")
    try:
        b.get(pages.url + "/broken")
        ids = {v["id"] for v in b.axe()}
        assert {"image-alt", "color-contrast"} <= ids, ids
        assert b.js("return window.inlineRan === undefined"), "the inline script ran despite the CSP"
        csp = b.wait(lambda d: b.csp_violations(), "the CSP violation in the browser log")
        assert any("script-src" in m for m in csp), csp
        b.js("setTimeout(() => { throw new Error('boum') })")
        b.wait(lambda d: b.js_errors(), "the uncaught error in the browser log")
    finally:
        b.quit()
