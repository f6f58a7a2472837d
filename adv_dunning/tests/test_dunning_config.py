from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import AdvDunningCommon


@tagged("post_install", "-at_install")
class TestDunningConfig(AdvDunningCommon):
    def test_levels_must_have_increasing_delays(self):
        with self.assertRaises(ValidationError):
            self.env["adv.dunning.policy"].create(
                {
                    "name": "Wrong order",
                    "company_id": self.company.id,
                    "level_ids": [
                        Command.create({"sequence": 1, "name": "A", "days_after_due": 15}),
                        Command.create({"sequence": 2, "name": "B", "days_after_due": 1}),
                    ],
                }
            )

    def test_default_french_policy_ships_as_data(self):
        # The shipped policy belongs to the main company, not to the test user's one.
        policy = self.env.ref("adv_dunning.policy_fr_default").sudo()
        levels = policy.level_ids.sorted("sequence")
        self.assertEqual(levels.mapped("days_after_due"), [-5, 1, 15, 30, 45])
        formal = levels.filtered("formal_notice")[0]
        self.assertEqual(formal.days_after_due, 30)
        self.assertTrue(formal.penalties)
        self.assertEqual(levels.filtered("hold_customer").days_after_due, 45)

    def test_settings_rate_floor(self):
        # The settings are saved by an administrator (sudo: the test user is no admin).

        settings = Form(self.env["res.config.settings"].sudo())
        settings.adv_dunning_legal_rate = 3.16
        settings.adv_dunning_penalty_rate = 9.0
        with self.assertRaises(ValidationError):
            settings.save().execute()
        settings = Form(self.env["res.config.settings"].sudo())
        settings.adv_dunning_penalty_rate = 10.0
        settings.save().execute()
        self.assertEqual(self.company.adv_dunning_penalty_rate, 10.0)


@tagged("post_install", "-at_install")
class TestInvoiceLegalMentions(AdvDunningCommon):
    """L441-9: invoices between professionals state the late-payment rate, the 40 EUR
    indemnity and the early-payment discount conditions; a consumer's do not."""

    def test_mentions_for_business_customers_only(self):
        invoice = self._invoice(self.customer, 1000.0, 3)
        consumer = self.env["res.partner"].create(
            {"name": "Jeanne Martin", "email": "j@example.com"}
        )
        consumer_invoice = self._invoice(consumer, 100.0, 3)
        self.assertFalse(invoice.adv_legal_notice, "off until a manager switches it on")
        self.company.adv_invoice_legal_mentions = True
        self.company.adv_dunning_penalty_rate = 12.15
        invoice.invalidate_recordset(["adv_legal_notice"])
        self.assertIn("12.15%", invoice.adv_legal_notice)
        self.assertIn("40 EUR", invoice.adv_legal_notice)
        self.assertIn("No discount for early payment.", invoice.adv_legal_notice)
        self.assertFalse(consumer_invoice.adv_legal_notice)
        self.company.adv_early_payment_terms = "Escompte de 1 % pour paiement à 8 jours."
        invoice.invalidate_recordset(["adv_legal_notice"])
        self.assertIn("Escompte de 1 %", invoice.adv_legal_notice)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", invoice.ids)[0]
            .decode()
        )
        self.assertIn("fixed recovery indemnity of 40 EUR", html)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", consumer_invoice.ids)[0]
            .decode()
        )
        self.assertNotIn("recovery indemnity", html)
