#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Checks the generated gi-docgen reference for dead links and empty rows.

    check-reference.py --urlmap docs/urlmap.js --gir-dir /usr/share/gir-1.0 BUILD/docs/sharedpotato-1

gi-docgen writes a link into another namespace (GLib, GObject, Gio) as
href="javascript:void(0)" with data-namespace and data-link attributes;
its main.js rewrites it when the page loads, from the base URLs in
urlmap.js. Without a base URL for the namespace the link stays dead. This
checks that:

  - urlmap.js is valid JavaScript (evaluated with --gjs, when given) that
    sets baseURLs; it was copied next to the pages and every page loads it;
  - every namespace a page links to has an https base URL there;
  - every such link names a type or function that the namespace's GIR
    defines (docs.gtk.org is gi-docgen output too, so the page exists);
  - the index's Website and Source rows are filled in, and no link is
    empty.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

CORE = "{http://www.gtk.org/introspection/core/1.0}"
BASE_URL = re.compile(r"\[\s*'([^']+)'\s*,\s*'([^']+)'\s*\]")
EXTERNAL = re.compile(r"<a\b[^>]*\bdata-namespace=\"[^\"]*\"[^>]*>")
ATTR = re.compile(r"\b(data-namespace|data-link|href)=\"([^\"]*)\"")
ROW = re.compile(r"<tr><td><em>(Website|Source)</em></td><td><a href=\"([^\"]*)\"")

# gi-docgen page kinds: those named after a type, and those after a function.
TYPE_PAGES = {"class", "iface", "struct", "union", "enum", "flags", "error",
              "callback", "alias", "method", "ctor", "type_func", "property",
              "signal", "vfunc", "class_method"}
FUNCTION_PAGES = {"func"}


def read_urlmap(path, gjs):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not re.search(r"\bbaseURLs\s*=\s*\[", text):
        sys.exit("%s does not assign baseURLs" % path)
    urlmap = dict(BASE_URL.findall(text))
    if gjs:
        # As a browser runs it: a classic script, then main.js's lookup.
        script = text + "\nprint(JSON.stringify(Array.from(new Map(baseURLs))));\n"
        p = subprocess.run([gjs, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0 or p.stderr.strip():
            sys.exit("%s does not run:\n%s" % (path, p.stderr))
        if dict(json.loads(p.stdout)) != urlmap:
            sys.exit("%s: gjs reads %s, this script %s" % (path, p.stdout.strip(), urlmap))
    return urlmap


def gir_names(gir_dir, namespace, cache={}):
    """The names of the types and functions the namespace's GIR defines."""
    if namespace not in cache:
        paths = sorted(glob.glob(os.path.join(gir_dir, "%s-*.gir" % namespace)))
        if not paths:
            cache[namespace] = None
        else:
            root = ET.parse(paths[-1]).getroot()
            ns = root.find(CORE + "namespace")
            cache[namespace] = {el.get("name") for el in ns if el.get("name")}
    return cache[namespace]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urlmap", required=True, help="docs/urlmap.js")
    parser.add_argument("--gir-dir", required=True, help="where GLib-2.0.gir and the others are")
    parser.add_argument("--gjs", help="a gjs to evaluate urlmap.js with")
    parser.add_argument("docs_dir", help="the generated reference")
    args = parser.parse_args()

    problems = []
    urlmap = read_urlmap(args.urlmap, args.gjs)
    for namespace, url in urlmap.items():
        if not (url.startswith("https://") and url.endswith("/")):
            problems.append("urlmap.js: %s: %r is not an https URL ending in /" % (namespace, url))
    if not os.path.exists(os.path.join(args.docs_dir, os.path.basename(args.urlmap))):
        problems.append("%s was not copied into the reference" % os.path.basename(args.urlmap))

    pages = sorted(glob.glob(os.path.join(args.docs_dir, "*.html")))
    if not pages:
        sys.exit("no pages in %s" % args.docs_dir)
    links = {}  # (namespace, data-link) -> first page
    for page in pages:
        with open(page, encoding="utf-8") as f:
            html = f.read()
        name = os.path.basename(page)
        if 'src="urlmap.js"' not in html:
            problems.append("%s does not load urlmap.js" % name)
        if 'href=""' in html:
            problems.append("%s has an empty link" % name)
        for tag in EXTERNAL.findall(html):
            attrs = dict(ATTR.findall(tag))
            links.setdefault((attrs.get("data-namespace"), attrs.get("data-link")), name)

    for (namespace, link), page in sorted(links.items()):
        if namespace not in urlmap:
            problems.append("%s links to %s in %s, which urlmap.js does not map" % (page, link, namespace))
            continue
        kind, _, rest = link.partition(".")
        target = rest.split("#")[0][:-len(".html")] if rest.split("#")[0].endswith(".html") else None
        names = gir_names(args.gir_dir, namespace)
        if target is None or names is None:
            problems.append("%s: cannot check %s%s" % (page, urlmap[namespace], link))
        elif kind in TYPE_PAGES:
            if target.split(".")[0] not in names:
                problems.append("%s: %s%s: %s defines no %s" % (page, urlmap[namespace], link,
                                                              namespace, target.split(".")[0]))
        elif kind in FUNCTION_PAGES:
            if target not in names:
                problems.append("%s: %s%s: %s defines no function %s" % (page, urlmap[namespace], link,
                                                                       namespace, target))
        else:
            problems.append("%s: unknown kind of page %s" % (page, link))

    with open(os.path.join(args.docs_dir, "index.html"), encoding="utf-8") as f:
        rows = dict(ROW.findall(f.read()))
    for row in ("Website", "Source"):
        if not rows.get(row, "").startswith("https://"):
            problems.append("index.html: the %s row is %r" % (row, rows.get(row)))

    for p in problems:
        print(p)
    print("%d pages, %d links into %s: %s" % (
        len(pages), len(links), ", ".join(sorted({n for n, _ in links})),
        "%d problems" % len(problems) if problems else "all resolve"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
