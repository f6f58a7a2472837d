from datetime import timedelta

from odoo import api, fields, models
from odoo.osv import expression


class MailMail(models.Model):
    _inherit = "mail.mail"

    # How long an e-mail of the suite's nightly runs is retried while the outgoing mail
    # server cannot be reached; after that it stays in the mail failures, for a person.
    _adv_requeue_days = 3

    @api.model
    def process_email_queue(self, ids=None, batch_size=1000):
        # Odoo marks every e-mail of a batch "Delivery Failed" when it cannot connect to the
        # outgoing mail server, and never tries them again: a reminder or an invoice e-mailed
        # during a mail outage would be lost. Nothing was delivered (the connection failed),
        # so the suite's e-mails go back to the queue that the same scheduled action sends.
        if not ids:
            self._adv_requeue_unreachable_server()
        return super().process_email_queue(ids=ids, batch_size=batch_size)

    @api.model
    def _adv_requeue_domains(self):
        """Domains of the e-mails of the suite's runs that are retried after a mail outage
        (override hook: each addon adds the e-mails of its runs)."""
        return []

    @api.model
    def _adv_requeue_unreachable_server(self):
        domains = self._adv_requeue_domains()
        if not domains:
            return self.browse()
        since = fields.Datetime.now() - timedelta(days=self._adv_requeue_days)
        mails = self.sudo().search(
            expression.AND(
                [
                    [
                        ("state", "=", "exception"),
                        # mail.mail.send() marks the batch it could not connect for with a
                        # failure reason and no failure type (its notifications get
                        # "mail_smtp"); a mail refused one by one always gets its type
                        # (invalid address, unknown...) and is left to a person.
                        ("failure_type", "in", [False, "mail_smtp"]),
                        ("create_date", ">=", since),
                    ],
                    expression.OR(domains),
                ]
            )
        )
        mails.mark_outgoing()
        return mails
