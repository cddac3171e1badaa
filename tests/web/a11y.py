"""Accessibility of the pages the browser test opens: axe-core (npm, pinned
in package-lock.json, installed into the build directory) is evaluated in
the page through the DevTools protocol, as the page's CSP rightly refuses a
<script> it did not ship, and runs the WCAG 2.0/2.1 A and AA rules on the
page as drawn, with every folded form unfolded so that it is checked too.

A violation of impact "serious" or "critical" fails the test; the others
are printed."""
import json
import os


class Auditor:
    def __init__(self, axe_path, check):
        self.check = check
        self.source = None
        if axe_path and os.path.exists(axe_path):
            with open(axe_path, encoding="utf-8") as f:
                self.source = f.read()
        self.pages = 0

    def available(self):
        return self.check(self.source is not None,
                          "axe-core is installed for the accessibility checks (npm ci in the build: "
                          "tools/install-deps --test installs npm)")

    def audit(self, browser, what):
        """Checks the page now shown; returns its serious or critical violations."""
        if self.source is None:
            return []
        browser.js(self.source)
        browser.run("document.querySelectorAll('details').forEach((d) => { d.open = true; });")
        violations = browser.js(
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', "
            "'wcag21aa']}}).then((r) => r.violations.map((v) => ({id: v.id, impact: v.impact, "
            "help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))})))")
        self.pages += 1
        bad = [v for v in violations if v["impact"] in ("serious", "critical")]
        for v in violations:
            if v not in bad:
                print(f"note  {what}: axe {v['impact']} {v['id']}: {v['help']} {v['nodes']}", flush=True)
        self.check(not bad, f"{what}: no serious or critical WCAG 2.1 AA violation"
                   + ("" if not bad else ": " + json.dumps(bad, ensure_ascii=False)))
        return bad
