/* SPDX-License-Identifier: MIT */
/*
 * The session's state and the requests made on it: the layer every part
 * of the runtime stands on, above the connection (conn.c) and below
 * everything that sends (calls, mirrors, epochs, callbacks, parameters).
 * session.c opens and closes the session at the top; nothing here calls
 * up into it.
 */
#include <errno.h>
#include <string.h>

#include "rt-internal.h"

DUSK_API uintptr_t dusk_kbase = UINTPTR_MAX;
struct dusk_session *dusk_sess;

int dusk_msg_new(struct dusk_msg *m, uint8_t cmd)
{
	if (!dusk_sess) {
		m->buf = NULL;
		return -ENOTCONN;
	}
	return dusk_msg_init(m, dusk_conn_family(dusk_sess->conn), cmd, 0);
}

int dusk_request(struct dusk_msg *m, struct dusk_answer *ans)
{
	if (!dusk_sess) {
		memset(ans, 0, sizeof(*ans));
		return -ENOTCONN;
	}
	return dusk_conn_request(dusk_sess->conn, m, ans);
}
