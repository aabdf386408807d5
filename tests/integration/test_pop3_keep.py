"""POP3 accounts that leave mail on the server: leave_on_server keeps every
message there (still downloaded once), delete_after_days removes each one
that many days after its download (the clock set through POSTIE_TEST_NOW),
and the configuration refuses keys that make no sense together."""
import os

from postie_test import TAP, Postie
from rig import Rig
from storetest import dump, maildir_count, maildir_messages

DAY = 86400
T0 = 1900000000        # a fixed "now" for the first download

t = TAP()
r = Rig.started_for(t)
p = Postie(t.tmpdir)


def sync(account, now):
    return p.run("sync", "-a", account, env={"POSTIE_TEST_NOW": str(now)})


# -- leave_on_server alone: never deleted ---------------------------------------------

r.write_postie_account(p, "keep", "bob", protocol="pop3", leave_on_server="yes")
r.seed("bob", 12, seed=5)
res = sync("keep", T0)
t.eq((res.returncode, res.stdout), (0, "keep: 12 new messages\n"), "leave_on_server: downloaded")
t.eq(maildir_count(r.maildir("bob")), 12, "leave_on_server: still on the server")
res = sync("keep", T0 + 400 * DAY)
t.eq(res.stdout, "keep: 0 new messages\n", "leave_on_server: not downloaded again")
t.eq(maildir_count(r.maildir("bob")), 12, "leave_on_server: kept however old")
d = dump(p, "keep")
t.eq(len(d.messages("INBOX")), 12, "leave_on_server: stored once")
t.eq(len(d.pop3), 12, "leave_on_server: one record per message the server keeps")
t.ok(all(m["downloaded"] == T0 for m in d.pop3), "records keep the download time")

# -- delete_after_days ---------------------------------------------------------------

r.write_postie_account(p, "days", "alice", protocol="pop3", leave_on_server="yes",
                       delete_after_days=3)
r.seed("alice", 10, seed=6)
first = set(maildir_messages(r.maildir("alice")))
res = sync("days", T0)
t.eq(res.stdout, "days: 10 new messages\n", "delete_after_days: downloaded at day 0")
t.eq(maildir_count(r.maildir("alice")), 10, "day 0: all still on the server")
res = sync("days", T0 + 1 * DAY)
t.eq((res.stdout, maildir_count(r.maildir("alice"))), ("days: 0 new messages\n", 10),
     "day 1: nothing new, nothing deleted")
r.seed("alice", 5, seed=7)
second = set(maildir_messages(r.maildir("alice"))) - first
res = sync("days", T0 + 2 * DAY)
t.eq(res.stdout, "days: 5 new messages\n", "day 2: the 5 new ones downloaded")
t.eq(maildir_count(r.maildir("alice")), 15, "day 2: all 15 on the server")
res = sync("days", T0 + 3 * DAY - 1)
t.eq(maildir_count(r.maildir("alice")), 15, "a second before 3 days: nothing deleted")
res = sync("days", T0 + 3 * DAY)
t.eq(res.returncode, 0, "day 3: sync")
left = set(maildir_messages(r.maildir("alice")))
t.eq(left, second, "day 3: exactly the first 10 left the server")
res = sync("days", T0 + 5 * DAY)
t.eq(maildir_count(r.maildir("alice")), 0, "day 5: the later 5 left the server too")
d = dump(p, "days")
mids = [m["message_id"] for m in d.messages("INBOX")]
t.eq(sorted(mids), sorted(first | second), "every message stored exactly once")
res = sync("days", T0 + 6 * DAY)
t.eq(dump(p, "days").pop3, [], "records go once the server no longer lists the messages")

# -- configuration that makes no sense --------------------------------------------------

r.write_postie_account(p, "bad", "alice", protocol="pop3", delete_after_days=3)
res = p.run("check-config")
t.eq(res.returncode, 2, "delete_after_days without leave_on_server is refused")
t.contains(res.stderr, "leave_on_server = yes", "and the problem is explained")
os.unlink(os.path.join(p.config_dir, "accounts", "bad.conf"))
r.write_postie_account(p, "bad", "alice", protocol="imap", leave_on_server="yes")
res = p.run("check-config")
t.eq(res.returncode, 2, "leave_on_server on an IMAP account is refused")
t.contains(res.stderr, "only to POP3", "and the problem is explained")
os.unlink(os.path.join(p.config_dir, "accounts", "bad.conf"))

t.done()
