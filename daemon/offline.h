#ifndef RSTWATCHD_OFFLINE_H
#define RSTWATCHD_OFFLINE_H

#include "analyzer.h"
#include "evidence.h"

/*
 * Feed each capture file, in order, through the analyser, keeping only the
 * packets that match filter (capture.filter, "" for all); then end every
 * flow.  Returns 0, or 2 when a file cannot be opened (reading stops
 * there) or was damaged or cut short (read up to the damage, then the
 * next file); logged.  store, when not NULL, is the analyser's evidence
 * store: packets of files that can be read again are held by reference.
 */
int	offline_run(struct analyzer *, struct evidence *store,
	    char *const *files, int nfiles, const char *filter);

#endif
