#!/usr/bin/env python3
"""No two source files of a library call each other, directly or round a
longer loop (docs/architecture.md, "Layers"): such a cycle means neither
file can be understood, tested or replaced without the other, and is
usually a helper that wants a file of its own.

Usage: check_unit_cycles.py BUILD_DIR
Reads the object files of every CMake target (nm; the ones its link step
names), one graph per target, with an edge from a file to each file of the
same target that defines a symbol it uses. Prints each cycle with
the symbols that close it; exit 1 when there is one, 2 on a usage error.
"""
import collections
import os
import subprocess
import sys


def objects_by_target(build):
    """The object files of each target: those its link step names
    (<target>.dir/link.txt, written by CMake's Makefile generator), so that
    objects left behind by a renamed or removed source do not count; every
    object in the folder where there is no link step."""
    targets = collections.defaultdict(list)
    for dirpath, dirnames, files in os.walk(build):
        # another build tree inside this one (the aarch64 cross build of
        # the tests) is its own build, perhaps being built right now
        dirnames[:] = [d for d in dirnames
                       if not os.path.isfile(os.path.join(dirpath, d, 'CMakeCache.txt'))]
        if not dirpath.endswith('.dir') or os.path.basename(os.path.dirname(dirpath)) != 'CMakeFiles':
            continue
        objs = []
        link = os.path.join(dirpath, 'link.txt')
        if os.path.isfile(link):
            base = os.path.dirname(os.path.dirname(dirpath))  # the target's build folder
            with open(link) as f:
                for tok in f.read().split():
                    if tok.endswith('.o'):
                        path = os.path.normpath(os.path.join(base, tok))
                        if path.startswith(dirpath + os.sep) and os.path.isfile(path):
                            objs.append(path)
        else:
            for sub, _, names in os.walk(dirpath):
                objs.extend(os.path.join(sub, n) for n in names if n.endswith('.o'))
        if objs:
            targets[dirpath] = sorted(set(objs))
    return targets


def symbols(obj):
    res = subprocess.run(['nm', obj], capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"check_unit_cycles: nm cannot read {obj}: {res.stderr.strip()}")
    out = res.stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == 'U':
            used.add(parts[1])
        elif len(parts) == 3 and parts[1] in 'TDBRVWG':
            defined.add(parts[2])
    return defined, used


def cycles(graph):
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index, low, on, stack, found, counter = {}, {}, set(), [], [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            node, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter[0]
                    counter[0] += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                elif nxt in on:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        print(__doc__, file=sys.stderr)
        return 2
    targets = objects_by_target(sys.argv[1])
    if not targets:
        print(f"check_unit_cycles: no object files under {sys.argv[1]}", file=sys.stderr)
        return 2
    bad = 0
    n_objects = 0
    for target, objs in sorted(targets.items()):
        n_objects += len(objs)
        defs, uses = {}, {}
        for o in objs:
            d, u = symbols(o)
            uses[o] = u
            for s in d:
                defs[s] = o
        graph = {o: set() for o in objs}
        why = collections.defaultdict(list)
        for o in objs:
            for s in uses[o]:
                t = defs.get(s)
                if t and t != o:
                    graph[o].add(t)
                    why[(o, t)].append(s)
        for comp in cycles(graph):
            bad += 1
            name = lambda p: os.path.basename(p)[:-2]
            print(f"{os.path.relpath(target, sys.argv[1])}: files that call each other: "
                  + ", ".join(name(c) for c in comp))
            members = set(comp)
            for a in comp:
                for b in sorted(graph[a] & members):
                    print(f"    {name(a)} -> {name(b)}: {', '.join(sorted(why[(a, b)])[:4])}")
    print(f"check_unit_cycles: {len(targets)} targets, {n_objects} objects, {bad} cycle(s)")
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
