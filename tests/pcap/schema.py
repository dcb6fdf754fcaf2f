#!/usr/bin/env python3
# The JSON-lines schema against what the program writes.
#
#	python3 tests/pcap/schema.py [FILE.jsonl...]
#
# man/rstwatchd-json.schema.json (JSON Schema 2020-12) is checked here with
# a validator for the part of the language it uses; a keyword outside that
# part fails the test rather than being ignored.  Then:
#   - every line of tests/pcap/expected/*.jsonl (and of the FILEs named,
#     such as a live daemon's output) is valid: an event, or a flow record;
#   - the keys are the same both ways: every key the program emits (seen in
#     those files, or named in lib/event_fmt.c's event_format_fields() and
#     lib/json.c, where the keys are written) is in the schema, and every
#     key of the schema is one of those;
#   - man/rstwatchd-json.5 lists exactly the schema's keys, events and flow
#     records apart, and names the schema's version.
# Prints one line per problem; the last line is
# "schema: N passed, M failed"; exit status 1 when M > 0.
import glob
import ipaddress
import json
import os
import re
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SCHEMA = os.path.join(TOP, "man", "rstwatchd-json.schema.json")
MAN = os.path.join(TOP, "man", "rstwatchd-json.5")

KNOWN = {"$schema", "$id", "title", "description", "oneOf", "$defs", "$ref",
         "type", "required", "additionalProperties", "properties", "enum",
         "pattern", "minimum", "maximum", "anyOf", "format", "items",
         "minItems", "maxItems"}
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    # JSON has one number type; bool is not a number here.
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}

passed = 0
failed = 0


def ok():
    global passed
    passed += 1


def fail(msg):
    global failed
    failed += 1
    print("FAIL: " + msg)


def keywords(node, where):
    """Every keyword used in the schema must be one this file implements."""
    bad = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k not in KNOWN:
                bad.append("%s: %s" % (where, k))
            if k in ("properties", "$defs"):
                for name, sub in v.items():
                    bad += keywords(sub, where + "/" + name)
            elif k in ("oneOf", "anyOf"):
                for i, sub in enumerate(v):
                    bad += keywords(sub, "%s/%s/%d" % (where, k, i))
            elif k == "items":
                bad += keywords(v, where + "/items")
    return bad


def is_format(fmt, v):
    if fmt == "ipv4":
        try:
            return isinstance(ipaddress.ip_address(v), ipaddress.IPv4Address)
        except ValueError:
            return False
    if fmt == "ipv6":
        # Canonical form only (RFC 5952), as SPEC 5 promises.
        try:
            a = ipaddress.ip_address(v)
        except ValueError:
            return False
        return isinstance(a, ipaddress.IPv6Address) and str(a) == v
    raise ValueError("unknown format " + fmt)


def errors(s, v, root, path):
    if "$ref" in s:
        return errors(resolve(root, s["$ref"]), v, root, path)
    errs = []
    if "oneOf" in s:
        n = sum(1 for sub in s["oneOf"] if not errors(sub, v, root, path))
        if n != 1:
            errs.append("%s: matches %d of the oneOf branches" % (path, n))
        return errs
    t = s.get("type")
    if t is not None and not TYPES[t](v):
        return ["%s: %r is not of type %s" % (path, v, t)]
    if "enum" in s and v not in s["enum"]:
        errs.append("%s: %r is not one of %s" % (path, v, s["enum"]))
    if "pattern" in s and not re.search(s["pattern"], v):
        errs.append("%s: %r does not match %s" % (path, v, s["pattern"]))
    if "minimum" in s and v < s["minimum"]:
        errs.append("%s: %r < %r" % (path, v, s["minimum"]))
    if "maximum" in s and v > s["maximum"]:
        errs.append("%s: %r > %r" % (path, v, s["maximum"]))
    if "format" in s and not is_format(s["format"], v):
        errs.append("%s: %r is not %s" % (path, v, s["format"]))
    if "anyOf" in s and all(errors(sub, v, root, path) for sub in s["anyOf"]):
        errs.append("%s: %r matches none of anyOf" % (path, v))
    if t == "array":
        if "minItems" in s and len(v) < s["minItems"]:
            errs.append("%s: fewer than %d items" % (path, s["minItems"]))
        if "maxItems" in s and len(v) > s["maxItems"]:
            errs.append("%s: more than %d items" % (path, s["maxItems"]))
        if "items" in s:
            for i, sub in enumerate(v):
                errs += errors(s["items"], sub, root, "%s[%d]" % (path, i))
    if t == "object":
        for k in s.get("required", []):
            if k not in v:
                errs.append("%s: required key %s missing" % (path, k))
        props = s.get("properties", {})
        for k, sub in v.items():
            if k in props:
                errs += errors(props[k], sub, root, path + "." + k)
            elif s.get("additionalProperties", True) is False:
                errs.append("%s: key %s is not in the schema" % (path, k))
    return errs


def resolve(root, ref):
    assert ref.startswith("#/"), ref
    node = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def source_keys():
    """The keys named where the program writes them."""
    with open(os.path.join(TOP, "lib", "event_fmt.c")) as f:
        fmt = f.read()
    with open(os.path.join(TOP, "lib", "json.c")) as f:
        js = f.read()
    body = fmt[fmt.index("\nevent_format_fields("):]
    body = body[:body.index("\n}\n")]
    ev = set(re.findall(r'\bfn\(arg, "([a-z_]+)"', body))
    evj = js[js.index("\nevent_format_json("):]
    evj = evj[:evj.index("\n}\n")]
    ev |= set(re.findall(r'jb_key\(&j, "([a-z_]+)"\)', evj))
    fl = js[js.index("\nflow_record_format_json("):]
    fl = fl[:fl.index("\n}\n")]
    flow = set(re.findall(r'jb_(?:key|kv_[a-z0-9]+)\(&j, "([a-z_]+)"', fl))
    return ev, flow


def path_keys():
    """The path record's keys (lib/path_fmt.c), %s being orig and resp."""
    with open(os.path.join(TOP, "lib", "path_fmt.c")) as f:
        src = f.read()
    keys = set()
    for k in re.findall(r'\\"([a-z_%]+)\\":', src):
        keys |= {k.replace("%s", d) for d in ("orig", "resp")}
    return keys


def man_keys():
    """The keys listed (.It Cm KEY) under EVENTS and FLOW RECORDS."""
    with open(MAN) as f:
        text = f.read()
    sect = {}
    cur = None
    for line in text.splitlines():
        if line.startswith(".Sh "):
            cur = line[4:].strip()
            sect.setdefault(cur, set())
        elif cur and line.startswith(".It Cm "):
            sect[cur].add(line[7:].split()[0])
    return sect.get("EVENTS", set()), sect.get("FLOW RECORDS", set()), \
        sect.get("PATH RECORDS", set()), text


def main():
    with open(SCHEMA) as f:
        schema = json.load(f)
    bad = keywords(schema, "")
    if bad:
        fail("schema: keywords this validator does not implement: " + ", ".join(bad))
    else:
        ok()
    ev_schema = set(schema["$defs"]["event"]["properties"])
    fl_schema = set(schema["$defs"]["flow"]["properties"])
    pa_schema = set(schema["$defs"]["path"]["properties"])

    files = sorted(glob.glob(os.path.join(TOP, "tests", "pcap", "expected", "*.jsonl")))
    files += sys.argv[1:]
    seen_ev, seen_fl, seen_pa = set(), set(), set()
    lines = 0
    for fn in files:
        with open(fn) as f:
            for n, line in enumerate(f, 1):
                lines += 1
                where = "%s:%d" % (os.path.relpath(fn, TOP), n)
                try:
                    obj = json.loads(line)
                except ValueError as e:
                    fail("%s: not JSON: %s" % (where, e))
                    continue
                errs = errors(schema, obj, schema, where)
                if not errs:
                    ok()
                    {"flow": seen_fl, "path": seen_pa}.get(obj.get("type"),
                                                           seen_ev).update(obj)
                    continue
                # Say why against the definition it was meant to be.
                d = "event"
                if isinstance(obj, dict) and obj.get("type") in ("flow", "path"):
                    d = obj["type"]
                fail("%s: not a valid %s: %s" % (where, d,
                     "; ".join(errors(schema["$defs"][d], obj, schema, where))))
    if lines == 0:
        fail("no JSON lines to check")

    src_ev, src_fl = source_keys()
    if not src_ev or not src_fl:
        fail("found no keys in lib/event_fmt.c or lib/json.c: the parser here is out of date")
    for what, schema_keys, emitted in (("event", ev_schema, seen_ev | src_ev),
                                       ("flow record", fl_schema, seen_fl | src_fl),
                                       ("path record", pa_schema, seen_pa | path_keys())):
        extra = sorted(emitted - schema_keys)
        if extra:
            fail("%s keys the program writes, not in the schema: %s" % (what, " ".join(extra)))
        else:
            ok()
        unused = sorted(schema_keys - emitted)
        if unused:
            fail("%s keys in the schema that the program never writes: %s" % (what, " ".join(unused)))
        else:
            ok()

    man_ev, man_fl, man_pa, text = man_keys()
    for what, schema_keys, listed in (("EVENTS", ev_schema, man_ev),
                                      ("FLOW RECORDS", fl_schema, man_fl),
                                      ("PATH RECORDS", pa_schema, man_pa)):
        if listed == schema_keys:
            ok()
        else:
            fail("rstwatchd-json(5) %s: not in the schema: %s; not listed: %s" % (
                 what, " ".join(sorted(listed - schema_keys)) or "-",
                 " ".join(sorted(schema_keys - listed)) or "-"))
    version = schema["$id"].rsplit(":", 1)[1]
    if re.search(r"^\.Ss Schema version %s$" % re.escape(version), text, re.M) and \
            version in schema["title"]:
        ok()
    else:
        fail("schema version %s: not the one rstwatchd-json(5) and the title name" % version)

    untested = sorted((ev_schema - seen_ev) | (fl_schema - seen_fl) |
                      (pa_schema - seen_pa))
    print("schema: %d lines valid; keys no pcap case shows (written by the live "
          "daemon only): %s" % (lines, " ".join(untested) or "none"))
    print("schema: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


sys.exit(main())
