/*
 * Privilege drop in the order that cannot be undone halfway: groups, then
 * gid, then the capability bounding set (emptying it needs CAP_SETPCAP,
 * which root has only until it changes its uid), then uid (root can no
 * longer change them afterwards), then the capabilities a non-root
 * process may still hold (systemd's AmbientCapabilities), then
 * no_new_privs.
 */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"

/*
 * Empty the bounding set, so that nothing executed later could gain a
 * capability back.  Without CAP_SETPCAP (started unprivileged, as the
 * unit does, whose CapabilityBoundingSet= already bounds it) it cannot be
 * done and is not tried.
 */
static int
capbset_clear(void)
{
	if (prctl(PR_CAPBSET_READ, CAP_SETPCAP, 0, 0, 0) != 1 ||
	    geteuid() != 0)
		return 0;
	for (unsigned long cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0;
	    cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		/* Root without CAP_SETPCAP (a container): said, not fatal. */
		if (errno == EPERM) {
			log_warnx("cannot empty the capability bounding set "
			    "(no CAP_SETPCAP); going on with it as it is");
			return 0;
		}
		return -1;
	}
	return 0;
}

static int
caps_clear(bool keep_net_raw)
{
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	uint32_t keep = 0;

	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	hdr.pid = 0;
	if (keep_net_raw && syscall(SYS_capget, &hdr, data) == 0)
		keep = data[0].permitted & (1U << CAP_NET_RAW);
	memset(data, 0, sizeof(data));
	/* Permitted only: effective just while a capture is reopened. */
	data[0].permitted = keep;
	/* Ambient capabilities would come back on exec; clear them first. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)
		return -1;
	return (int)syscall(SYS_capset, &hdr, data);
}

int
privdrop(const char *user, bool keep_net_raw)
{
	struct passwd *pw;

	pw = NULL;
	if (geteuid() == 0 && user != NULL && user[0] != '\0') {
		errno = 0;
		if ((pw = getpwnam(user)) == NULL) {
			log_errx("user \"%s\" does not exist: create it "
			    "(useradd --system %s) or set daemon.user", user, user);
			return -1;
		}
		/* Without KEEPCAPS the uid switch empties the permitted set. */
		if (keep_net_raw && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1) {
			log_warn("keepcaps");
			return -1;
		}
		if (setgroups(1, &pw->pw_gid) == -1 ||
		    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1) {
			log_warn("cannot switch to user %s", user);
			return -1;
		}
	}
	if (capbset_clear() == -1) {
		log_warn("cannot empty the capability bounding set");
		return -1;
	}
	if (pw != NULL &&
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1) {
		log_warn("cannot switch to user %s", user);
		return -1;
	}
	if (pw != NULL)
		(void)prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	/* An administrator expects a daemon that reads packets not to be root. */
	if (geteuid() == 0)
		log_warnx("WARNING: running as root (uid 0): daemon.user is "
		    "\"%s\"; name an unprivileged user (such as rstwatch) "
		    "there", user != NULL ? user : "");
	if (caps_clear(keep_net_raw) == -1) {
		log_warn("cannot drop capabilities");
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		log_warn("no_new_privs");
		return -1;
	}
	return 0;
}
