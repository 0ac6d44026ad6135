"""Finding things in the app the way a person does: by their French label, role and accessible
name (web/README.md lists the few data-testids used where a name is ambiguous), and doing things
with the mouse or with the keyboard alone."""
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


def _xpath_literal(s):
    if "'" not in s:
        return f"'{s}'"
    if '"' not in s:
        return f'"{s}"'
    return "concat(" + ", \"'\", ".join(f"'{p}'" for p in s.split("'")) + ")"


def visible(elements):
    out = []
    for e in elements:
        try:
            if e.is_displayed():
                out.append(e)
        except WebDriverException:
            pass
    return out


def by_testid(b, testid, all=False):
    found = visible(b.driver.find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]'))
    return found if all else (found[0] if found else None)


def field(b, label):
    """The visible form control whose <label> text is `label` (hints and errors are not part of
    the label). None when there is none."""
    for lab in visible(b.driver.find_elements(By.XPATH, f"//label[normalize-space()={_xpath_literal(label)}]")):
        target = lab.get_attribute("for")
        if target:
            found = b.driver.find_elements(By.ID, target)
        else:
            found = lab.find_elements(By.CSS_SELECTOR, "input, select, textarea")
        if found:
            return found[0]
    return None


def field_in(b, container, label):
    """Like `field`, inside one container element (a fieldset, a dialog)."""
    for lab in visible(container.find_elements(By.XPATH, f".//label[normalize-space()={_xpath_literal(label)}]")):
        target = lab.get_attribute("for")
        found = b.driver.find_elements(By.ID, target) if target else lab.find_elements(By.CSS_SELECTOR, "input, select, textarea")
        if found:
            return found[0]
    return None


def wait_field(b, label):
    return b.wait(lambda d: field(b, label), f"a field labelled « {label} »")


def named(b, css, name, exact=True, within=None):
    """The visible element matching `css` whose accessible name (as Chromium computes it) is
    `name` (or contains it when exact=False), inside `within` (an element) if given."""
    for e in visible((within or b.driver).find_elements(By.CSS_SELECTOR, css)):
        try:
            n = (e.accessible_name or "").strip()
        except WebDriverException:
            continue
        if (n == name) if exact else (name in n):
            return e
    return None


BUTTONS = "button, [role=button], input[type=submit], input[type=button]"


def button(b, name, exact=True, within=None):
    return named(b, BUTTONS, name, exact, within)


def wait_button(b, name, exact=True, enabled=True, within=None):
    def ready(_):
        e = button(b, name, exact, within)
        return e if e is not None and (not enabled or e.is_enabled()) else None
    return b.wait(ready, f"a button « {name} »" + (" (enabled)" if enabled else ""))


def link(b, name, exact=True):
    return named(b, "a[href], [role=link]", name, exact)


def wait_link(b, name, exact=True):
    return b.wait(lambda d: link(b, name, exact), f"a link « {name} »")


def wait_loaded(b, what="the screen"):
    """Waits until no « Chargement… » placeholder is on screen (class .loading)."""
    return b.wait(lambda d: not visible(d.find_elements(By.CSS_SELECTOR, ".loading")), f"{what} to finish loading")


def heading(b, level=1):
    found = visible(b.driver.find_elements(By.CSS_SELECTOR, f"main h{level}"))
    return found[0].text.strip() if found else None


def wait_heading(b, text, level=1):
    return b.wait(lambda d: heading(b, level) == text,
                  lambda: f"the heading « {text} » (h{level} is {heading(b, level)!r})")


def type_into(el, text):
    """Replaces the content of a text field as a person would: select all, then type."""
    el.click()
    el.send_keys(Keys.CONTROL, "a")
    el.send_keys(Keys.DELETE)
    if text:
        el.send_keys(text)


def fill(b, values):
    """Fills fields by label: {"Adresse e-mail": "...", ...}."""
    for label, value in values.items():
        type_into(wait_field(b, label), value)


def field_error(b, label):
    """The error text shown for the field labelled `label` (linked by aria-describedby), or None."""
    el = field(b, label)
    if el is None:
        return None
    ids = (el.get_attribute("aria-describedby") or "").split()
    for i in ids:
        for e in b.driver.find_elements(By.ID, i):
            if e.get_attribute("data-testid") == "field-error" and e.is_displayed():
                return e.text.replace("⚠", "").strip()
    return None


def form_error(b):
    e = by_testid(b, "form-error")
    return e.text.strip() if e else None


def value_of(b, label):
    return field(b, label).get_attribute("value")


# ------------------------------------------------------------------------------ the keyboard alone

def active(b):
    return b.driver.switch_to.active_element


def press(b, *keys):
    ActionChains(b.driver).send_keys(*keys).perform()


def select_all(b):
    """Ctrl+A in the focused field (a modifier must be held down, not typed)."""
    ActionChains(b.driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()


def describe_focus(b):
    return b.js("""
        const e = document.activeElement;
        if (!e || e === document.body) return 'body';
        const name = (e.getAttribute('aria-label') || e.innerText || e.value || '').trim().slice(0, 60);
        return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' « ' + name + ' »';""")


def tab_to(b, predicate, what, limit=80, backwards=False):
    """Presses Tab (Shift+Tab when backwards) until `predicate(active element)` holds; returns it.
    Fails after `limit` presses, listing where the focus went: a keyboard trap or an unreachable
    control shows up here."""
    path = []
    for _ in range(limit):
        if backwards:
            ActionChains(b.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        else:
            press(b, Keys.TAB)
        el = active(b)
        try:
            if predicate(el):
                return el
        except WebDriverException:
            pass
        path.append(describe_focus(b))
    raise AssertionError(f"could not reach {what} with the keyboard in {limit} Tab presses; focus went: "
                         + " → ".join(path[:limit]))


def is_named(name, exact=True):
    def check(el):
        n = (el.accessible_name or "").strip()
        return n == name if exact else name in n
    return check


def is_field(b, label):
    def check(el):
        f = field(b, label)
        return f is not None and f == el
    return check


def tab_type(b, label, text):
    """Tabs to the field labelled `label` and types `text` into it (after selecting what was there)."""
    tab_to(b, is_field(b, label), f"the field « {label} »")
    select_all(b)
    press(b, Keys.DELETE)
    if text:
        press(b, text)
