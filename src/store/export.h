/* Writing stored mail out in standard formats, so that nobody is locked in,
 * and reading a Maildir in (for tests and developers).
 *
 * Maildir: one file per message under DIR/cur (DIR/new for messages still
 * \Recent), named TIME.PID_UID.postie,S=SIZE:2,FLAGS with the standard flag
 * letters (D draft, F flagged, P passed = $Forwarded, R replied, S seen,
 * T trashed = \Deleted); line ends are LF; the file time is the message's.
 * mbox: the mboxrd variant (every line matching /^>*From / gets one more '>'),
 * "From SENDER DATE" separators, and the flags as Status/X-Status headers.
 *
 * Only messages whose body is stored can be written; the others are
 * counted in no_body. Everything is synced to disk before these return. */
#ifndef POSTIE_STORE_EXPORT_H
#define POSTIE_STORE_EXPORT_H

#include <stdint.h>

struct err;
struct store_acct;
struct store_folder;

struct store_export_stats {
	uint32_t written;
	uint32_t no_body;
};

/* Writes folder into the Maildir dir (created with its subdirectories when
 * missing; an existing Maildir is added to). */
int store_export_maildir(struct store_acct *acct, const struct store_folder *folder,
			 const char *dir, struct store_export_stats *st, struct err *err);
/* Writes folder into the new mbox file path; an existing file is refused. */
int store_export_mbox(struct store_acct *acct, const struct store_folder *folder,
		      const char *path, struct store_export_stats *st, struct err *err);
/* For a damaged account (opened with STORE_ACCT_SALVAGE): every body that can
 * be read, whatever the summaries say, into the Maildir dir, flags unknown. */
int store_export_salvage(struct store_acct *acct, const char *dir,
			 struct store_export_stats *st, struct err *err);
/* The path under root for folder's Maildir: its name split at the
 * hierarchy delimiter, each part made a safe file name. Caller frees. */
char *store_export_folder_path(const char *root, const struct store_folder *folder);

struct store_import_stats {
	uint32_t imported;
	uint32_t skipped;       /* unreadable files */
	uint32_t already;       /* POP3: a message with its UIDL is there */
};

/* Reads every message of the Maildir dir (cur and new) into folder_name
 * (created when missing): summaries from the headers, flags from the file
 * names, bodies as they are. POP3 accounts get local ids and the Maildir
 * name as UIDL; IMAP accounts get UIDs after the folder's highest. */
int store_import_maildir(struct store_acct *acct, const char *folder_name, const char *dir,
			 struct store_import_stats *st, struct err *err);

#endif
