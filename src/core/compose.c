/* Composing from an account: identity, signature, folders, the outbox. */
#include "common.h"

#include "conf/conf.h"
#include "core/compose.h"
#include "core/ops.h"
#include "core/outbox.h"
#include "store/store.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"
#include "util/paths.h"

#define USER_AGENT "postie/" PACKAGE_VERSION

void compose_identity_init(struct compose_identity *ci, const struct account_conf *a)
{
	memset(ci, 0, sizeof *ci);
	ci->id.name = a->real_name;
	ci->id.address = a->address;
	ARRAY(char *) alts = ARRAY_INIT;
	char *list = xstrdup(a->alternates ? a->alternates : "");
	char *save = NULL;
	for (char *t = strtok_r(list, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save))
		ARRAY_PUSH(&alts, xstrdup(t));
	free(list);
	ci->alternates = alts.v;
	ci->id.alternates = (const char *const *)alts.v;
	ci->id.n_alternates = alts.n;
}

void compose_identity_release(struct compose_identity *ci)
{
	for (size_t i = 0; i < ci->id.n_alternates; i++)
		free(ci->alternates[i]);
	free(ci->alternates);
	memset(ci, 0, sizeof *ci);
}

/* The signature file's text, or NULL (a missing file is only logged: it
 * must not keep anyone from writing mail). A new string. */
static char *signature(const struct account_conf *a)
{
	if (!a->signature_file)
		return NULL;
	struct buf b = BUF_INIT;
	struct err err = ERR_INIT;
	if (file_read_all(a->signature_file, &b, &err) < 0) {
		log_warn("signature_file: %s", err_msg(&err));
		err_clear(&err);
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static void reply_opts(const struct compose_ctx *ctx, const struct compose_identity *ci,
		       struct msg_reply_opts *o, char *sig)
{
	memset(o, 0, sizeof *o);
	o->id = &ci->id;
	o->attribution = ctx->global ? ctx->global->attribution : NULL;
	o->signature = sig;
}

void compose_new(const struct compose_ctx *ctx, struct msg_compose *c)
{
	struct compose_identity ci;
	compose_identity_init(&ci, ctx->conf);
	msg_compose_init(c);
	c->from = msg_identity_format(&ci.id);
	char *sig = signature(ctx->conf);
	if (sig) {
		buf_addc(&c->body, '\n');
		msg_compose_add_signature(c, sig);
	}
	free(sig);
	compose_identity_release(&ci);
}

int compose_reply(const struct compose_ctx *ctx, const char *raw, size_t len,
		  enum msg_reply_kind kind, struct msg_compose *c, struct err *err)
{
	struct compose_identity ci;
	compose_identity_init(&ci, ctx->conf);
	char *sig = signature(ctx->conf);
	struct msg_reply_opts o;
	reply_opts(ctx, &ci, &o, sig);
	int r = msg_compose_reply(c, raw, len, kind, &o, err);
	free(sig);
	compose_identity_release(&ci);
	return r;
}

void compose_forward(const struct compose_ctx *ctx, const char *raw, size_t len,
		     bool as_attachment, struct msg_compose *c)
{
	struct compose_identity ci;
	compose_identity_init(&ci, ctx->conf);
	char *sig = signature(ctx->conf);
	struct msg_reply_opts o;
	reply_opts(ctx, &ci, &o, sig);
	msg_compose_forward(c, raw, len, as_attachment, &o);
	free(sig);
	compose_identity_release(&ci);
}

static bool edit_headers(const struct compose_ctx *ctx)
{
	return ctx->global && ctx->global->edit_headers;
}

void compose_editor_text(const struct compose_ctx *ctx, const struct msg_compose *c,
			 struct buf *out)
{
	msg_compose_to_text(c, edit_headers(ctx), out);
}

int compose_editor_read(const struct compose_ctx *ctx, struct msg_compose *c, const char *text,
			size_t len, struct err *err)
{
	return msg_compose_from_text(c, text, len, edit_headers(ctx), err);
}

/* The name of the folder with role, if the store knows one. A new string. */
static char *folder_with_role(struct store_acct *store, enum store_role role)
{
	if (!store)
		return NULL;
	store_folders list = ARRAY_INIT;
	char *name = NULL;
	if (store_folder_list(store, &list, NULL) == 0)
		for (size_t i = 0; i < list.n && !name; i++)
			if (list.v[i].role == role)
				name = xstrdup(list.v[i].name);
	store_folders_release(&list);
	return name;
}

char *compose_sent_folder(const struct compose_ctx *ctx)
{
	if (!ctx->conf->save_sent)
		return NULL;
	if (ctx->conf->sent_folder)
		return xstrdup(ctx->conf->sent_folder);
	char *name = folder_with_role(ctx->store, ROLE_SENT);
	return name ? name : xstrdup("Sent");
}

char *compose_drafts_folder(const struct compose_ctx *ctx)
{
	if (ctx->conf->drafts_folder)
		return xstrdup(ctx->conf->drafts_folder);
	char *name = folder_with_role(ctx->store, ROLE_DRAFTS);
	return name ? name : xstrdup("Drafts");
}

int compose_send(const struct compose_ctx *ctx, const struct outbox_ctx *octx,
		 struct msg_compose *c, uint64_t *id_r, struct err *err)
{
	struct msg_build_opts o = { MSG_BUILD_SEND, 0, USER_AGENT };
	struct buf msg = BUF_INIT;
	struct msg_str_list rcpts = ARRAY_INIT;
	int r = msg_compose_build(c, &o, &msg, &rcpts, err);
	if (r == 0) {
		char *fcc = compose_sent_folder(ctx);
		struct outbox_new m = { msg.data, msg.len, NULL, (const char *const *)rcpts.v,
					rcpts.n, fcc };
		r = outbox_queue(octx, &m, id_r, err);
		free(fcc);
	}
	msg_str_list_release(&rcpts);
	buf_release(&msg);
	return r;
}

int compose_postpone(const struct compose_ctx *ctx, struct msg_compose *c, uint32_t *uid_r,
		     struct err *err)
{
	struct msg_build_opts o = { MSG_BUILD_DRAFT, 0, USER_AGENT };
	struct buf msg = BUF_INIT;
	int r = msg_compose_build(c, &o, &msg, NULL, err);
	char *name = r == 0 ? compose_drafts_folder(ctx) : NULL;
	struct store_folder f;
	memset(&f, 0, sizeof f);
	if (r == 0) {
		r = store_folder_get(ctx->store, name, &f, err);
		if (r == 0)
			r = store_folder_ensure(ctx->store, name, &f, err);
	}
	if (r >= 0) {
		struct ops_ctx oc = { ctx->conf, ctx->store };
		r = ops_append(&oc, f.id, msg.data, msg.len, MSG_DRAFT | MSG_SEEN, uid_r, err);
	}
	store_folder_release(&f);
	free(name);
	buf_release(&msg);
	return r < 0 ? -1 : 0;
}
