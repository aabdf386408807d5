/* The commands of the full-screen interface, the keys they are bound to, and
 * how key names are written in postie.conf.
 *
 * This is the catalogue that `bind` lines name, kept in the core (it has no
 * curses in it) so that check-config can validate them like any other key
 * and the help screen (`?`) can be generated from it. The front end maps
 * its terminal's key codes to the key ids below and asks keymap_lookup()
 * what to do.
 *
 * Contexts are the screens a binding applies to: a key is looked up in the
 * screen's own context first, then in "generic". "editor" is the line editor
 * of prompts.
 *
 * Key ids (uint32_t): a Unicode code point for a character (control keys are
 * their C0 code points: ^F is 6, Tab 9, Esc 27), PK_NAMED_BASE + n for the
 * named keys below (PK_*), and PKF_META or-ed in for a key pressed with Alt/Meta
 * (or after Esc). Enter is always PK_ENTER, never 10 or 13.
 *
 * Key names in postie.conf (keyspec_parse): a single character ("j", "é"),
 * "<Down>" and the other names below in angle brackets (any case), "^F" or
 * "\Cf" for a control key, "\t", "\n", "\r", "\e" (Esc), "M-x", "\ex" or
 * "<Esc>x" for a meta key. */
#ifndef POSTIE_CORE_COMMANDS_H
#define POSTIE_CORE_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct conf_diags;

#define CMD_CONTEXTS(X) \
	X(CTX_GENERIC, "generic") \
	X(CTX_INDEX, "index") \
	X(CTX_PAGER, "pager") \
	X(CTX_ATTACH, "attach") \
	X(CTX_COMPOSE, "compose") \
	X(CTX_BROWSER, "browser") \
	X(CTX_OUTBOX, "outbox") \
	X(CTX_EDITOR, "editor")

enum cmd_ctx {
#define X(id, name) id,
	CMD_CONTEXTS(X)
#undef X
	CTX_N
};

/* Every command: id, name in postie.conf, help text. */
#define CMD_LIST(X) \
	X(CMD_NOOP, "noop", N_("do nothing (unbinds a key)")) \
	/* moving */ \
	X(CMD_NEXT_ENTRY, "next-entry", N_("move to the next entry")) \
	X(CMD_PREV_ENTRY, "previous-entry", N_("move to the previous entry")) \
	X(CMD_NEXT_PAGE, "next-page", N_("move one page down")) \
	X(CMD_PREV_PAGE, "previous-page", N_("move one page up")) \
	X(CMD_HALF_DOWN, "half-down", N_("move half a page down")) \
	X(CMD_HALF_UP, "half-up", N_("move half a page up")) \
	X(CMD_FIRST_ENTRY, "first-entry", N_("move to the first entry")) \
	X(CMD_LAST_ENTRY, "last-entry", N_("move to the last entry")) \
	X(CMD_NEXT_UNREAD, "next-unread", N_("move to the next unread message")) \
	X(CMD_PREV_UNREAD, "previous-unread", N_("move to the previous unread message")) \
	X(CMD_NEXT_LINE, "next-line", N_("scroll one line down")) \
	X(CMD_PREV_LINE, "previous-line", N_("scroll one line up")) \
	X(CMD_TOP, "top", N_("go to the top of the message")) \
	X(CMD_BOTTOM, "bottom", N_("go to the bottom of the message")) \
	X(CMD_OPEN, "display-message", N_("open the entry under the cursor")) \
	X(CMD_EXIT, "exit", N_("leave this screen")) \
	X(CMD_QUIT, "quit", N_("quit postie")) \
	X(CMD_HELP, "help", N_("list the keys of this screen")) \
	X(CMD_REDRAW, "redraw-screen", N_("clear and redraw the screen")) \
	X(CMD_CANCEL, "cancel", N_("stop the running network operation")) \
	/* messages */ \
	X(CMD_DELETE, "delete-message", N_("delete the message")) \
	X(CMD_UNDELETE, "undelete-message", N_("undelete the message")) \
	X(CMD_FLAG, "flag-message", N_("toggle the message's flag")) \
	X(CMD_TOGGLE_NEW, "toggle-new", N_("toggle the message between read and unread")) \
	X(CMD_MARK_READ, "mark-read", N_("mark the message read")) \
	X(CMD_TAG, "tag-entry", N_("tag or untag the message")) \
	X(CMD_TAG_PATTERN, "tag-pattern", N_("tag the messages matching a pattern")) \
	X(CMD_UNTAG_PATTERN, "untag-pattern", N_("untag the messages matching a pattern")) \
	X(CMD_TAG_PREFIX, "tag-prefix", N_("apply the next command to the tagged messages")) \
	X(CMD_MOVE, "save-message", N_("move the message to a folder")) \
	X(CMD_COPY, "copy-message", N_("copy the message to a folder")) \
	X(CMD_SEARCH, "search", N_("search for a pattern")) \
	X(CMD_SEARCH_REVERSE, "search-reverse", N_("search backwards for a pattern")) \
	X(CMD_SEARCH_NEXT, "search-next", N_("repeat the last search")) \
	X(CMD_SEARCH_OPPOSITE, "search-opposite", N_("repeat the last search backwards")) \
	X(CMD_LIMIT, "limit", N_("show only the messages matching a pattern")) \
	X(CMD_SORT, "sort-mailbox", N_("change the sort order")) \
	X(CMD_SORT_REVERSE, "sort-reverse", N_("reverse the sort order")) \
	X(CMD_COLLAPSE_THREAD, "collapse-thread", N_("collapse or expand the thread")) \
	X(CMD_COLLAPSE_ALL, "collapse-all", N_("collapse or expand every thread")) \
	X(CMD_REPLY, "reply", N_("reply to the sender")) \
	X(CMD_GROUP_REPLY, "group-reply", N_("reply to the sender and every recipient")) \
	X(CMD_LIST_REPLY, "list-reply", N_("reply to the mailing list")) \
	X(CMD_FORWARD, "forward-message", N_("forward the message")) \
	X(CMD_COMPOSE, "mail", N_("write a new message")) \
	X(CMD_CHANGE_FOLDER, "change-folder", N_("open another folder")) \
	X(CMD_CHANGE_ACCOUNT, "change-account", N_("open another account")) \
	X(CMD_SIDEBAR_TOGGLE, "sidebar-toggle", N_("show or hide the sidebar")) \
	X(CMD_SIDEBAR_NEXT, "sidebar-next", N_("highlight the next folder in the sidebar")) \
	X(CMD_SIDEBAR_PREV, "sidebar-previous", N_("highlight the previous folder in the sidebar")) \
	X(CMD_SIDEBAR_OPEN, "sidebar-open", N_("open the highlighted folder")) \
	X(CMD_FETCH, "fetch-mail", N_("synchronise the account now")) \
	X(CMD_EXPUNGE, "sync-mailbox", N_("expunge the deleted messages")) \
	X(CMD_OUTBOX, "view-outbox", N_("show the messages waiting to be sent")) \
	X(CMD_CREATE_FOLDER, "create-mailbox", N_("create a folder")) \
	X(CMD_RENAME_FOLDER, "rename-mailbox", N_("rename a folder")) \
	X(CMD_DELETE_FOLDER, "delete-mailbox", N_("delete a folder and the messages in it")) \
	X(CMD_SUBSCRIBE, "subscribe", N_("subscribe to a folder")) \
	X(CMD_UNSUBSCRIBE, "unsubscribe", N_("unsubscribe from a folder")) \
	/* the pager */ \
	X(CMD_TOGGLE_HEADERS, "display-toggle-weed", N_("show all headers or only the usual ones")) \
	X(CMD_VIEW_RAW, "view-raw-message", N_("show the message as it was received")) \
	X(CMD_VIEW_ATTACH, "view-attachments", N_("list the message's attachments")) \
	/* attachments */ \
	X(CMD_SAVE_ATTACH, "save-entry", N_("save the attachment to a file")) \
	X(CMD_OPEN_ATTACH, "view-mailcap", N_("open the attachment with its mailcap viewer")) \
	/* the compose review screen */ \
	X(CMD_EDIT_TO, "edit-to", N_("edit the To list")) \
	X(CMD_EDIT_CC, "edit-cc", N_("edit the Cc list")) \
	X(CMD_EDIT_BCC, "edit-bcc", N_("edit the Bcc list")) \
	X(CMD_EDIT_SUBJECT, "edit-subject", N_("edit the subject")) \
	X(CMD_EDIT_FROM, "edit-from", N_("change the identity (account) it is sent from")) \
	X(CMD_EDIT_MESSAGE, "edit-message", N_("edit the message in the editor")) \
	X(CMD_ATTACH_FILE, "attach-file", N_("attach a file")) \
	X(CMD_DETACH_FILE, "detach-file", N_("remove the attachment under the cursor")) \
	X(CMD_SEND, "send-message", N_("send the message")) \
	X(CMD_POSTPONE, "postpone-message", N_("keep the message in Drafts for later")) \
	X(CMD_ABORT, "abort-message", N_("throw the message away")) \
	/* the outbox view */ \
	X(CMD_OUTBOX_HOLD, "hold-message", N_("keep the message back, or release it")) \
	X(CMD_OUTBOX_RETRY, "retry-message", N_("try sending the message again now")) \
	X(CMD_OUTBOX_REMOVE, "remove-message", N_("remove the message from the outbox")) \
	/* the line editor */ \
	X(CMD_BACKWARD_CHAR, "backward-char", N_("move the cursor left")) \
	X(CMD_FORWARD_CHAR, "forward-char", N_("move the cursor right")) \
	X(CMD_BACKWARD_WORD, "backward-word", N_("move the cursor a word left")) \
	X(CMD_FORWARD_WORD, "forward-word", N_("move the cursor a word right")) \
	X(CMD_BOL, "bol", N_("move to the start of the line")) \
	X(CMD_EOL, "eol", N_("move to the end of the line")) \
	X(CMD_BACKSPACE, "backspace", N_("delete the character before the cursor")) \
	X(CMD_DELETE_CHAR, "delete-char", N_("delete the character under the cursor")) \
	X(CMD_KILL_WORD, "kill-word", N_("delete the word before the cursor")) \
	X(CMD_KILL_LINE, "kill-line", N_("delete the whole line")) \
	X(CMD_KILL_EOL, "kill-eol", N_("delete to the end of the line")) \
	X(CMD_COMPLETE, "complete", N_("complete the name")) \
	X(CMD_HISTORY_UP, "history-up", N_("the previous entry of the history")) \
	X(CMD_HISTORY_DOWN, "history-down", N_("the next entry of the history"))

enum cmd {
#define X(id, name, help) id,
	CMD_LIST(X)
#undef X
	CMD_N
};

/* ---- Key ids ---- */

#define PKF_META 0x40000000u
#define PK_NAMED_BASE 0x200000u

#define PK_NAMES(X) \
	X(PK_ENTER, "Enter") \
	X(PK_UP, "Up") \
	X(PK_DOWN, "Down") \
	X(PK_LEFT, "Left") \
	X(PK_RIGHT, "Right") \
	X(PK_HOME, "Home") \
	X(PK_END, "End") \
	X(PK_PGUP, "PageUp") \
	X(PK_PGDN, "PageDown") \
	X(PK_INSERT, "Insert") \
	X(PK_DELETE, "Delete") \
	X(PK_BACKSPACE, "Backspace") \
	X(PK_BACKTAB, "BackTab") \
	X(PK_F1, "F1") X(PK_F2, "F2") X(PK_F3, "F3") X(PK_F4, "F4") \
	X(PK_F5, "F5") X(PK_F6, "F6") X(PK_F7, "F7") X(PK_F8, "F8") \
	X(PK_F9, "F9") X(PK_F10, "F10") X(PK_F11, "F11") X(PK_F12, "F12")

enum key_named {
	PK_NAMED_FIRST_ = PK_NAMED_BASE - 1,
#define X(id, name) id,
	PK_NAMES(X)
#undef X
	PK_NAMED_END_
};

#define PK_TAB 9u
#define PK_ESC 27u
#define PK_SPACE 32u
#define PK_CTRL(c) ((uint32_t)((c) & 0x1f))

/* ---- The catalogue ---- */

const char *command_name(enum cmd c);
/* The help text, translated. */
const char *command_help(enum cmd c);
/* The command called name, or -1. */
int command_find(const char *name);
const char *command_ctx_name(enum cmd_ctx ctx);
/* Whether the command means something in ctx (so the help of ctx lists it
 * and a binding there is accepted). Every command is valid in generic. */
bool command_valid_in(enum cmd c, enum cmd_ctx ctx);

/* ---- Key names ---- */

/* Parses one key name (see above). Returns 0 and *key_r, or -1. */
int keyspec_parse(const char *s, uint32_t *key_r);
/* Appends the readable name of key to out: "j", "<Down>", "^F", "M-v". */
void keyspec_format(uint32_t key, struct buf *out);

/* ---- Key maps ---- */

struct keymap;

/* A key map with the default bindings (mutt's, where mutt has one). */
struct keymap *keymap_new(void);
void keymap_free(struct keymap **km);
/* Binds key to cmd in ctx (CMD_NOOP unbinds it). */
void keymap_bind(struct keymap *km, enum cmd_ctx ctx, uint32_t key, enum cmd cmd);
/* What key does in ctx (its own binding, else generic's), or CMD_NOOP. */
enum cmd keymap_lookup(const struct keymap *km, enum cmd_ctx ctx, uint32_t key);

/* Applies one `bind` value, "CONTEXT[,CONTEXT...] KEY COMMAND". Returns NULL
 * or a message (caller frees) saying what is wrong. */
char *keymap_apply_line(struct keymap *km, const char *line);

/* One row of a help screen: a key and its command. */
struct keymap_entry {
	uint32_t key;
	enum cmd cmd;
	bool generic;           /* inherited from the generic context */
};

/* The bindings active in ctx (its own and generic's not overridden), sorted
 * by command, into a new array (*n_r entries) the caller frees. */
struct keymap_entry *keymap_list(const struct keymap *km, enum cmd_ctx ctx, size_t *n_r);
/* The first key bound to cmd in ctx, or 0. */
uint32_t keymap_key_for(const struct keymap *km, enum cmd_ctx ctx, enum cmd cmd);

#endif
