/* Writing mail: the compose flow. Composing and sending come with the send
 * module (branch send); until it is on main this screen says so. */
#include "common.h"

#include "tui/tui-private.h"

void compose_start(struct tui *t, enum cmd how)
{
	(void)how;
	tui_message(t, true, _("Writing mail is not available in this build yet."));
}

void compose_draw(struct tui *t, int top, int height)
{
	(void)t;
	(void)top;
	(void)height;
}

void compose_key(struct tui *t, enum cmd c)
{
	(void)c;
	t->screen = SCR_INDEX;
}

bool compose_unsaved(const struct tui *t)
{
	(void)t;
	return false;
}
