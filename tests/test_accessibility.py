"""Readers' pages checked for accessibility in headless Chromium.

- axe-core (npm, installed by the project's package.json: `npm ci`) runs on
  the home, section, article, writer, search and 404 pages at desktop width;
  no violation may be "serious" or "critical".  Every violation found is
  printed on failure and kept in test-artifacts/accessibility/.
- The keyboard alone reaches every link, the search box and its button on the
  home and article pages, in document order, and each shows that it has the
  focus (its outline or shadow changes) where the reader can see it.
"""

import json
import urllib.parse

import pytest

from .browser import CHROMIUM, TIMEOUT_MS, demo_newsroom, launch_chromium
from .conftest import REPO

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
REPORTS = REPO / "test-artifacts" / "accessibility"
SHOTS = REPO / "test-artifacts" / "screenshots" / "accessibility"
BLOCKING = {"serious", "critical"}
SEARCH_QUERY = "الانتخابات"  # found in the demo's articles
DESKTOP = {"width": 1280, "height": 900}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed: browser tests skipped"
    ),
]
needs_axe = pytest.mark.skipif(
    not AXE.is_file(),
    reason=f"axe-core is not installed ({AXE} is missing): run `npm ci`",
)

# What each page is, and the status it answers with.
PAGES = {
    "home": ("/", 200),
    "section": ("/politics/", 200),
    "article": (None, 200),  # the seed article where it is loaded, else the demo's
    "writer": ("/writers/hossam-shaker/", 200),
    "search": ("/search/?q=" + urllib.parse.quote(SEARCH_QUERY), 200),
    "not-found": ("/no-such-page/", 404),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with demo_newsroom(tmp_path_factory.mktemp("accessibility")) as demo:
        yield demo


@pytest.fixture(scope="module")
def chromium():
    with launch_chromium() as browser:
        yield browser


@pytest.fixture
def page(chromium):
    # The site's Content-Security-Policy forbids inline scripts, which is how
    # axe-core gets into the page: the test's own context bypasses it.
    context = chromium.new_context(viewport=DESKTOP, locale="ar", bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def page_path(site, name):
    path, status = PAGES[name]
    if name == "article":
        path = "/33234" if site.seeded else "/1002"
    return path, status


def open_page(page, site, name):
    path, status = page_path(site, name)
    response = page.goto(site.url + path)
    assert response.status == status, (
        f"{path} answered {response.status}; the server said:\n{site.server_log()}"
    )
    page.wait_for_load_state("networkidle")
    # A page cut short (a wrong Content-Length, say) loses its end: the footer.
    assert page.locator("footer.site-footer").count() == 1, (
        f"{path} arrived cut short at {response.headers.get('content-length')} bytes"
    )
    page.evaluate("document.fonts.ready.then(() => true)")
    return path


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}"
            f" — {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            target = " > ".join(str(part) for part in node["target"])
            lines.append(f"    {target}: {node['html'][:160]}")
    return "\n".join(lines)


@needs_axe
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_nothing_serious(site, page, name):
    path = open_page(page, site, name)
    if name == "search":
        assert page.locator("ol.results li").count() > 0, "the search found nothing"
    REPORTS.mkdir(parents=True, exist_ok=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name}.html").write_text(page.content())
    page.screenshot(path=SHOTS / f"{name}-1280.png", full_page=True)
    page.add_script_tag(path=AXE)
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    violations = results["violations"]
    report = {"page": path, "axe": results["testEngine"], "violations": violations}
    (REPORTS / f"{name}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1)
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, (
        f"axe-core {results['testEngine']['version']} on {path}: "
        f"{len(blocking)} serious or critical violations; all found:\n"
        + describe(violations)
    )


# Every element the page offers to the keyboard, with its unfocused look.
FOCUSABLE = """
() => {
  const look = el => {
    const s = getComputedStyle(el);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" | ");
  };
  const shown = el => {
    const s = getComputedStyle(el);
    return s.visibility !== "hidden" && el.getClientRects().length > 0;
  };
  const selector = "a[href], input:not([type=hidden]), button, select, textarea,"
    + " summary, iframe, [tabindex], [contenteditable=true]";
  return [...document.querySelectorAll(selector)].map((el, index) => {
    el.dataset.kb = index;
    return {
      index,
      tag: el.tagName.toLowerCase(),
      href: el.getAttribute("href"),
      tabindex: el.getAttribute("tabindex"),
      hidden: el.closest("[aria-hidden=true]") !== null,
      shown: shown(el),
      disabled: el.disabled === true,
      text: (el.textContent || el.value || el.getAttribute("aria-label") || "")
        .trim().replace(/\\s+/g, " ").slice(0, 60),
      html: el.outerHTML.slice(0, 120),
      look: look(el),
    };
  });
}
"""

# The focused element: which one, how it looks, whether it is on screen.
FOCUSED = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  if (el.dataset.kb === undefined) return {index: -1, html: el.outerHTML.slice(0, 120)};
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
    && r.top < window.innerHeight && r.left < window.innerWidth;
  return {
    index: Number(el.dataset.kb),
    look: [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" | "),
    outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0,
    shadow: s.boxShadow !== "none",
    onScreen,
  };
}
"""


def keyboard_problems(page):
    """Tab through the page; what the keyboard cannot reach or does not show."""
    elements = page.evaluate(FOCUSABLE)
    by_index = {element["index"]: element for element in elements}
    problems = []
    expected = []
    reachable_hrefs = {
        e["href"]
        for e in elements
        if e["tag"] == "a" and e["shown"] and e["tabindex"] not in {"-1"}
    }
    for element in elements:
        tabindex = element["tabindex"]
        if (
            tabindex is not None
            and tabindex.lstrip("-").isdigit()
            and int(tabindex) > 0
        ):
            problems.append(f"positive tabindex changes the order: {element['html']}")
        if not element["shown"] or element["disabled"]:
            continue
        if tabindex is not None and tabindex.startswith("-"):
            # Allowed only for a duplicate link hidden from assistive
            # technology (a teaser's picture), whose twin the keyboard reaches.
            if element["tag"] == "a" and not (
                element["hidden"] and element["href"] in reachable_hrefs
            ):
                problems.append(f"link out of the keyboard's reach: {element['html']}")
            continue
        expected.append(element["index"])

    focused = []
    for _ in range(len(expected) + 10):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUSED)
        if state is None:
            if focused:
                break  # past the last element: out of the page
            continue
        if state["index"] == -1:
            problems.append(
                f"focus on an element that is not focusable: {state['html']}"
            )
            continue
        if focused and state["index"] == focused[0]:
            break  # round again
        focused.append(state["index"])
        element = by_index[state["index"]]
        name = f"{element['tag']} «{element['text']}» {element['href'] or ''}".strip()
        if state["look"] == element["look"] or not (
            state["outline"] or state["shadow"]
        ):
            problems.append(f"focus not visible on {name}: {state['look']}")
        if not state["onScreen"]:
            problems.append(f"focused but off screen: {name}")

    missing = [by_index[i]["html"] for i in expected if i not in focused]
    problems += [f"never focused by Tab: {html}" for html in missing]
    if focused != [i for i in expected if i in focused]:
        problems.append("the Tab order is not the document's order")
    return elements, expected, focused, problems


@pytest.mark.parametrize("name", ["home", "article"])
def test_keyboard_reaches_every_link_with_visible_focus(site, page, name):
    path = open_page(page, site, name)
    elements, expected, focused, problems = keyboard_problems(page)

    by_index = {element["index"]: element for element in elements}
    reached = [by_index[i] for i in focused]
    # The masthead's search: its box and its button.
    assert any(e["html"].startswith('<input type="search"') for e in reached)
    assert any(
        e["tag"] == "button" and 'type="submit"' in e["html"] for e in reached
    ), "the search button is not reached"
    links = [e for e in elements if e["tag"] == "a" and e["shown"]]
    assert len(links) > 10, f"{path}: too few links to be the real page"
    assert not problems, f"{path}, keyboard:\n" + "\n".join(problems)
    assert set(focused) == set(expected)
