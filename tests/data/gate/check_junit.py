#!/usr/bin/env python3
"""Check a JUnit XML file the way a CI system reads it: valid against
tests/data/gate/junit.xsd (Jenkins' junit-10 shape), and the counts on
<testsuites> and each <testsuite> agree with its test cases.

usage: /usr/bin/python3 check_junit.py FILE.xml --tests N --failures F --errors E [--skipped S]
Prints one line per test case: "<classname> | <name> | pass|failure|error|skipped | message".
(junit-10 has no "skipped" on <testsuites>: skipped cases are counted per suite.)
"""
import argparse
import os
import sys

from lxml import etree

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--tests", type=int)
    ap.add_argument("--failures", type=int)
    ap.add_argument("--errors", type=int)
    ap.add_argument("--skipped", type=int)
    a = ap.parse_args()
    schema = etree.XMLSchema(etree.parse(os.path.join(HERE, "junit.xsd")))
    doc = etree.parse(a.file)
    if not schema.validate(doc):
        print("not valid against junit.xsd: %s" % schema.error_log, file=sys.stderr)
        return 1
    root = doc.getroot()
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        got = {"tests": len(cases),
               "failures": sum(1 for c in cases if c.find("failure") is not None),
               "errors": sum(1 for c in cases if c.find("error") is not None),
               "skipped": sum(1 for c in cases if c.find("skipped") is not None)}
        for k, v in got.items():
            if int(suite.get(k, "0")) != v:
                print("testsuite %r says %s=%s, has %d" % (suite.get("name"), k, suite.get(k), v),
                      file=sys.stderr)
                return 1
            total[k] += v
        for c in cases:
            bad = c.find("failure")
            if bad is None:
                bad = c.find("error")
            if bad is None:
                bad = c.find("skipped")
            print("%s | %s | %s | %s" % (c.get("classname"), c.get("name"),
                                         "pass" if bad is None else bad.tag,
                                         "" if bad is None else bad.get("message")))
    skipped = total.pop("skipped")
    if a.skipped is not None and a.skipped != skipped:
        print("expected skipped=%d, file has %d" % (a.skipped, skipped), file=sys.stderr)
        return 1
    for k, v in total.items():
        if int(root.get(k, "0")) != v:
            print("testsuites says %s=%s, has %d" % (k, root.get(k), v), file=sys.stderr)
            return 1
        want = getattr(a, k)
        if want is not None and want != v:
            print("expected %s=%d, file has %d" % (k, want, v), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
