/*
 * The YAML syntax of the configuration (rstwatch.yaml(5)), read with
 * libyaml's event API.  Events rather than the document API because the
 * document API resolves aliases into shared nodes, so a small file with
 * nested aliases ("billion laughs") would expand into an exponential walk;
 * with events an alias is one event, and it is refused.
 *
 * The loader is a recursive descent over the event stream driven by a
 * schema table.  The recursion follows the schema, never the input: what
 * the schema does not know is skipped iteratively, with a depth limit.
 * Every error is recorded with the 1-based position of the offending node
 * and parsing goes on, so that one run reports every problem in a file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "conf.h"
#include "evidence.h"

/* Deeper than any real configuration (the schema needs 5). */
#define MAX_DEPTH	16
/* Longest key path: "ignore.rules[15].addresses" and the like. */
#define PATH_LEN	128
/* Bytes of a value or key quoted back in a message. */
#define SHOW_MAX	40
/* Keys longer than this are not worth a suggestion. */
#define SUGGEST_LEN	64
/* Entries in the largest key table (events has one per kind). */
#define MAX_KEYS	24

enum vtype {
	V_SECTION,	/* a mapping described by sub */
	V_UINT,		/* uint32_t in min..max */
	V_SYNRETRIES,	/* like V_UINT, or "auto" */
	V_SIZE,		/* uint32_t bytes, with K/M/G suffixes */
	V_BOOL,
	V_STRING,	/* char[size], checked by check */
	V_FACILITY,	/* int, LOG_* */
	V_SEVERITY,	/* enum severity */
	V_IFACES,	/* capture.interfaces */
	V_ADDRS,	/* ignore.addresses */
	V_PORTS,	/* ignore.ports */
	V_RULES,	/* ignore.rules */
	V_RULE_ADDRS,	/* ignore.rules[i].addresses */
	V_RULE_PORTS,	/* ignore.rules[i].ports */
	V_RULE_KINDS	/* ignore.rules[i].kinds */
};

enum scheck {
	S_ANY,
	S_IDENT,
	S_USER,
	S_PATH,
	S_PATH_OR_EMPTY,
	S_LISTEN
};

/*
 * One key of a mapping.  off is where the value lives, from the base of
 * the enclosing section; for a V_SECTION it moves the base, which is how
 * events.<kind> reaches its struct conf_kind.
 */
struct key {
	const char	*name;
	enum vtype	 type;
	size_t		 off;
	size_t		 size;		/* V_STRING: the buffer */
	uint32_t	 min;
	uint32_t	 max;
	enum scheck	 check;		/* V_STRING */
	const struct key *sub;		/* V_SECTION; NULL-named last entry */
};

#define K_UINT(n, s, f, lo, hi)	\
	{ n, V_UINT, offsetof(s, f), 0, lo, hi, S_ANY, NULL }
#define K_BOOL(n, s, f)	\
	{ n, V_BOOL, offsetof(s, f), 0, 0, 0, S_ANY, NULL }
#define K_STR(n, f, chk)	\
	{ n, V_STRING, offsetof(struct conf, f),	\
	  sizeof(((struct conf *)NULL)->f), 0, 0, chk, NULL }
#define K_SECT(n, sub)	{ n, V_SECTION, 0, 0, 0, 0, S_ANY, sub }
#define K_END		{ NULL, V_SECTION, 0, 0, 0, 0, S_ANY, NULL }

static const struct key capture_keys[] = {
	{ "interfaces", V_IFACES, 0, 0, 0, 0, S_ANY, NULL },
	K_STR("filter", filter, S_ANY),
	K_UINT("snaplen", struct conf, snaplen, 68, 262144),
	{ "buffer_size", V_SIZE, offsetof(struct conf, buffer_size), 0,
	    1024u * 1024, 1024u * 1024 * 1024, S_ANY, NULL },
	K_BOOL("promiscuous", struct conf, promiscuous),
	K_END
};

static const struct key threshold_keys[] = {
	{ "max_syn_retransmissions", V_SYNRETRIES,
	    offsetof(struct conf, max_syn_retransmissions), 0, 1, 100,
	    S_ANY, NULL },
	K_UINT("max_synack_retransmissions", struct conf,
	    max_synack_retransmissions, 1, 100),
	K_UINT("max_data_retransmissions", struct conf,
	    max_data_retransmissions, 1, 1000),
	K_END
};

static const struct key rst_rate_keys[] = {
	K_UINT("threshold", struct conf, rst_rate_threshold, 1, 1000000),
	K_UINT("window", struct conf, rst_rate_window_s, 1, 3600),
	K_END
};

/* events.<kind>: offsets from the struct conf_kind. */
static const struct key kind_keys[] = {
	K_BOOL("enabled", struct conf_kind, enabled),
	{ "severity", V_SEVERITY, offsetof(struct conf_kind, severity), 0,
	    0, 0, S_ANY, NULL },
	K_UINT("cooldown", struct conf_kind, cooldown_s, 0, 86400),
	K_END
};

#define KIND_KEY(kname, sev)						\
	{ #kname, V_SECTION, offsetof(struct conf, kinds) +		\
	    EV_##kname * sizeof(struct conf_kind), 0, 0, 0, S_ANY, kind_keys },
static const struct key event_keys[] = {
	EVENT_KINDS(KIND_KEY)
	K_END
};
#undef KIND_KEY

static const struct key ignore_keys[] = {
	{ "addresses", V_ADDRS, 0, 0, 0, 0, S_ANY, NULL },
	{ "ports", V_PORTS, 0, 0, 0, 0, S_ANY, NULL },
	{ "rules", V_RULES, 0, 0, 0, 0, S_ANY, NULL },
	K_BOOL("flow_records", struct conf, ignore_flow_records),
	K_END
};

/* ignore.rules[i]: values go to the struct conf_ignore_rule. */
static const struct key rule_keys[] = {
	{ "addresses", V_RULE_ADDRS, 0, 0, 0, 0, S_ANY, NULL },
	{ "ports", V_RULE_PORTS, 0, 0, 0, 0, S_ANY, NULL },
	{ "kinds", V_RULE_KINDS, 0, 0, 0, 0, S_ANY, NULL },
	K_END
};

static const struct key timeout_keys[] = {
	K_UINT("embryonic", struct conf, timeout_embryonic_s, 1, 86400),
	K_UINT("established", struct conf, timeout_established_s, 1, 604800),
	K_UINT("closed", struct conf, timeout_closed_s, 1, 3600),
	K_UINT("udp", struct conf, timeout_udp_s, 1, 86400),
	K_END
};

static const struct key flow_keys[] = {
	K_UINT("max_flows", struct conf, max_flows, 1024, 16777216),
	K_SECT("timeouts", timeout_keys),
	K_END
};

static const struct key syslog_keys[] = {
	K_BOOL("enabled", struct conf, syslog_enabled),
	{ "facility", V_FACILITY, offsetof(struct conf, syslog_facility), 0,
	    0, 0, S_ANY, NULL },
	K_STR("ident", syslog_ident, S_IDENT),
	K_END
};

static const struct key json_keys[] = {
	K_STR("path", json_path, S_PATH_OR_EMPTY),
	K_END
};

static const struct key output_keys[] = {
	K_SECT("syslog", syslog_keys),
	K_SECT("json", json_keys),
	K_END
};

static const struct key evidence_keys[] = {
	K_BOOL("enabled", struct conf, evidence_enabled),
	K_STR("directory", evidence_dir, S_PATH),
	{ "memory", V_SIZE, offsetof(struct conf, evidence_memory), 0,
	    1024u * 1024, 1024u * 1024 * 1024, S_ANY, NULL },
	K_UINT("max_files", struct conf, evidence_max_files, 1, 1000000),
	{ "max_bytes", V_SIZE, offsetof(struct conf, evidence_max_bytes), 0,
	    1024u * 1024, 4095u * 1024 * 1024, S_ANY, NULL },
	K_UINT("snaplen", struct conf, evidence_snaplen, 68, 65535),
	K_END
};

static const struct key daemon_keys[] = {
	K_STR("user", user, S_USER),
	K_STR("pidfile", pidfile, S_PATH),
	K_UINT("stats_interval", struct conf, stats_interval_s, 0, 86400),
	K_END
};

static const struct key metrics_keys[] = {
	K_STR("listen", metrics_listen, S_LISTEN),
	K_UINT("top_services", struct conf, metrics_top_services, 0,
	    CONF_TOP_SERVICES_MAX),
	K_END
};

static const struct key top_keys[] = {
	K_SECT("capture", capture_keys),
	K_SECT("thresholds", threshold_keys),
	K_SECT("rst_rate", rst_rate_keys),
	K_SECT("events", event_keys),
	K_SECT("ignore", ignore_keys),
	K_SECT("flows", flow_keys),
	K_SECT("output", output_keys),
	K_SECT("evidence", evidence_keys),
	K_SECT("daemon", daemon_keys),
	K_SECT("metrics", metrics_keys),
	K_END
};

_Static_assert(EV_NKINDS < MAX_KEYS, "events has more keys than MAX_KEYS");

struct loader {
	yaml_parser_t	 parser;
	yaml_event_t	 ev;		/* the current event, when have_ev */
	bool		 have_ev;
	bool		 stop;		/* no more events: error or too deep */
	unsigned	 depth;		/* open mappings and sequences */
	const char	*text;
	size_t		 len;
	struct conf	*c;
	struct conf_errors *errs;
	char		 path[PATH_LEN];	/* key path of the value */
	yaml_mark_t	 snaplen_mark;	/* for the check against the kinds */
	yaml_mark_t	 evidence_mark;	/* evidence.memory, against max_flows */
};

/* The closest candidate seen so far for a misspelt name. */
struct suggestion {
	const char	*name;
	unsigned	 dist;
};

static void	lerr(struct loader *, yaml_mark_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	syntax_error(struct loader *);
static bool	next(struct loader *);
static bool	skip_node(struct loader *);
static bool	is_start(const struct loader *);
static bool	is_null(const struct loader *);
static bool	scalar_has_nul(const struct loader *);
static const char *show(const char *, size_t, char *, size_t);
static const char *describe(const struct loader *, char *, size_t);
static void	expected(struct loader *, const char *);
static size_t	path_push(struct loader *, const char *);
static void	path_pop(struct loader *, size_t);
static unsigned	edit_distance(const char *, size_t, const char *, size_t);
static void	suggest(struct suggestion *, const char *, size_t,
		    const char *);
static bool	parse_uint(const char *, size_t, uint64_t, uint64_t *);
static bool	parse_size(const char *, size_t, uint64_t *);
static bool	parse_bool(const char *, bool *);
static bool	parse_port_range(const char *, size_t,
		    struct conf_port_range *);
static void	load_stream(struct loader *);
static bool	load_mapping(struct loader *, const struct key *, char *);
static void	unknown_key(struct loader *, const struct key *);
static bool	load_value(struct loader *, const struct key *, char *);
static void	load_uint(struct loader *, const struct key *, char *);
static void	load_size(struct loader *, const struct key *, char *);
static void	load_bool(struct loader *, const struct key *, char *);
static void	load_string(struct loader *, const struct key *, char *);
static void	load_facility(struct loader *, char *);
static void	load_severity(struct loader *, char *);
static bool	load_ifaces(struct loader *);
static bool	load_ignore_list(struct loader *, const char *, const char *,
		    bool (*)(struct loader *, void *), void *, size_t, size_t,
		    size_t *);
static bool	parse_ignore_addr(struct loader *, void *);
static bool	parse_ignore_port(struct loader *, void *);
static bool	load_addrs(struct loader *, struct addr_prefix *, size_t,
		    size_t *);
static bool	load_ports(struct loader *, struct conf_port_range *, size_t,
		    size_t *);
static bool	load_rules(struct loader *);
static bool	load_rule_kinds(struct loader *, struct conf_ignore_rule *);

int
conf_parse_yaml(struct conf *out, const char *text, size_t len,
    struct conf_errors *errs)
{
	struct loader ld;
	struct conf c;

	errs->n = 0;
	errs->dropped = 0;
	conf_defaults(&c);

	memset(&ld, 0, sizeof(ld));
	ld.c = &c;
	ld.errs = errs;
	ld.text = text != NULL ? text : "";
	ld.len = text != NULL ? len : 0;
	if (!yaml_parser_initialize(&ld.parser)) {
		conf_error_add(errs, 1, 1, "out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&ld.parser,
	    (const unsigned char *)ld.text, ld.len);

	load_stream(&ld);
	/* Checked when the rest is right: it depends on several keys. */
	if (errs->n == 0 && errs->dropped == 0) {
		char msg[CONF_ERR_MAX];

		if (conf_check_snaplen(&c, msg, sizeof(msg)) != NULL)
			lerr(&ld, ld.snaplen_mark, "capture.snaplen: %s", msg);
		if (c.evidence_enabled && c.evidence_memory <
		    evidence_min_memory(c.evidence_snaplen))
			lerr(&ld, ld.evidence_mark, "evidence.memory: %u bytes "
			    "cannot hold 16 packets of evidence.snaplen %u: "
			    "set at least %zu", c.evidence_memory,
			    c.evidence_snaplen,
			    evidence_min_memory(c.evidence_snaplen));
	}

	if (ld.have_ev)
		yaml_event_delete(&ld.ev);
	yaml_parser_delete(&ld.parser);

	/* All or nothing: a half-read file never becomes the configuration. */
	if (errs->n > 0 || errs->dropped > 0)
		return -1;
	memcpy(out, &c, sizeof(c));
	return 0;
}

/* An error at a libyaml mark, which counts from 0. */
static void
lerr(struct loader *ld, yaml_mark_t mark, const char *fmt, ...)
{
	/* Larger than an error: conf_error_add() marks what it cuts. */
	char msg[CONF_ERR_MAX * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conf_error_add(ld->errs, (unsigned)mark.line + 1,
	    (unsigned)mark.column + 1, "%s", msg);
}

static void
syntax_error(struct loader *ld)
{
	yaml_parser_t *p = &ld->parser;
	const char *problem = p->problem != NULL ? p->problem : "error";
	yaml_mark_t mark;
	size_t off;

	switch (p->error) {
	case YAML_READER_ERROR:
		/*
		 * The reader reports a byte offset, not a mark: count the
		 * lines in the text up to it.
		 */
		memset(&mark, 0, sizeof(mark));
		off = p->problem_offset < ld->len ? p->problem_offset : ld->len;
		for (size_t i = 0; i < off; i++) {
			if (ld->text[i] == '\n' ||
			    (ld->text[i] == '\r' && (i + 1 >= ld->len ||
			    ld->text[i + 1] != '\n'))) {
				mark.line++;
				mark.column = 0;
			} else
				mark.column++;
		}
		if (p->problem_value != -1)
			lerr(ld, mark, "invalid text: %s (#%X)", problem,
			    (unsigned)p->problem_value);
		else
			lerr(ld, mark, "invalid text: %s", problem);
		break;
	case YAML_SCANNER_ERROR:
	case YAML_PARSER_ERROR:
		if (p->context != NULL)
			lerr(ld, p->problem_mark,
			    "syntax error: %s (%s at line %zu column %zu)",
			    problem, p->context, p->context_mark.line + 1,
			    p->context_mark.column + 1);
		else
			lerr(ld, p->problem_mark, "syntax error: %s", problem);
		break;
	default:
		memset(&mark, 0, sizeof(mark));
		lerr(ld, mark, "cannot parse: %s",
		    p->error == YAML_MEMORY_ERROR ? "out of memory" : problem);
		break;
	}
}

/*
 * Advances to the next event.  False when there is none to be had: after
 * a syntax error, or when the nesting is too deep to be a configuration,
 * and from then on.  Properties the configuration has no use for are
 * reported here, once per node.
 */
static bool
next(struct loader *ld)
{
	yaml_event_t *ev = &ld->ev;
	const yaml_char_t *anchor = NULL, *tag = NULL;

	if (ld->stop)
		return false;
	if (ld->have_ev) {
		yaml_event_delete(ev);
		ld->have_ev = false;
	}
	if (!yaml_parser_parse(&ld->parser, ev)) {
		syntax_error(ld);
		ld->stop = true;
		return false;
	}
	ld->have_ev = true;

	switch (ev->type) {
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (++ld->depth > MAX_DEPTH) {
			lerr(ld, ev->start_mark,
			    "nesting deeper than %d levels", MAX_DEPTH);
			ld->stop = true;
			return false;
		}
		if (ev->type == YAML_SEQUENCE_START_EVENT) {
			anchor = ev->data.sequence_start.anchor;
			tag = ev->data.sequence_start.tag;
		} else {
			anchor = ev->data.mapping_start.anchor;
			tag = ev->data.mapping_start.tag;
		}
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		ld->depth--;
		break;
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		break;
	case YAML_ALIAS_EVENT:
		lerr(ld, ev->start_mark,
		    "aliases (*name) are not supported: write the value out");
		break;
	default:
		break;
	}
	if (anchor != NULL)
		lerr(ld, ev->start_mark,
		    "anchors (&name) are not supported: write the value out");
	if (tag != NULL)
		lerr(ld, ev->start_mark, "tags (!name) are not supported");
	return true;
}

/* Consumes the node that starts at the current event. */
static bool
skip_node(struct loader *ld)
{
	unsigned target;

	if (!is_start(ld))
		return true;
	target = ld->depth - 1;
	do {
		if (!next(ld))
			return false;
	} while (ld->depth != target);
	return true;
}

static bool
is_start(const struct loader *ld)
{
	return ld->ev.type == YAML_SEQUENCE_START_EVENT ||
	    ld->ev.type == YAML_MAPPING_START_EVENT;
}

/* A plain scalar that YAML reads as null: "key:" with nothing after it. */
static bool
is_null(const struct loader *ld)
{
	const char *v;

	if (ld->ev.type != YAML_SCALAR_EVENT ||
	    ld->ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)ld->ev.data.scalar.value;
	return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

/* A "\0" escape in a quoted scalar; C strings would silently cut it. */
static bool
scalar_has_nul(const struct loader *ld)
{
	return memchr(ld->ev.data.scalar.value, '\0',
	    ld->ev.data.scalar.length) != NULL;
}

/*
 * Bytes from the file are quoted back escaped and cut short, so that a
 * message is one printable line whatever the file holds.
 */
static const char *
show(const char *s, size_t n, char *buf, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 8 < size; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (i == SHOW_MAX) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (ch == '"' || ch == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)ch;
		} else if (ch < ' ' || ch >= 0x7f)
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
		else
			buf[o++] = (char)ch;
	}
	buf[o] = '\0';
	return buf;
}

/* What the current node is, for "expected X, got Y". */
static const char *
describe(const struct loader *ld, char *buf, size_t size)
{
	char tmp[SHOW_MAX * 4 + 8];

	switch (ld->ev.type) {
	case YAML_SCALAR_EVENT:
		if (ld->ev.data.scalar.length == 0 &&
		    ld->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			return "an empty value";
		snprintf(buf, size, "\"%s\"",
		    show((const char *)ld->ev.data.scalar.value,
		    ld->ev.data.scalar.length, tmp, sizeof(tmp)));
		return buf;
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_ALIAS_EVENT:
		return "an alias";
	default:
		return "something else";
	}
}

/* "expected what, got this", and the closest name when one is near. */
static void
expected_near(struct loader *ld, const char *what,
    const struct suggestion *s)
{
	char got[SHOW_MAX * 4 + 16];
	bool near = s != NULL && s->name != NULL;

	lerr(ld, ld->ev.start_mark, "%s: expected %s, got %s%s%s%s", ld->path,
	    what, describe(ld, got, sizeof(got)),
	    near ? " (did you mean \"" : "", near ? s->name : "",
	    near ? "\"?)" : "");
}

static void
expected(struct loader *ld, const char *what)
{
	expected_near(ld, what, NULL);
}

static size_t
path_push(struct loader *ld, const char *name)
{
	size_t old = strlen(ld->path);

	snprintf(ld->path + old, sizeof(ld->path) - old, "%s%s",
	    old > 0 ? "." : "", name);
	return old;
}

static void
path_pop(struct loader *ld, size_t old)
{
	ld->path[old] = '\0';
}

/*
 * Optimal string alignment distance: Levenshtein plus transposition of
 * neighbours, the commonest typing slip.  Lengths are bounded by caller.
 */
static unsigned
edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	unsigned rows[3][SUGGEST_LEN + 1];
	unsigned *pp, *p, *cur;

	for (size_t j = 0; j <= lb; j++)
		rows[1][j] = (unsigned)j;
	pp = rows[0];
	p = rows[1];
	cur = rows[2];
	for (size_t i = 1; i <= la; i++) {
		unsigned *t;

		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
			unsigned d = p[j - 1] + cost;

			if (p[j] + 1 < d)
				d = p[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			cur[j] = d;
		}
		t = pp;
		pp = p;
		p = cur;
		cur = t;
	}
	return p[lb];
}

/* Keeps the candidate if it is the closest so far, within 2 edits. */
static void
suggest(struct suggestion *s, const char *word, size_t len, const char *cand)
{
	size_t lc = strlen(cand);
	unsigned d;

	if (len > SUGGEST_LEN || lc > SUGGEST_LEN ||
	    (len > lc ? len - lc : lc - len) > 2)
		return;
	d = edit_distance(word, len, cand, lc);
	if (d <= 2 && (s->name == NULL || d < s->dist)) {
		s->name = cand;
		s->dist = d;
	}
}

/*
 * Decimal digits only: no sign, no "0x" or octal (YAML 1.1 would read
 * "010" as 8, so a leading zero is refused rather than guessed at).
 */
static bool
parse_uint(const char *s, size_t n, uint64_t limit, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > limit)
			return false;
	}
	*out = v;
	return true;
}

/* Bytes, or a number with K, M or G: powers of 1024, as buffers go. */
static bool
parse_size(const char *s, size_t n, uint64_t *out)
{
	uint64_t mult = 1, v;

	if (n > 0) {
		switch (s[n - 1]) {
		case 'k': case 'K':
			mult = 1024;
			break;
		case 'm': case 'M':
			mult = 1024 * 1024;
			break;
		case 'g': case 'G':
			mult = 1024 * 1024 * 1024;
			break;
		default:
			break;
		}
	}
	if (mult != 1)
		n--;
	/* Any value that fits in 40 bits times a suffix fits in 64. */
	if (!parse_uint(s, n, (uint64_t)1 << 40, &v))
		return false;
	*out = v * mult;
	return true;
}

static bool
parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };

	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* "80" or "1000-2000". */
static bool
parse_port_range(const char *s, size_t n, struct conf_port_range *r)
{
	const char *dash = memchr(s, '-', n);
	uint64_t lo, hi;

	if (dash == NULL) {
		if (!parse_uint(s, n, 65535, &lo))
			return false;
		hi = lo;
	} else if (!parse_uint(s, (size_t)(dash - s), 65535, &lo) ||
	    !parse_uint(dash + 1, n - (size_t)(dash - s) - 1, 65535, &hi))
		return false;
	if (lo == 0 || lo > hi)
		return false;
	r->lo = (uint16_t)lo;
	r->hi = (uint16_t)hi;
	return true;
}

static void
load_stream(struct loader *ld)
{
	if (!next(ld) || !next(ld))	/* STREAM-START, then a document */
		return;
	if (ld->ev.type == YAML_STREAM_END_EVENT)
		return;			/* only comments: all defaults */
	if (!next(ld))
		return;
	if (ld->ev.type == YAML_MAPPING_START_EVENT) {
		if (!load_mapping(ld, top_keys, (char *)ld->c))
			return;
	} else if (ld->ev.type == YAML_ALIAS_EVENT || is_null(ld)) {
		/* An alias was reported by next(); "---" alone is empty. */
	} else {
		lerr(ld, ld->ev.start_mark,
		    "the top level must be a mapping of sections "
		    "(capture:, thresholds:, ...)");
		if (!skip_node(ld))
			return;
	}
	if (!next(ld) || !next(ld))	/* DOCUMENT-END, then the next one */
		return;
	if (ld->ev.type == YAML_DOCUMENT_START_EVENT)
		lerr(ld, ld->ev.start_mark,
		    "only one document is allowed (a second \"---\")");
}

/*
 * The current event starts a mapping whose keys are described by keys;
 * values are stored from base.  Consumes through the MAPPING-END.
 */
static bool
load_mapping(struct loader *ld, const struct key *keys, char *base)
{
	yaml_mark_t first[MAX_KEYS];
	bool seen[MAX_KEYS] = { false };

	for (;;) {
		const struct key *k = NULL;
		size_t idx = 0, old;
		const char *name;
		size_t len;

		if (!next(ld))
			return false;
		if (ld->ev.type == YAML_MAPPING_END_EVENT)
			return true;

		if (ld->ev.type != YAML_SCALAR_EVENT) {
			if (ld->ev.type != YAML_ALIAS_EVENT)
				lerr(ld, ld->ev.start_mark,
				    "%s%sa key must be a name, not %s",
				    ld->path, ld->path[0] ? ": " : "",
				    ld->ev.type == YAML_SEQUENCE_START_EVENT ?
				    "a list" : "a mapping");
			if (!skip_node(ld) || !next(ld) || !skip_node(ld))
				return false;
			continue;
		}

		name = (const char *)ld->ev.data.scalar.value;
		len = ld->ev.data.scalar.length;
		for (size_t i = 0; keys[i].name != NULL; i++) {
			if (strlen(keys[i].name) == len &&
			    memcmp(keys[i].name, name, len) == 0) {
				k = &keys[i];
				idx = i;
				break;
			}
		}
		if (k == NULL) {
			unknown_key(ld, keys);
			if (!next(ld) || !skip_node(ld))
				return false;
			continue;
		}
		if (seen[idx]) {
			old = path_push(ld, k->name);
			lerr(ld, ld->ev.start_mark,
			    "duplicate key \"%s\" (first at line %zu)",
			    ld->path, first[idx].line + 1);
			path_pop(ld, old);
			if (!next(ld) || !skip_node(ld))
				return false;
			continue;
		}
		seen[idx] = true;
		first[idx] = ld->ev.start_mark;

		if (!next(ld))
			return false;
		old = path_push(ld, k->name);
		if (!load_value(ld, k, base)) {
			path_pop(ld, old);
			return false;
		}
		path_pop(ld, old);
	}
}

/* The current event is a key scalar that keys does not have. */
static void
unknown_key(struct loader *ld, const struct key *keys)
{
	const char *name = (const char *)ld->ev.data.scalar.value;
	size_t len = ld->ev.data.scalar.length;
	char shown[SHOW_MAX * 4 + 8];
	struct suggestion s = { NULL, 0 };

	if (len == 0) {
		lerr(ld, ld->ev.start_mark, "%s%sempty key", ld->path,
		    ld->path[0] ? ": " : "");
		return;
	}
	for (size_t i = 0; keys[i].name != NULL; i++)
		suggest(&s, name, len, keys[i].name);
	show(name, len, shown, sizeof(shown));
	if (s.name != NULL)
		lerr(ld, ld->ev.start_mark,
		    "unknown key \"%s%s%s\" (did you mean \"%s\"?)", ld->path,
		    ld->path[0] ? "." : "", shown, s.name);
	else
		lerr(ld, ld->ev.start_mark, "unknown key \"%s%s%s\"", ld->path,
		    ld->path[0] ? "." : "", shown);
}

/*
 * The current event starts the value of key k.  Consumes the whole value;
 * false only when parsing cannot go on.
 */
static bool
load_value(struct loader *ld, const struct key *k, char *base)
{
	struct conf_ignore_rule *rule;

	/* next() has reported the alias; skip the value without more noise. */
	if (ld->ev.type == YAML_ALIAS_EVENT)
		return true;

	switch (k->type) {
	case V_SECTION:
		if (ld->ev.type == YAML_MAPPING_START_EVENT)
			return load_mapping(ld, k->sub, base + k->off);
		/* A section whose keys are all commented out is empty. */
		if (is_null(ld))
			return true;
		expected(ld, "a mapping");
		return skip_node(ld);
	case V_IFACES:
		return load_ifaces(ld);
	case V_ADDRS:
		return load_addrs(ld, ld->c->ignore_addrs, CONF_MAX_IGNORE,
		    &ld->c->nignore_addrs);
	case V_PORTS:
		return load_ports(ld, ld->c->ignore_ports, CONF_MAX_IGNORE,
		    &ld->c->nignore_ports);
	case V_RULES:
		return load_rules(ld);
	case V_RULE_ADDRS:
		rule = (struct conf_ignore_rule *)(void *)base;
		return load_addrs(ld, rule->addrs, CONF_MAX_RULE_ITEMS,
		    &rule->naddrs);
	case V_RULE_PORTS:
		rule = (struct conf_ignore_rule *)(void *)base;
		return load_ports(ld, rule->ports, CONF_MAX_RULE_ITEMS,
		    &rule->nports);
	case V_RULE_KINDS:
		return load_rule_kinds(ld,
		    (struct conf_ignore_rule *)(void *)base);
	default:
		break;
	}

	/* Everything else is a single value. */
	switch (k->type) {
	case V_UINT:
	case V_SYNRETRIES:
		if (k->off == offsetof(struct conf, snaplen))
			ld->snaplen_mark = ld->ev.start_mark;
		load_uint(ld, k, base);
		break;
	case V_SIZE:
		if (k->off == offsetof(struct conf, evidence_memory))
			ld->evidence_mark = ld->ev.start_mark;
		load_size(ld, k, base);
		break;
	case V_BOOL:
		load_bool(ld, k, base);
		break;
	case V_STRING:
		load_string(ld, k, base);
		break;
	case V_FACILITY:
		load_facility(ld, base + k->off);
		break;
	case V_SEVERITY:
		load_severity(ld, base + k->off);
		break;
	default:
		break;
	}
	return skip_node(ld);
}

static void
load_uint(struct loader *ld, const struct key *k, char *base)
{
	char what[64];
	uint64_t v;
	uint32_t u;

	if (k->type == V_SYNRETRIES)
		snprintf(what, sizeof(what),
		    "an integer from %u to %u or \"auto\"", k->min, k->max);
	else
		snprintf(what, sizeof(what), "an integer from %u to %u",
		    k->min, k->max);
	if (ld->ev.type != YAML_SCALAR_EVENT) {
		expected(ld, what);
		return;
	}
	if (k->type == V_SYNRETRIES && !scalar_has_nul(ld) &&
	    strcasecmp((const char *)ld->ev.data.scalar.value, "auto") == 0) {
		u = CONF_SYN_RETRIES_AUTO;
		memcpy(base + k->off, &u, sizeof(u));
		return;
	}
	if (!parse_uint((const char *)ld->ev.data.scalar.value,
	    ld->ev.data.scalar.length, UINT32_MAX, &v) ||
	    v < k->min || v > k->max) {
		expected(ld, what);
		return;
	}
	u = (uint32_t)v;
	memcpy(base + k->off, &u, sizeof(u));
}

static void
load_size(struct loader *ld, const struct key *k, char *base)
{
	char what[80];
	uint64_t v;
	uint32_t u;

	snprintf(what, sizeof(what), "a size from %uM to %u%s (bytes, or a "
	    "number with K, M or G)", k->min >> 20, k->max >= 1u << 30 &&
	    k->max % (1u << 30) == 0 ? k->max >> 30 : k->max >> 20,
	    k->max >= 1u << 30 && k->max % (1u << 30) == 0 ? "G" : "M");
	if (ld->ev.type != YAML_SCALAR_EVENT ||
	    !parse_size((const char *)ld->ev.data.scalar.value,
	    ld->ev.data.scalar.length, &v) || v < k->min || v > k->max) {
		expected(ld, what);
		return;
	}
	u = (uint32_t)v;
	memcpy(base + k->off, &u, sizeof(u));
}

static void
load_bool(struct loader *ld, const struct key *k, char *base)
{
	bool b;

	if (ld->ev.type != YAML_SCALAR_EVENT || scalar_has_nul(ld) ||
	    !parse_bool((const char *)ld->ev.data.scalar.value, &b)) {
		expected(ld, "true or false (or yes/no, on/off)");
		return;
	}
	memcpy(base + k->off, &b, sizeof(b));
}

static void
load_string(struct loader *ld, const struct key *k, char *base)
{
	char got[SHOW_MAX * 4 + 16];
	const char *v, *why = NULL;
	size_t len;

	if (ld->ev.type != YAML_SCALAR_EVENT) {
		expected(ld, "a string");
		return;
	}
	if (is_null(ld)) {
		v = "";
		len = 0;
	} else {
		v = (const char *)ld->ev.data.scalar.value;
		len = ld->ev.data.scalar.length;
	}
	if (memchr(v, '\0', len) != NULL)
		why = "a NUL character is not allowed";
	else {
		switch (k->check) {
		case S_IDENT:
			why = conf_check_ident(v);
			break;
		case S_USER:
			why = conf_check_user(v);
			break;
		case S_PATH:
			why = conf_check_path(v);
			break;
		case S_PATH_OR_EMPTY:
			why = len > 0 ? conf_check_path(v) : NULL;
			break;
		case S_LISTEN:
			why = conf_check_listen(v, NULL, 0, NULL);
			break;
		case S_ANY:
			break;
		}
	}
	if (why == NULL && len >= k->size)
		why = "too long";
	if (why != NULL) {
		lerr(ld, ld->ev.start_mark, "%s: %s, got %s", ld->path, why,
		    describe(ld, got, sizeof(got)));
		return;
	}
	memset(base + k->off, 0, k->size);
	memcpy(base + k->off, v, len);
}

static void
load_facility(struct loader *ld, char *field)
{
	struct suggestion s = { NULL, 0 };
	const char *v;
	int f = -1;

	if (ld->ev.type == YAML_SCALAR_EVENT && !scalar_has_nul(ld))
		f = conf_facility_from_name(
		    (const char *)ld->ev.data.scalar.value);
	if (f >= 0) {
		memcpy(field, &f, sizeof(f));
		return;
	}
	if (ld->ev.type == YAML_SCALAR_EVENT) {
		/* The LOG_* facility codes are multiples of 8 below 24 * 8. */
		v = (const char *)ld->ev.data.scalar.value;
		for (int code = 0; code < 24 * 8; code += 8)
			if (strcmp(conf_facility_name(code), "unknown") != 0)
				suggest(&s, v, ld->ev.data.scalar.length,
				    conf_facility_name(code));
	}
	expected_near(ld, "a syslog facility (auth, authpriv, cron, daemon, "
	    "ftp, kern, lpr, mail, news, syslog, user, uucp, local0 to "
	    "local7)", &s);
}

static void
load_severity(struct loader *ld, char *field)
{
	struct suggestion s = { NULL, 0 };
	enum severity sev;
	int n = -1;

	if (ld->ev.type == YAML_SCALAR_EVENT && !scalar_has_nul(ld))
		n = severity_from_name((const char *)ld->ev.data.scalar.value);
	if (n >= 0) {
		sev = (enum severity)n;
		memcpy(field, &sev, sizeof(sev));
		return;
	}
	if (ld->ev.type == YAML_SCALAR_EVENT)
		for (int i = SEV_EMERG; i <= SEV_DEBUG; i++)
			suggest(&s, (const char *)ld->ev.data.scalar.value,
			    ld->ev.data.scalar.length,
			    severity_name((enum severity)i));
	expected_near(ld, "a severity (emerg, alert, crit, err, warning, "
	    "notice, info, debug)", &s);
}

/*
 * The lists below share a shape: the current event starts the list; each
 * entry must be a scalar; past the limit one error is enough.  A list
 * replaces the default as a whole.
 */
/*
 * The next item of a list of scalars: 1 with ld->ev on it, 0 at the end of
 * the list, -1 when the loader must stop.  Aliases, and items that are not
 * scalars (said as not what), are skipped and set *bad.
 */
static int
next_scalar_item(struct loader *ld, const char *what, bool *bad)
{
	for (;;) {
		if (!next(ld))
			return -1;
		if (ld->ev.type == YAML_SEQUENCE_END_EVENT)
			return 0;
		if (ld->ev.type == YAML_ALIAS_EVENT) {
			*bad = true;
			continue;
		}
		if (ld->ev.type != YAML_SCALAR_EVENT) {
			expected(ld, what);
			*bad = true;
			if (!skip_node(ld))
				return -1;
			continue;
		}
		return 1;
	}
}

static bool
load_ifaces(struct loader *ld)
{
	static const char what[] = "a list of 1 to 16 interface names";
	char names[CONF_MAX_INTERFACES][CONF_IFNAME_MAX];
	char got[SHOW_MAX * 4 + 16];
	yaml_mark_t start = ld->ev.start_mark;
	size_t n = 0;
	bool bad = false, full = false, dup;
	int more;

	if (ld->ev.type != YAML_SEQUENCE_START_EVENT) {
		expected(ld, what);
		return skip_node(ld);
	}
	memset(names, 0, sizeof(names));
	while ((more = next_scalar_item(ld, "an interface name", &bad)) == 1) {
		const char *v, *why;

		v = (const char *)ld->ev.data.scalar.value;
		why = scalar_has_nul(ld) ? "a NUL character is not allowed" :
		    conf_check_ifname(v);
		if (why != NULL) {
			lerr(ld, ld->ev.start_mark, "%s: %s, got %s", ld->path,
			    why, describe(ld, got, sizeof(got)));
			bad = true;
			continue;
		}
		if (n == CONF_MAX_INTERFACES) {
			if (!full)
				lerr(ld, ld->ev.start_mark,
				    "%s: too many interfaces (at most %d)",
				    ld->path, CONF_MAX_INTERFACES);
			full = true;
			continue;
		}
		dup = false;
		for (size_t i = 0; i < n && !dup; i++)
			dup = strcmp(names[i], v) == 0;
		if (dup) {
			lerr(ld, ld->ev.start_mark,
			    "%s: interface %s is listed twice", ld->path,
			    describe(ld, got, sizeof(got)));
			bad = true;
			continue;
		}
		memcpy(names[n++], v, strlen(v));
	}
	if (more == -1)
		return false;
	if (n == 0 && !bad) {
		lerr(ld, start, "%s: expected %s, got an empty list", ld->path,
		    what);
		return true;
	}
	memcpy(ld->c->interfaces, names, sizeof(names));
	ld->c->ninterfaces = n;
	return true;
}

/*
 * The next item of a list that holds at most max (n so far): 1 with ld->ev
 * on it, 0 at the end of the list, -1 when the loader must stop.  Aliases
 * are skipped; past max, one error names the items (many) and the rest
 * are skipped.
 */
static int
next_item(struct loader *ld, size_t n, size_t max, const char *many,
    bool *full)
{
	for (;;) {
		if (!next(ld))
			return -1;
		if (ld->ev.type == YAML_SEQUENCE_END_EVENT)
			return 0;
		if (ld->ev.type == YAML_ALIAS_EVENT)
			continue;
		if (n < max)
			return 1;
		if (!*full)
			lerr(ld, ld->ev.start_mark,
			    "%s: too many %s (at most %zu)", ld->path, many,
			    max);
		*full = true;
		if (!skip_node(ld))
			return -1;
	}
}

/*
 * An ignore list: each scalar item parsed by parse() into the next slot of
 * array (max slots of itemsize bytes); *count set when the list ends.  Bad
 * items are reported and skipped, so that every error of the list is
 * found.
 */
static bool
load_ignore_list(struct loader *ld, const char *what_list, const char *what,
    bool (*parse)(struct loader *, void *), void *array, size_t itemsize,
    size_t max, size_t *count)
{
	size_t n = 0;
	bool full = false;
	int more;

	if (is_null(ld)) {
		*count = 0;
		return true;
	}
	if (ld->ev.type != YAML_SEQUENCE_START_EVENT) {
		expected(ld, what_list);
		return skip_node(ld);
	}
	memset(array, 0, max * itemsize);
	while ((more = next_item(ld, n, max, "entries", &full)) == 1) {
		if (ld->ev.type != YAML_SCALAR_EVENT ||
		    !parse(ld, (char *)array + n * itemsize)) {
			expected(ld, what);
			if (!skip_node(ld))
				return false;
			continue;
		}
		n++;
	}
	if (more == -1)
		return false;
	*count = n;
	return true;
}

static bool
parse_ignore_addr(struct loader *ld, void *slot)
{
	return !scalar_has_nul(ld) && addr_prefix_parse(slot,
	    (const char *)ld->ev.data.scalar.value) == 0;
}

static bool
parse_ignore_port(struct loader *ld, void *slot)
{
	return parse_port_range((const char *)ld->ev.data.scalar.value,
	    ld->ev.data.scalar.length, slot);
}

static bool
load_addrs(struct loader *ld, struct addr_prefix *list, size_t max,
    size_t *count)
{
	return load_ignore_list(ld, "a list of addresses or prefixes",
	    "an address or prefix (192.0.2.0/24, 2001:db8::/32)",
	    parse_ignore_addr, list, sizeof(list[0]), max, count);
}

static bool
load_ports(struct loader *ld, struct conf_port_range *list, size_t max,
    size_t *count)
{
	return load_ignore_list(ld, "a list of ports or port ranges",
	    "a port from 1 to 65535 or a range such as \"1000-2000\"",
	    parse_ignore_port, list, sizeof(list[0]), max, count);
}

/*
 * ignore.rules: a list of mappings, each checked whole when it ends.  A
 * rule with neither addresses nor ports would silence its kinds on every
 * flow, which events.<kind>.enabled says more plainly: refused.
 */
static bool
load_rules(struct loader *ld)
{
	struct conf_ignore_rule *r;
	yaml_mark_t start;
	size_t n = 0, old, nerr;
	bool full = false;
	int more;

	if (is_null(ld)) {
		ld->c->nignore_rules = 0;
		return true;
	}
	if (ld->ev.type != YAML_SEQUENCE_START_EVENT) {
		expected(ld, "a list of rules, each a mapping of addresses, "
		    "ports and kinds");
		return skip_node(ld);
	}
	memset(ld->c->ignore_rules, 0, sizeof(ld->c->ignore_rules));
	while ((more = next_item(ld, n, CONF_MAX_IGNORE_RULES, "rules",
	    &full)) == 1) {
		/* "ignore.rules[2]", counted from 0 as jq and yq count. */
		old = strlen(ld->path);
		snprintf(ld->path + old, sizeof(ld->path) - old, "[%zu]", n);
		if (ld->ev.type != YAML_MAPPING_START_EVENT) {
			expected(ld, "a rule: a mapping of addresses, ports "
			    "and kinds");
			path_pop(ld, old);
			if (!skip_node(ld))
				return false;
			continue;
		}
		start = ld->ev.start_mark;
		r = &ld->c->ignore_rules[n];
		r->all_kinds = true;
		nerr = ld->errs->n + ld->errs->dropped;
		if (!load_mapping(ld, rule_keys, (char *)r)) {
			path_pop(ld, old);
			return false;
		}
		/* Not when its lists were wrong: that is said already. */
		if (r->naddrs == 0 && r->nports == 0 &&
		    ld->errs->n + ld->errs->dropped == nerr)
			lerr(ld, start, "%s: a rule needs addresses, ports or "
			    "both; without them it would silence every flow "
			    "(to turn a kind off, set events.<kind>.enabled: "
			    "false)", ld->path);
		path_pop(ld, old);
		n++;
	}
	if (more == -1)
		return false;
	ld->c->nignore_rules = n;
	return true;
}

/*
 * ignore.rules[i].kinds: names of event kinds.  capture_drop is about the
 * capture, not a flow, so no rule can match it; an empty list would make
 * a rule that silences nothing.  Both are refused rather than ignored.
 */
static bool
load_rule_kinds(struct loader *ld, struct conf_ignore_rule *r)
{
	static const char what[] = "a list of event kinds (app_reset, "
	    "syn_refused, ...)";
	char got[SHOW_MAX * 4 + 16];
	yaml_mark_t start = ld->ev.start_mark;
	uint32_t mask = 0, bit;
	bool bad = false;
	int k, more;

	if (ld->ev.type != YAML_SEQUENCE_START_EVENT) {
		expected(ld, what);
		return skip_node(ld);
	}
	while ((more = next_scalar_item(ld, "an event kind", &bad)) == 1) {
		struct suggestion s = { NULL, 0 };
		const char *v;

		v = (const char *)ld->ev.data.scalar.value;
		k = scalar_has_nul(ld) ? -1 : event_kind_from_name(v);
		if (k < 0) {
			for (int i = 0; i < EV_NKINDS; i++)
				suggest(&s, v, ld->ev.data.scalar.length,
				    event_kind_name((enum event_kind)i));
			expected_near(ld, "an event kind (the names under "
			    "events:)", &s);
			bad = true;
			continue;
		}
		if (k == EV_capture_drop) {
			lerr(ld, ld->ev.start_mark, "%s: capture_drop is about "
			    "the capture, not a flow, so no rule can match it "
			    "(set events.capture_drop.enabled: false)",
			    ld->path);
			bad = true;
			continue;
		}
		bit = 1u << k;
		if (mask & bit) {
			lerr(ld, ld->ev.start_mark, "%s: kind %s is listed "
			    "twice", ld->path, describe(ld, got, sizeof(got)));
			bad = true;
			continue;
		}
		mask |= bit;
	}
	if (more == -1)
		return false;
	if (mask == 0 && !bad)
		lerr(ld, start, "%s: expected %s, got an empty list (leave "
		    "kinds out to silence every kind)", ld->path, what);
	r->kinds = mask;
	r->all_kinds = false;
	return true;
}
