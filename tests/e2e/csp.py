"""Content-Security-Policy violations in real Chromium: a browser context that records every
one, from the page's ``securitypolicyviolation`` events and from the console, where Chromium
reports what it refused (an inline script or style, an event handler, another host)."""

from __future__ import annotations

from typing import Any

# An init script runs before the page's own scripts, outside the page's policy.
LISTEN = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " at " + (e.sourceFile || location.pathname) + ":" + e.lineNumber);
});
"""


def watch_csp(context: Any, page: Any) -> list[str]:
    """The list every violation on ``page`` (of ``context``) is appended to, as a line; a
    page served without a policy that forbids inline script counts as one too."""
    seen: list[str] = []
    context.add_init_script(LISTEN)

    def on_console(message: Any) -> None:
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            seen.append(f"{page.url}: {text}")

    def on_response(response: Any) -> None:
        if response.request.resource_type == "document":
            policy = response.headers.get("content-security-policy", "")
            if "script-src 'self'" not in policy or "unsafe-inline" in policy:
                seen.append(f"{response.url}: served without the policy ({policy!r})")

    page.on("console", on_console)
    page.on("response", on_response)
    return seen
