import re

from odoo.tests import HttpCase, tagged

from odoo.addons.adv_dunning.tests.common import AdvDunningCommon


@tagged("post_install", "-at_install")
class TestReminderDisputeLinks(AdvDunningCommon, HttpCase):
    """With both addons, every invoice of a reminder can be contested from the e-mail or the
    letter: the portal's dispute form of that invoice, which its link opens and no other."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.level_ids.mail_template_id = False  # the shipped templates

    def _dispute_url(self, move):
        return (
            f"{move.get_base_url()}/my/invoices/{move.id}/dispute?access_token={move.access_token}"
        )

    def test_email_and_letter_give_each_invoice_its_dispute_link(self):
        moves = self._invoice(self.customer, 100.0, 20) | self._invoice(self.customer, 50.0, 18)
        comm = self._run().communication_ids
        self.assertEqual(comm.state, "sent")
        body = str(comm.message_ids.filtered(lambda m: m.message_type == "comment").body)
        body = body.replace("&amp;", "&")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("adv_dunning.report_adv_dunning_letter", comm.ids)[0]
            .decode()
            .replace("&amp;", "&")
        )
        for move in moves:
            self.assertTrue(move.access_token)
            self.assertIn(self._dispute_url(move), body)
            self.assertIn(f"/my/invoices/{move.id}?access_token={move.access_token}", body)
            self.assertIn(self._dispute_url(move).split("://", 1)[1], html)
        self.assertEqual(body.count("Contest this invoice"), 2)
        self.assertEqual(html.count("o_adv_invoice_action_dispute"), 2)
        self.assertEqual(html.count("o_adv_invoice_action_pay"), 2)

    def test_dispute_link_opens_the_form_of_its_invoice_only(self):
        move = self._invoice(self.customer, 100.0, 20)
        other = self._invoice(self.customer_2, 100.0, 20)
        self._run()
        path = self._dispute_url(move).split(move.get_base_url(), 1)[1]
        form = self.url_open(path)
        self.assertEqual(form.status_code, 200)
        self.assertIn(f"Report a problem on invoice {move.name}", form.text)
        self.assertNotIn(other.name, form.text)
        # The link of one invoice on another customer's invoice: refused.
        tampered = self.url_open(
            f"/my/invoices/{other.id}/dispute?access_token={move.access_token}"
        )
        self.assertNotIn("Report a problem on invoice", tampered.text)
        self.assertIn("/web/login", tampered.url)
        # Following the link to the end: the dispute is the invoice's customer's, and the
        # invoice stops receiving reminders.
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        self.url_open(
            "/my/invoices/%s/dispute" % move.id,
            data={
                "csrf_token": csrf,
                "access_token": move.access_token,
                "reason": "price_error",
                "description": "Prix différent du devis.",
            },
        )
        dispute = self.env["adv.dispute"].search([("move_ids", "=", move.id)])
        self.assertEqual(dispute.partner_id, self.customer)
        self.assertTrue(move.adv_dunning_blocked)
