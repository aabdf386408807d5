/* Prompts in the bottom line: a line editor (left/right, word moves,
 * home/end, kill word/line/to end, history, completion), hidden input for
 * passwords, yes/no confirmations and one-key choices. One prompt at a time;
 * while it is open every key goes to it. Keys come through the "editor"
 * context of the key map, so they are rebindable too.
 *
 * The done callback gets the answer (NULL when the user cancelled) and the
 * choice (the key chosen, 1/0 for yes/no); it may open another prompt.
 * Nothing here waits: the prompt is state that the loop feeds. */
#ifndef POSTIE_UI_PROMPT_H
#define POSTIE_UI_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tui;

enum prompt_history { HIST_NONE, HIST_SEARCH, HIST_LIMIT, HIST_FOLDER, HIST_ADDRESS,
		      HIST_FILE, HIST_SUBJECT, HIST_N };

typedef void prompt_done_fn(struct tui *t, void *aux, const char *answer, int choice);

/* Candidates for the word before the cursor: complete(t, aux, word) fills
 * out with new strings (NULL-ended array the prompt frees). */
typedef char **prompt_complete_fn(struct tui *t, void *aux, const char *word);

struct prompt_opts {
	const char *label;
	const char *initial;
	enum prompt_history history;
	prompt_complete_fn *complete;
	bool secret;            /* show '*' for each character */
	bool word_after_comma;  /* completion works on the text after the last comma */
	const char *detail;     /* text shown above the prompt (a certificate...) */
};

void prompt_line(struct tui *t, const struct prompt_opts *o, prompt_done_fn *done, void *aux);
/* y/n; Enter takes default_yes. */
void prompt_yesno(struct tui *t, const char *question, bool default_yes, prompt_done_fn *done,
		  void *aux);
/* One key of choices (e.g. "roa"); the done callback gets it as choice. */
void prompt_choice(struct tui *t, const char *question, const char *choices,
		   const char *detail, prompt_done_fn *done, void *aux);

/* Feeds a key to the open prompt. */
void prompt_key(struct tui *t, uint32_t key);
void prompt_draw(struct tui *t, int y);
/* Closes the open prompt as cancelled (calls its callback with NULL). */
void prompt_cancel(struct tui *t);
void prompt_history_release(void);
/* Completes a file name (a prompt_complete_fn). */
char **prompt_complete_path(struct tui *t, void *aux, const char *word);

#endif
