"""The dashboard works under the gateway's Content-Security-Policy (default-src 'self'): no inline
script or style, no event-handler attributes, nothing the policy would block (issue 17 section 3)."""
import re
from html.parser import HTMLParser
from pathlib import Path

PUBLIC = Path(__file__).resolve().parent.parent / "Public"


class InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        names = {k.lower(): v for k, v in attrs}
        if tag == "script":
            if "src" not in names:
                self.problems.append("inline <script>")
            self.in_script = True
        if tag == "style":
            self.problems.append("inline <style>")
        if "style" in names:
            self.problems.append(f"style attribute on <{tag}>")
        for name in names:
            if name.startswith("on"):
                self.problems.append(f"event-handler attribute {name} on <{tag}>")
        if tag in ("object", "embed", "base"):
            self.problems.append(f"<{tag}> (blocked by object-src/base-uri 'none')")
        for name in ("src", "href"):
            value = names.get(name) or ""
            if value.startswith(("javascript:", "http:", "https:", "//")):
                self.problems.append(f"{name}={value} on <{tag}> is not 'self'")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False


def test_html_has_no_inline_script_or_style():
    pages = sorted(PUBLIC.rglob("*.html"))
    assert pages, "the dashboard has pages"
    for page in pages:
        finder = InlineFinder()
        finder.feed(page.read_text())
        assert finder.problems == [], f"{page.name}: {finder.problems}"


def test_scripts_use_nothing_the_policy_blocks():
    # String evaluation needs 'unsafe-eval'; a style attribute set from script needs
    # 'unsafe-inline' (CSSOM property assignment, el.style.x = ..., is allowed); markup
    # injected with innerHTML could carry inline handlers.
    forbidden = [r"\beval\s*\(", r"new\s+Function\s*\(", r"setAttribute\(\s*['\"]style['\"]",
                 r"\.innerHTML\s*=", r"\.outerHTML\s*=", r"insertAdjacentHTML", r"document\.write\s*\(",
                 r"setTimeout\(\s*['\"]", r"'style'\s*:", r"\bstyle\s*:\s*['\"`]"]
    scripts = sorted(PUBLIC.rglob("*.js"))
    assert scripts
    for script in scripts:
        text = script.read_text()
        for pattern in forbidden:
            assert not re.search(pattern, text), f"{script.relative_to(PUBLIC)} matches {pattern}"


def test_copy_buttons_never_carry_the_copied_text():
    ui = (PUBLIC / "js" / "ui.js").read_text()
    body = ui[ui.index("export function copyButton"):]
    body = body[:body.index("\n}\n")]
    assert "aria-label" not in body, "the copied text (a token secret) must not become an attribute"
    tokens = (PUBLIC / "js" / "views" / "tokens.js").read_text()
    assert re.search(r"'aria-label':\s*`Revoke token \$\{t\.name\}`", tokens), "revoke buttons name their token"
