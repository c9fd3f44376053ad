"""Check the built site as a reader's browser shows it: headless Chromium over every page asked for.

    python docs/check_site.py build/site                       # every tutorial page, home, an API page, concepts
    python docs/check_site.py build/site --screenshots DIR     # and save three screenshots there

For each page it checks, in Debian's Chromium (``apt-get install chromium chromium-driver``;
Korean text needs a CJK font such as ``fonts-noto-cjk``) driven by Selenium:

- every image loaded (``naturalWidth > 0``);
- the page's TeX was typeset by MathJax, without MathJax errors;
- every Korean (Hangul) character is drawn from a font that has it (no tofu box: the glyph must differ
  from the one drawn for a code point no font has);
- the browser's console logged no error;

and, over every HTML file of the site, that every internal link resolves to a file and, with a
``#fragment``, to an element with that id. Prints one line per problem; exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import html.parser
import http.server
import pathlib
import sys
import threading
import urllib.parse

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# The flags this workplace's machines need: no sandbox as root, and no background connections
# (the network is closed, and each refused connection would be logged).
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
)

# The pages photographed: the home page, a tutorial with equations and Korean terms, the concepts page.
SCREENSHOT_PAGES = ("index.html", "tutorials/04_lstm_gates.html", "concepts.html")

# Runs in the page: what a reader would see wrong. Returns a list of problems.
PAGE_CHECKS = """
const problems = [];
for (const img of document.images) {
  if (!img.complete || img.naturalWidth === 0) {
    problems.push("image did not load: " + img.getAttribute("src").slice(0, 80));
  }
}
const tex = document.querySelectorAll('script[type^="math/tex"]').length;
const typeset = document.querySelectorAll(".MathJax_CHTML, .MathJax, .MathJax_Display").length;
if (tex > 0 && typeset === 0) problems.push(tex + " equations were not typeset");
for (const err of document.querySelectorAll(".MathJax_Error, .mjx-merror")) {
  problems.push("MathJax error: " + err.textContent.slice(0, 80));
}
if (document.body.innerText.match(/\\$\\$[^$]+\\$\\$/)) problems.push("raw $$...$$ left in the text");
// Tofu: draw each Korean character in its element's font and compare with a code point no font has.
const canvas = document.createElement("canvas");
canvas.width = 48; canvas.height = 48;
const ctx = canvas.getContext("2d", {willReadFrequently: true});
function pixels(text, font) {
  ctx.clearRect(0, 0, 48, 48); ctx.font = font; ctx.fillStyle = "#000"; ctx.textBaseline = "top";
  ctx.fillText(text, 4, 4);
  return Array.from(ctx.getImageData(0, 0, 48, 48).data).join(",");
}
const seen = new Set();
let korean = 0;
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode;
  const chars = node.textContent.match(/[\\u1100-\\u11ff\\u3130-\\u318f\\uac00-\\ud7ff]/g);  // Hangul
  if (!chars || !node.parentElement) continue;
  const style = getComputedStyle(node.parentElement);
  const font = "32px " + style.fontFamily;
  const tofu = pixels("\\u0378", font);
  for (const ch of chars) {
    korean += 1;
    if (seen.has(ch)) continue;
    seen.add(ch);
    if (pixels(ch, font) === tofu) {
      const code = "U+" + ch.codePointAt(0).toString(16).toUpperCase();
      problems.push("no font draws " + code + " (shown as a box), font " + style.fontFamily.slice(0, 60));
    }
  }
}
return [problems, korean, tex];
"""

WAIT_FOR_MATHJAX = """
const done = arguments[arguments.length - 1];
if (window.MathJax && MathJax.Hub && MathJax.Hub.Queue) { MathJax.Hub.Queue(() => done(true)); } else { done(false); }
"""


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        target = attrs.get("href") if tag in ("a", "link") else attrs.get("src") if tag in ("img", "script") else None
        if target:
            self.links.append(target)


def link_problems(site: pathlib.Path) -> list[str]:
    """Internal links (href and src) of every HTML file that do not resolve to a file, or to an id in it."""
    parsed = {}
    for page in site.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        parsed[page.resolve()] = parser
    problems = []
    for page, parser in parsed.items():
        for link in parser.links:
            url = urllib.parse.urlsplit(link)
            if url.scheme or url.netloc or link.startswith(("mailto:", "javascript:", "data:")):
                continue
            path = urllib.parse.unquote(url.path)
            if path.startswith("/"):  # from the site's root (MkDocs' 404 page, served at any depth)
                target = (site / path.lstrip("/")).resolve()
            else:
                target = (page.parent / path).resolve() if path else page
            if target.is_dir():
                target = target / "index.html"
            where = page.relative_to(site.resolve())
            if not target.exists():
                problems.append(f"{where}: link to a missing file: {link}")
            elif url.fragment and target.suffix == ".html":
                if urllib.parse.unquote(url.fragment) not in parsed[target].ids:
                    problems.append(f"{where}: link to a missing anchor: {link}")
    return problems


@contextlib.contextmanager
def serve(site: pathlib.Path):
    """Serve ``site`` on a free loopback port; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass


def browser(chromium=CHROMIUM, chromedriver=CHROMEDRIVER):
    """A headless Chromium under Selenium, logging the console."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    return driver


def page_problems(site: pathlib.Path, pages: list[str], screenshots: dict[str, pathlib.Path] | None = None):
    """``(problems, facts)`` for each page (paths relative to ``site``) opened in Chromium.

    ``facts[page]`` is ``{"korean": characters checked, "equations": TeX sources}``;
    ``screenshots`` maps some pages to the PNG files to write.
    """
    problems, facts = [], {}
    with serve(site) as base, contextlib.closing(browser()) as driver:
        driver.get_log("browser")  # start with an empty log; each page's entries are read after it
        for page in pages:
            driver.get(urllib.parse.urljoin(base, page))
            driver.execute_async_script(WAIT_FOR_MATHJAX)
            found, korean, equations = driver.execute_script(PAGE_CHECKS)
            problems += [f"{page}: {p}" for p in found]
            for entry in driver.get_log("browser"):
                if entry["level"] == "SEVERE":
                    problems.append(f"{page}: console error: {entry['message'][:200]}")
            facts[page] = {"korean": korean, "equations": equations}
            if screenshots and page in screenshots:
                screenshots[page].parent.mkdir(parents=True, exist_ok=True)
                driver.save_screenshot(str(screenshots[page]))
    return problems, facts


def default_pages(site: pathlib.Path) -> list[str]:
    """The home page, every tutorial page, the concepts page and one API page."""
    tutorials = sorted(p.relative_to(site).as_posix() for p in (site / "tutorials").glob("*.html"))
    return ["index.html", *tutorials, "concepts.html", "api/zoo.html"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", help="the built site's folder")
    parser.add_argument("--screenshots", help="write screenshots of three pages into this folder")
    args = parser.parse_args(argv)
    site = pathlib.Path(args.site).resolve()
    pages = default_pages(site)
    shots = None
    if args.screenshots:
        folder = pathlib.Path(args.screenshots)
        shots = {p: folder / (pathlib.Path(p).stem + ".png") for p in SCREENSHOT_PAGES}
    problems, facts = page_problems(site, pages, shots)
    problems += link_problems(site)
    for problem in problems:
        print(problem)
    print(f"checked {len(pages)} pages in Chromium and the links of {len(list(site.rglob('*.html')))} HTML files: "
          f"{len(problems)} problems")  # fmt: skip
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
