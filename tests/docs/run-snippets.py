#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Runs the code blocks of Markdown pages, so that the documentation's
examples cannot rot.

    run-snippets.py --build-dir BUILD PAGE.md...   against an uninstalled build
    run-snippets.py --installed PAGE.md...         against what the environment names
    run-snippets.py --list PAGE.md...              shows what would run, and how
    run-snippets.py --extract NAME PAGE.md...      prints the block called NAME

Output is TAP, one test per program.

What runs
---------

Fenced blocks whose info string is `c`, `python`, `js` or `vala`. Other
blocks (`sh`, `meson`, `toml`, plain text...) are shown, not run, except a
`sh` block marked `run`.

On one page, the blocks of one language form one program, in the order they
appear: a page can build a program step by step, the way a tutorial does,
and a later block may use what an earlier one defined. A block marked
`standalone` is a complete program of its own instead.

  - `python` runs with this script's interpreter (Debian's /usr/bin/python3,
    which has PyGObject), or with `python3` from PATH under --installed, as
    a user would; `js` with `gjs -m`, so top-level `await` works.
  - `c` is compiled with `cc` and `pkg-config --cflags --libs sharedpotato-1`
    (-Wall -Wextra -Werror). Code at column 0 is file scope; a statement
    written indented, outside any function, is the body of a function, the
    way C examples show "code somewhere in your program":

        static void got_config (...) { ... }     <- file scope

          sp_shared_object_get_async (config, 500, NULL, got_config, NULL);

    The indented statements of a program go, in order, into the `main ()`
    the runner writes around them (which returns 0). A program that defines
    `main` itself must have no such statements.
  - `vala` is compiled with `valac --pkg gio-2.0 --pkg sharedpotato-1`.

A program fails if it does not build, exits with a status other than 0,
writes anything to stderr (a critical, a warning, a Python traceback from a
callback, a GJS "JS ERROR" or unhandled rejection all land there, and
sometimes with exit status 0), runs longer than --timeout seconds, or does
not print what its blocks `expect`. G_DEBUG=fatal-criticals is set.

Markers
-------

An HTML comment directly above a fence (blank lines between are fine)
changes how the block is treated; GitHub, GitLab and gi-docgen do not show
it. One marker per comment, several comments per block:

    <!-- snippet: skip REASON -->      not run; say why (keep this rare)
    <!-- snippet: standalone -->       a complete program of its own
    <!-- snippet: expect TEXT -->      the program prints a line that is TEXT
    <!-- snippet: run -->              run this `sh` block (`sh -eu`, in a
                                       scratch directory)
    <!-- snippet: name NAME -->        lets --extract (and the tests that
                                       use it) find the block

An unknown marker, or one that stands above no code block, is an error.

Environment
-----------

With --build-dir, the runner points the programs at the uninstalled build:
GI_TYPELIB_PATH=BUILD/introspection, LD_LIBRARY_PATH=BUILD/sharedpotato,
PYTHONPATH=SRC/introspection/python, PKG_CONFIG_PATH=BUILD/meson-uninstalled
and valac --vapidir=BUILD/introspection. With --installed it adds nothing:
the caller's environment must find the installed library (see
docs/install.md, and tests/docs/test-prefix-install.sh which uses this).
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

LANGUAGES = {
    "c": "c",
    "python": "python",
    "py": "python",
    "python3": "python",
    "js": "js",
    "javascript": "js",
    "vala": "vala",
    "sh": "sh",
    "shell": "sh",
    "bash": "sh",
    "console": "sh",
}
PROGRAM_LANGUAGES = ("c", "python", "js", "vala")

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")
MARKER = re.compile(r"^\s*<!--\s*snippet:\s*(?P<body>.*?)\s*-->\s*$")
ANY_MARKER = re.compile(r"<!--\s*snippet\b")

SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# What the pages import the GJS module as (docs/javascript.md), and where
# it is found instead: the source tree with --build-dir, the first data
# directory that has it with --installed.
JS_MODULE_URL = "file:///usr/local/share/sharedpotato-1/js/sharedpotato.js"
JS_MODULE_PATH = os.path.join("sharedpotato-1", "js", "sharedpotato.js")


class PageError(Exception):
    pass


def shown_path(path):
    """A page's path as messages show it: from the source root if inside it."""
    path = os.path.abspath(path)
    if path.startswith(SOURCE_ROOT + os.sep):
        return os.path.relpath(path, SOURCE_ROOT)
    return path


class Block:
    def __init__(self, path, line, language, info, text):
        self.path = shown_path(path)
        self.line = line  # line number of the first line of code
        self.language = language
        self.info = info
        self.text = text
        self.skip = None
        self.standalone = False
        self.run = False
        self.expect = []
        self.name = None

    def where(self):
        return "%s:%d" % (self.path, self.line)


def parse_markers(path, pending, block):
    for lineno, body in pending:
        keyword, _, argument = body.partition(" ")
        argument = argument.strip()
        if keyword == "skip":
            if not argument:
                raise PageError("%s:%d: `skip` needs a reason" % (path, lineno))
            block.skip = argument
        elif keyword == "standalone" and not argument:
            block.standalone = True
        elif keyword == "run" and not argument:
            block.run = True
        elif keyword == "expect" and argument:
            block.expect.append(argument)
        elif keyword == "name" and argument:
            block.name = argument
        else:
            raise PageError("%s:%d: unknown snippet marker %r" % (path, lineno, body))
    if block.run and block.language != "sh":
        raise PageError("%s:%d: `run` is for sh blocks; %s blocks always run"
                        % (path, pending[0][0], block.language))
    if block.expect and block.language not in PROGRAM_LANGUAGES and not block.run:
        raise PageError("%s:%d: `expect` on a block that does not run" % (path, pending[0][0]))


def read_blocks(path):
    """Returns the fenced code blocks of a Markdown page, markers applied."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")

    blocks = []
    pending = []  # (line number, marker body) waiting for their fence
    i = 0
    while i < len(lines):
        line = lines[i]
        marker = MARKER.match(line)
        fence = FENCE.match(line)
        if marker:
            pending.append((i + 1, marker.group("body")))
            i += 1
            continue
        if ANY_MARKER.search(line):
            raise PageError("%s:%d: malformed snippet marker" % (path, i + 1))
        if fence:
            indent = len(fence.group("indent"))
            closing = fence.group("fence")
            info = fence.group("info").lower()
            body = []
            j = i + 1
            while j < len(lines):
                stripped = lines[j].strip()
                if stripped.startswith(closing[0] * len(closing)) and stripped.strip(closing[0]) == "":
                    break
                # Code inside an indented fence (in a list item) loses the fence's indentation.
                code = lines[j]
                lead = len(code) - len(code.lstrip(" "))
                body.append(code[min(lead, indent):])
                j += 1
            if j == len(lines):
                raise PageError("%s:%d: code block never closed" % (path, i + 1))
            language = LANGUAGES.get(info.split("{")[0], None)
            block = Block(path, i + 2, language or info or "text", info, "\n".join(body) + "\n")
            parse_markers(path, pending, block)
            pending = []
            blocks.append(block)
            i = j + 1
            continue
        if pending and line.strip():
            raise PageError("%s:%d: snippet marker above something that is not a code block"
                            % (path, pending[0][0]))
        i += 1
    if pending:
        raise PageError("%s:%d: snippet marker at the end of the page" % (path, pending[0][0]))
    return blocks


class Program:
    def __init__(self, language, blocks):
        self.language = language
        self.blocks = blocks

    def describe(self):
        first = self.blocks[0]
        lines = ", ".join(str(b.line) for b in self.blocks)
        kind = "block" if len(self.blocks) == 1 else "blocks"
        return "%s: %s program from the %s at line%s %s" % (
            first.path, self.language, kind, "s" if len(self.blocks) > 1 else "", lines)

    def expectations(self):
        return [e for b in self.blocks for e in b.expect]


def programs_of(path, blocks):
    """Groups a page's runnable blocks into programs (one per language,
    plus one per standalone block), in the order of their first block."""
    programs = []
    joined = {}
    for block in blocks:
        if block.skip is not None:
            continue
        if block.language == "sh":
            if block.run:
                programs.append(Program("sh", [block]))
            continue
        if block.language not in PROGRAM_LANGUAGES:
            continue
        if block.standalone:
            programs.append(Program(block.language, [block]))
            continue
        if block.language not in joined:
            joined[block.language] = Program(block.language, [])
            programs.append(joined[block.language])
        joined[block.language].blocks.append(block)
    return programs


# C: file scope at column 0, indented statements go into main ().

def split_c(text):
    """Splits C code into (kind, first line index, lines) chunks, kind being
    "file" or "body": a line that starts outside every bracket and comment
    is "body" if indented, "file" if not; other lines (inside braces,
    parentheses, a comment or a string) continue the chunk they are in."""
    chunks = []
    depth = 0
    in_comment = False
    for index, line in enumerate(text.split("\n")):
        at_top = depth == 0 and not in_comment
        if at_top and line.strip():
            kind = "body" if line[0] in " \t" else "file"
            if not chunks or chunks[-1][0] != kind:
                chunks.append((kind, index, []))
        elif not chunks:
            chunks.append(("file", index, []))
        chunks[-1][2].append(line)

        # Track brackets outside comments, strings and character constants.
        k = 0
        in_string = None
        while k < len(line):
            c = line[k]
            pair = line[k:k + 2]
            if in_comment:
                if pair == "*/":
                    in_comment = False
                    k += 1
            elif in_string:
                if c == "\\":
                    k += 1
                elif c == in_string:
                    in_string = None
            elif pair == "/*":
                in_comment = True
                k += 1
            elif pair == "//":
                break
            elif c in "\"'":
                in_string = c
            elif c == "#" and not line[:k].strip():
                break  # a preprocessor line
            elif c in "({[":
                depth += 1
            elif c in ")}]":
                depth -= 1
            k += 1
    return chunks


DEFINES_MAIN = re.compile(r"^(?:int\s+)?main\s*\(", re.M)


def assemble_c(program):
    file_scope = []
    body = []
    for block in program.blocks:
        for kind, first, lines in split_c(block.text):
            line_directive = '#line %d "%s"' % (block.line + first, block.path)
            target = body if kind == "body" else file_scope
            target.append(line_directive)
            target.extend(lines)
    source = "\n".join(file_scope) + "\n"
    has_main = DEFINES_MAIN.search("\n".join(b.text for b in program.blocks))
    if has_main and any(l.strip() and not l.startswith("#line") for l in body):
        raise PageError("%s defines main () and has indented statements outside it" % program.describe())
    if not has_main:
        source += '#line 1 "(main written by run-snippets.py)"\nint\nmain (void)\n{\n'
        source += "\n".join(body) + "\n"
        source += '#line 1 "(main written by run-snippets.py)"\n  return 0;\n}\n'
    return source


def assemble_script(program):
    return "\n".join(b.text for b in program.blocks)


# Running.

class Runner:
    def __init__(self, args):
        self.args = args
        self.env = dict(os.environ)
        debug = [d for d in self.env.get("G_DEBUG", "").split(",") if d]
        if "fatal-criticals" not in debug:
            debug.append("fatal-criticals")
        self.env["G_DEBUG"] = ",".join(debug)
        self.env["PYTHONDONTWRITEBYTECODE"] = "1"
        self.vapidirs = []
        self.python = "python3" if args.installed else sys.executable
        self.js_module_url = JS_MODULE_URL
        if args.installed:
            data_dirs = self.env.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
            for d in data_dirs.split(os.pathsep):
                if d and os.path.exists(os.path.join(d, JS_MODULE_PATH)):
                    self.js_module_url = "file://" + os.path.join(os.path.abspath(d), JS_MODULE_PATH)
                    break
        if args.build_dir:
            build = os.path.abspath(args.build_dir)
            self.prepend("GI_TYPELIB_PATH", os.path.join(build, "introspection"))
            self.prepend("LD_LIBRARY_PATH", os.path.join(build, "sharedpotato"))
            self.prepend("PYTHONPATH", os.path.join(SOURCE_ROOT, "introspection", "python"))
            self.prepend("PKG_CONFIG_PATH", os.path.join(build, "meson-uninstalled"))
            self.vapidirs.append(os.path.join(build, "introspection"))
            self.js_module_url = "file://" + os.path.join(SOURCE_ROOT, "introspection", "js", "sharedpotato.js")

    def prepend(self, name, value):
        old = self.env.get(name)
        self.env[name] = value + (os.pathsep + old if old else "")

    def command(self, argv, cwd, timeout):
        try:
            p = subprocess.run(argv, cwd=cwd, env=self.env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=timeout, text=True, errors="replace")
            return p.returncode, p.stdout, p.stderr, False
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
            err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
            return None, out, err, True

    def pkg_config(self, cwd):
        rc, out, err, _ = self.command(["pkg-config", "--cflags", "--libs", "sharedpotato-1"], cwd, 60)
        if rc != 0:
            raise PageError("pkg-config --cflags --libs sharedpotato-1 failed:\n" + err)
        return shlex.split(out)

    def build(self, program, cwd):
        """Writes the program into cwd; returns (argv to run it, source, problem)."""
        lang = program.language
        if lang == "c":
            source = assemble_c(program)
            with open(os.path.join(cwd, "snippet.c"), "w") as f:
                f.write(source)
            cc = shlex.split(self.env.get("CC", "cc"))
            argv = cc + ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror",
                         "-o", "snippet", "snippet.c"] + self.pkg_config(cwd)
            rc, out, err, _ = self.command(argv, cwd, 300)
            if rc != 0:
                return None, source, "does not compile:\n" + out + err
            return ["./snippet"], source, None
        if lang == "vala":
            source = assemble_script(program)
            with open(os.path.join(cwd, "snippet.vala"), "w") as f:
                f.write(source)
            argv = ["valac", "--pkg", "gio-2.0", "--pkg", "sharedpotato-1", "-o", "snippet",
                    "-X", "-w", "snippet.vala"]
            for d in self.vapidirs:
                argv[1:1] = ["--vapidir", d]
            rc, out, err, _ = self.command(argv, cwd, 300)
            if rc != 0:
                return None, source, "does not compile:\n" + out + err
            return ["./snippet"], source, None
        if lang == "python":
            source = assemble_script(program)
            with open(os.path.join(cwd, "snippet.py"), "w") as f:
                f.write(source)
            return [self.python, "snippet.py"], source, None
        if lang == "js":
            source = assemble_script(program).replace(JS_MODULE_URL, self.js_module_url)
            with open(os.path.join(cwd, "snippet.js"), "w") as f:
                f.write(source)
            return ["gjs", "-m", "snippet.js"], source, None
        if lang == "sh":
            source = assemble_script(program)
            with open(os.path.join(cwd, "snippet.sh"), "w") as f:
                f.write(source)
            return ["sh", "-eu", "snippet.sh"], source, None
        raise AssertionError(lang)

    def run(self, program):
        """Returns None if the program passed, or what went wrong."""
        cwd = tempfile.mkdtemp(prefix="sp-snippet-")
        try:
            argv, source, problem = self.build(program, cwd)
            if problem is None:
                rc, out, err, timed_out = self.command(argv, cwd, self.args.timeout)
                problems = []
                if timed_out:
                    problems.append("did not finish in %d s" % self.args.timeout)
                elif rc < 0:
                    problems.append("killed by signal %d" % -rc)
                elif rc != 0:
                    problems.append("exited with status %d" % rc)
                if err.strip():
                    problems.append("wrote to stderr")
                printed = [l.rstrip() for l in out.split("\n")]
                for wanted in program.expectations():
                    if wanted not in printed:
                        problems.append("did not print the line %r" % wanted)
                if problems:
                    problem = "; ".join(problems) + "\n--- stdout\n" + out + "--- stderr\n" + err
            if problem is not None:
                numbered = "".join("%4d  %s\n" % (n + 1, l) for n, l in enumerate(source.split("\n")))
                return problem + "--- the program, as run\n" + numbered
            return None
        finally:
            if not self.args.keep:
                shutil.rmtree(cwd, ignore_errors=True)
            else:
                print("# kept in %s" % cwd)


def tap_comment(text):
    return "".join("# %s\n" % l for l in text.rstrip("\n").split("\n"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--build-dir", help="the uninstalled build to run against")
    mode.add_argument("--installed", action="store_true",
                      help="run against what the environment finds, adding nothing")
    mode.add_argument("--list", action="store_true", help="list the blocks and what happens to them")
    mode.add_argument("--extract", metavar="NAME", help="print the block marked `name NAME`")
    parser.add_argument("--timeout", type=int, default=30, help="seconds each program may run")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directories")
    parser.add_argument("pages", nargs="+")
    args = parser.parse_args()

    try:
        pages = [(p, read_blocks(p)) for p in args.pages]
    except (PageError, OSError) as e:
        print("run-snippets.py: %s" % e, file=sys.stderr)
        return 2

    if args.extract:
        found = [b for _, blocks in pages for b in blocks if b.name == args.extract]
        if not found:
            print("run-snippets.py: no block is called %r" % args.extract, file=sys.stderr)
            return 2
        texts = {b.text for b in found}
        if len(texts) > 1:
            print("run-snippets.py: the blocks called %r differ: %s"
                  % (args.extract, ", ".join(b.where() for b in found)), file=sys.stderr)
            return 1
        sys.stdout.write(found[0].text)
        return 0

    if args.list:
        for path, blocks in pages:
            for b in blocks:
                if b.skip is not None:
                    what = "skipped: " + b.skip
                elif b.language in PROGRAM_LANGUAGES:
                    what = "standalone program" if b.standalone else "part of the page's %s program" % b.language
                elif b.language == "sh" and b.run:
                    what = "run with sh -eu"
                else:
                    what = "not run (%s)" % b.language
                print("%s  %-6s %s%s" % (b.where(), b.language, what,
                                         "; expects %r" % b.expect if b.expect else ""))
        return 0

    runner = Runner(args)
    programs = [p for path, blocks in pages for p in programs_of(path, blocks)]
    print("1..%d" % len(programs))
    failed = 0
    for number, program in enumerate(programs, 1):
        try:
            problem = runner.run(program)
        except PageError as e:
            problem = str(e)
        if problem is None:
            print("ok %d - %s" % (number, program.describe()))
        else:
            failed += 1
            print("not ok %d - %s" % (number, program.describe()))
            sys.stdout.write(tap_comment(problem))
        sys.stdout.flush()
    skipped = [b for _, blocks in pages for b in blocks if b.skip is not None]
    for b in skipped:
        print("# skipped %s (%s): %s" % (b.where(), b.language, b.skip))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
