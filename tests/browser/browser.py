"""Headless Chromium (Debian's `chromium` + `chromium-driver`) driven by Selenium, and what the tests
do with it: viewports, light/dark theme, waits, accessibility checks with axe-core, screenshots,
the browser log, offline mode, downloads.

Every wait is a WebDriverWait on a condition: nothing here sleeps a fixed time.
"""
import base64
import json
import os
import pathlib
import shutil
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import (NoSuchElementException, StaleElementReferenceException,
                                        TimeoutException, WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = pathlib.Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = pathlib.Path(os.environ.get("BROWSER_SCREENSHOTS", ROOT / "build" / "browser-screenshots"))

# Generous: a wait only lasts this long when the awaited thing never comes, i.e. on a failure.
WAIT = float(os.environ.get("BROWSER_WAIT", "20"))

VIEWPORTS = {
    # A phone (390 x 844 CSS pixels, as an iPhone 12-15), emulated by ChromeDriver: touch, mobile
    # viewport meta honoured, device pixel ratio 2 (screenshots 780 px wide).
    "phone": {"mobile": {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 2.0, "touch": True},
                         "userAgent": ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                                       "(KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36")},
              "width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 768},
}
THEMES = ("light", "dark")
TIMEZONE = "Europe/Paris"

# WCAG 2.0, 2.1 and 2.2, levels A and AA: the rules axe-core runs.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def missing_tools():
    """What the browser tests need and this machine lacks (empty when all is there)."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if not AXE_JS.is_file():
        missing.append(str(AXE_JS) + " (npm ci in tests/browser)")
    return missing


class ScrollingElement(WebElement):
    """A person scrolls what they want to touch to the middle of the screen first: a plain WebDriver
    click scrolls it just into view, where the phone's fixed navigation bar can cover it."""

    def click(self):
        self.parent.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'center'})", self)
        super().click()


class Browser:
    """One Chromium with a fresh profile, at one viewport and one colour scheme."""

    def __init__(self, viewport="desktop", theme="light", downloads=None):
        self.viewport = viewport
        self.theme = theme
        self.profile = tempfile.mkdtemp(prefix="planetude-chromium-")
        self.downloads = downloads or tempfile.mkdtemp(prefix="planetude-downloads-")
        self._owns_downloads = downloads is None
        self.seen_log = []  # every browser log entry read so far
        vp = VIEWPORTS[viewport]
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                    "--password-store=basic", "--use-mock-keychain", "--lang=fr-FR",
                    "--hide-scrollbars", "--force-color-profile=srgb",
                    f"--user-data-dir={self.profile}"):
            opts.add_argument(arg)
        if "mobile" in vp:
            opts.add_experimental_option("mobileEmulation", vp["mobile"])
        else:
            opts.add_argument(f"--window-size={vp['width']},{vp['height']}")
        opts.add_experimental_option("prefs", {
            "intl.accept_languages": "fr-FR,fr",
            "download.default_directory": self.downloads,
            "download.prompt_for_download": False,
        })
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # French UI (Debian's chromium-l10n): date and time fields in 24-hour French form, as a French
        # student's browser shows them. Chromium takes its UI language from LANGUAGE on Linux.
        env = {**os.environ, "LANGUAGE": "fr", "LANG": "fr_FR.UTF-8"}
        service = Service(CHROMEDRIVER, log_output=os.devnull, env=env) if _service_takes_log_output() else \
            Service(CHROMEDRIVER, log_path=os.devnull, env=env)
        self.driver = webdriver.Chrome(service=service, options=opts)
        self.driver._web_element_cls = ScrollingElement
        self.driver.set_script_timeout(60)
        self.cdp("Browser.setDownloadBehavior", behavior="allow", downloadPath=self.downloads, eventsEnabled=False)
        self.set_theme(theme)
        # The student lives in Paris (daylight saving, not UTC): the app detects this zone at sign-up.
        self.cdp("Emulation.setTimezoneOverride", timezoneId=TIMEZONE)
        if "mobile" not in vp:
            # The window size includes no browser UI in headless mode, but make the viewport exact.
            self.cdp("Emulation.setDeviceMetricsOverride", width=vp["width"], height=vp["height"],
                     deviceScaleFactor=1, mobile=False)

    # ------------------------------------------------------------------ basics

    def cdp(self, cmd, **params):
        return self.driver.execute_cdp_cmd(cmd, params)

    def set_theme(self, theme):
        self.theme = theme
        self.cdp("Emulation.setEmulatedMedia", media="",
                 features=[{"name": "prefers-color-scheme", "value": theme}])

    def get(self, url):
        self.driver.get(url)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def wait(self, condition, message, timeout=None):
        """Waits until `condition(driver)` is truthy; fails with `message` (str or callable)."""
        try:
            return WebDriverWait(self.driver, timeout or WAIT, poll_frequency=0.05,
                                 ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
                                 ).until(condition)
        except TimeoutException:
            text = message() if callable(message) else message
            raise AssertionError(f"{text} (after {timeout or WAIT:g} s; at {self.safe_url()}; "
                                 f"page text: {self.page_text()[:600]!r})") from None

    def safe_url(self):
        try:
            return self.driver.current_url
        except WebDriverException:
            return "?"

    def page_text(self):
        try:
            return self.driver.find_element(By.TAG_NAME, "body").text
        except WebDriverException:
            return ""

    def path(self):
        return self.js("return location.pathname")

    def wait_path(self, path):
        return self.wait(lambda d: d.execute_script("return location.pathname") == path,
                         lambda: f"the app to show {path}")

    def settled(self):
        """The page is loaded, its fonts are in, and no CSS animation or transition is running."""
        return self.wait(lambda d: d.execute_script(
            "return document.readyState === 'complete' && document.fonts.status === 'loaded' && "
            "document.getAnimations().every(a => a.playState !== 'running' || "
            "  (a.effect && a.effect.getTiming().iterations === Infinity))"),
            "the page to settle (fonts loaded, animations finished)")

    def quit(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)
            if self._owns_downloads:
                shutil.rmtree(self.downloads, ignore_errors=True)

    # ------------------------------------------------------------------ the browser log

    def read_log(self):
        """New browser log entries since the last call (console messages, CSP reports, JS errors)."""
        try:
            entries = self.driver.get_log("browser")
        except WebDriverException:
            entries = []
        self.seen_log.extend(entries)
        return entries

    def csp_violations(self):
        self.read_log()
        return [e["message"] for e in self.seen_log if "Content Security Policy" in e.get("message", "")]

    def js_errors(self):
        """Uncaught exceptions and unhandled rejections the page logged."""
        self.read_log()
        return [e["message"] for e in self.seen_log if e.get("level") == "SEVERE"
                and ("Uncaught" in e.get("message", "") or "Unhandled" in e.get("message", ""))]

    # ------------------------------------------------------------------ accessibility

    def axe(self, context="document"):
        """Runs axe-core (WCAG 2.0/2.1/2.2 A and AA) on the page; returns the violations."""
        if not self.js("return typeof window.axe === 'object'"):
            self.js(AXE_JS.read_text(encoding="utf-8"))
        raw = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            f"axe.run({context}, {{runOnly: {{type: 'tag', values: {json.dumps(AXE_TAGS)}}},"
            "  resultTypes: ['violations']})"
            " .then(r => done(JSON.stringify(r.violations)))"
            " .catch(e => done(JSON.stringify({error: String(e)})));")
        result = json.loads(raw)
        if isinstance(result, dict):
            raise AssertionError(f"axe-core failed: {result['error']}")
        return result

    def assert_accessible(self, screen):
        self.settled()
        violations = self.axe()
        assert not violations, f"axe-core: {screen} ({self.viewport}, {self.theme}):\n" + format_violations(violations)

    # ------------------------------------------------------------------ screenshots

    def screenshot(self, screen):
        """Writes build/browser-screenshots/<viewport>-<theme>-<screen>.png: the whole page, not
        only what fits in the window. Returns the path."""
        self.settled()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.viewport}-{self.theme}-{screen}.png"
        vp = VIEWPORTS[self.viewport]
        mobile = "mobile" in vp
        scale = vp["mobile"]["deviceMetrics"]["pixelRatio"] if mobile else 1
        scroll = self.js("return [scrollX, scrollY]")
        size = self.cdp("Page.getLayoutMetrics")
        height = max(vp["height"], min(int((size.get("cssContentSize") or size["contentSize"])["height"]), 8000))
        # The window is made as tall as the page for the shot, so that fixed bars (the phone's
        # navigation) are drawn where they belong (at the bottom) rather than across the middle.
        self.cdp("Emulation.setDeviceMetricsOverride", width=vp["width"], height=height,
                 deviceScaleFactor=scale, mobile=mobile)
        try:
            self.js("window.scrollTo(0, 0)")
            shot = self.cdp("Page.captureScreenshot", format="png")
        finally:
            self.cdp("Emulation.setDeviceMetricsOverride", width=vp["width"], height=vp["height"],
                     deviceScaleFactor=scale, mobile=mobile)
            self.js("window.scrollTo(arguments[0], arguments[1])", *scroll)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def screenshot_window(self, screen):
        """Only what the window shows now (where the focus is, what covers it)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.viewport}-{self.theme}-{screen}.png"
        path.write_bytes(base64.b64decode(self.cdp("Page.captureScreenshot", format="png")["data"]))
        return path

    # ------------------------------------------------------------------ network

    def set_offline(self, offline):
        self.cdp("Network.enable")
        self.cdp("Network.emulateNetworkConditions", offline=offline, latency=0,
                 downloadThroughput=-1, uploadThroughput=-1)

    def service_worker_active(self):
        return self.js("return !!(navigator.serviceWorker && navigator.serviceWorker.controller)")

    # ------------------------------------------------------------------ downloads

    def wait_download(self, predicate, message):
        """The path of a finished download whose file name satisfies `predicate`."""
        def done(_):
            for name in os.listdir(self.downloads):
                if not name.endswith((".crdownload", ".tmp")) and predicate(name):
                    p = os.path.join(self.downloads, name)
                    if os.path.getsize(p) > 0:
                        return p
            return None
        return self.wait(done, lambda: f"{message} (downloads: {os.listdir(self.downloads)})")


def format_violations(violations):
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} [{v.get('impact')}]: {v['help']} ({len(v['nodes'])} element(s))")
        for n in v["nodes"][:6]:
            target = " ".join(str(t) for t in n.get("target", []))
            summary = (n.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}: {summary[:300]}")
            lines.append(f"      {n.get('html', '')[:200]}")
    return "\n".join(lines)


def _service_takes_log_output():
    import inspect
    return "log_output" in inspect.signature(Service.__init__).parameters


def wait_until(predicate, message, timeout=None, interval=0.05):
    """For conditions outside the browser (the API, files): polls `predicate` until truthy."""
    deadline = time.monotonic() + (timeout or WAIT)
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            text = message() if callable(message) else message
            raise AssertionError(f"{text}: still not true after {timeout or WAIT:g} s (last value: {value!r})")
        time.sleep(interval)
