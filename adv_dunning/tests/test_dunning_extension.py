from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import SQL

from .common import AdvDunningCommon


@tagged("post_install", "-at_install")
class TestDunningExtensionPoints(AdvDunningCommon):
    """The examples of readme/DEVELOP.md, run: an SMS channel and a filter that leaves the
    invoices under 10 EUR out of the reminders, each in a few lines.

    An addon would declare them with ``selection_add`` and ``_inherit``; a test cannot load
    a module, so it patches the same class attributes an addon would extend."""

    def test_sms_channel(self):
        Communication = type(self.env["adv.dunning.communication"])
        field = self.env["adv.dunning.level"]._fields["channel"]
        texted = []

        def _send_sms(communications):
            """What DEVELOP.md's channel does: send, then say which were sent and which
            failed, with the reason."""
            texted.extend(communications.partner_id.mapped("phone"))
            communications.state = "sent"
            return communications, []

        self.customer.phone = "+33 6 12 34 56 78"
        with (
            patch.object(field, "selection", [*field.selection, ("sms", "SMS")]),
            patch.object(field, "_selection", {**field._selection, "sms": "SMS"}),
            patch.object(Communication, "_send_sms", _send_sms, create=True),
        ):
            self.level_1.channel = "sms"
            self._invoice(self.customer, 100.0, 3)
            reminder = self._run().communication_ids
            self.assertEqual(reminder.channel, "sms", "the level's channel, read by the reminder")
        self.assertEqual(reminder.state, "sent")
        self.assertEqual(texted, ["+33 6 12 34 56 78"])

    def test_filter_small_invoices_out(self):
        Run = type(self.env["adv.dunning.run"])
        conditions = Run._get_candidate_conditions

        def _get_candidate_conditions(run):
            return [*conditions(run), SQL("m.amount_residual_signed >= %s", 10.0)]

        small = self._invoice(self.customer, 5.0, 3)
        big = self._invoice(self.customer, 100.0, 3)
        only_small = self._invoice(self.customer_2, 5.0, 3)
        with patch.object(Run, "_get_candidate_conditions", _get_candidate_conditions):
            reminders = self._run().communication_ids
        self.assertEqual(reminders.partner_id, self.customer)
        self.assertEqual(reminders.line_ids.move_id, big)
        self.assertFalse((small | only_small).adv_dunning_level_id)
