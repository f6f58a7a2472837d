from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from odoo.addons.base.models.ir_mail_server import MailDeliveryException
from odoo.addons.base.tests.common import MockSmtplibCase


@tagged("post_install", "-at_install")
class TestMailSentOnce(TransactionCase, MockSmtplibCase):
    """An e-mail the mail server accepted is not sent again when the queue sends it a
    second time (the server was killed before committing it as sent)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = cls.env["ir.mail_server"]

    def setUp(self):
        super().setUp()
        # The record is committed on a connection of its own; here that connection is
        # the test's transaction (nothing leaves the test, and the test sees it).
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)

    def _message(self, message_id="<facture-2026-0042@adv.example>", to="compta@client.example"):
        return self.server.build_email(
            "adv@societe.example",
            [to],
            "Votre facture FAC/2026/0042",
            "Veuillez trouver ci-joint votre facture.",
            message_id=message_id,
        )

    def test_an_email_accepted_is_not_sent_again(self):
        with self.mock_smtplib_connection():
            self.server.send_email(self._message())
            # the queue sends it again after a restart: the same Message-Id and recipient
            result = self.server.send_email(self._message())
        self.assertEqual(len(self.emails), 1)
        self.assertEqual(result, "<facture-2026-0042@adv.example>")

    def test_other_recipients_and_messages_are_sent(self):
        with self.mock_smtplib_connection():
            self.server.send_email(self._message())
            self.server.send_email(self._message(to="direction@client.example"))
            self.server.send_email(self._message(message_id="<facture-2026-0043@adv.example>"))
        self.assertEqual(len(self.emails), 3)

    def test_an_email_refused_is_sent_again(self):
        with self.mock_smtplib_connection():
            with (
                patch.object(
                    type(self.testing_smtp_session),
                    "send_message",
                    side_effect=OSError("Connection refused"),
                ),
                self.assertRaises(MailDeliveryException),
            ):
                self.server.send_email(self._message())
            self.server.send_email(self._message())
        self.assertEqual(len(self.emails), 1, "nothing was accepted the first time")

    def test_old_records_are_purged(self):
        with self.mock_smtplib_connection():
            self.server.send_email(self._message())
        self.env.cr.execute(
            "UPDATE adv_mail_sent SET sent_at = sent_at - interval '40 days' "
            "WHERE message_id = '<facture-2026-0042@adv.example>'"
        )
        self.server._gc_adv_mail_sent()
        self.env.cr.execute(
            "SELECT COUNT(*) FROM adv_mail_sent WHERE message_id = %s",
            ["<facture-2026-0042@adv.example>"],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
