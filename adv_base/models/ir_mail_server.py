import logging

from odoo import api, models, modules

_logger = logging.getLogger(__name__)

# How long the record of an e-mail accepted by the mail server is kept: far longer than
# a server down between an e-mail and the commit of its "sent" state.
SENT_KEEP_DAYS = 30


class IrMailServer(models.Model):
    """E-mails accepted by the outgoing mail server are recorded at once, out of the
    sending transaction: a server killed after the mail server accepted an e-mail and
    before Odoo committed it as sent does not send it again on restart.

    Odoo's mail queue sends an e-mail, then marks it sent (or deletes it) and commits;
    a SIGKILL between the two leaves it ``outgoing`` and the next run of the queue sends
    it again. The fault trials of the nightly runs (RELIABILITY.md) saw it: an invoice
    e-mail received twice in 26 kills. No protocol makes an SMTP exchange and a
    database commit one act, but the window can shrink from Odoo's whole post-processing
    of the e-mail (notifications, attachments, deletion: tens of milliseconds, more
    under load) to one insert committed on its own connection right after the mail
    server's answer: each e-mail (Message-Id, recipients) accepted is in
    ``adv_mail_sent``, and an e-mail found there is not sent again.
    """

    _inherit = "ir.mail_server"

    def init(self):
        self.env.cr.execute(
            """
            CREATE TABLE IF NOT EXISTS adv_mail_sent (
                message_id varchar NOT NULL,
                recipients varchar NOT NULL,
                sent_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
                PRIMARY KEY (message_id, recipients)
            )
            """
        )

    @staticmethod
    def _adv_sent_key(message):
        message_id = message["Message-Id"]
        if not message_id:
            return None
        recipients = ", ".join(str(message[header] or "") for header in ("To", "Cc", "Bcc"))
        return message_id, recipients

    def send_email(self, message, *args, **kwargs):
        # Under tests Odoo sends nothing (and a record committed apart would outlive the
        # test): no record either, unless a test mocks the mail server.
        key = None if modules.module.current_test else self._adv_sent_key(message)
        if key:
            self.env.cr.execute(
                "SELECT 1 FROM adv_mail_sent WHERE message_id = %s AND recipients = %s", key
            )
            if self.env.cr.fetchone():
                _logger.info(
                    "E-mail %s was accepted by the mail server before a restart: not sent again",
                    key[0],
                )
                return key[0]
        if not key:
            return super().send_email(message, *args, **kwargs)
        # Its own transaction, committed as soon as the mail server answered: the record
        # survives a crash of the sending one. The connection is taken before sending
        # and the commit does not wait for the disk (synchronous_commit off: committed
        # for every later transaction at once; only a crash of PostgreSQL itself in the
        # next instant could lose it, and then the e-mail is sent again, as without it):
        # after the answer, one insert, with no wait.
        # (committed when the block ends; rolled back if the mail server refused it)
        with self.env.registry.cursor() as cr:
            result = super().send_email(message, *args, **kwargs)
            cr.execute("SET LOCAL synchronous_commit TO OFF")
            cr.execute(
                "INSERT INTO adv_mail_sent (message_id, recipients) VALUES (%s, %s) "
                "ON CONFLICT DO NOTHING",
                key,
            )
        return result

    @api.autovacuum
    def _gc_adv_mail_sent(self):
        self.env.cr.execute(
            "DELETE FROM adv_mail_sent WHERE sent_at < (now() AT TIME ZONE 'UTC') - %s::interval",
            [f"{SENT_KEEP_DAYS} days"],
        )
