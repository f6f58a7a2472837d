from odoo.tests import BaseCase, tagged

from odoo.addons.adv_einvoicing.models import einvoice_status as es


@tagged("post_install", "-at_install")
class TestEinvoiceStatusRules(BaseCase):
    """The life cycle on its own: codes and the statuses that may follow each other."""

    def test_codes_of_the_reform(self):
        self.assertEqual(
            [code for _key, code, _label in es.STATUSES],
            [str(code) for code in range(200, 214)],
        )
        self.assertEqual(es.to_status("207"), "disputed")
        self.assertEqual(es.to_status("disputed"), "disputed")
        self.assertIsNone(es.to_status("214"))
        self.assertIsNone(es.to_status("Disputed"))

    def test_transmission_goes_forward_only(self):
        self.assertTrue(es.can_follow("deposited", "received"))
        self.assertTrue(es.can_follow("issued", "taken_in_charge"))
        self.assertFalse(es.can_follow("made_available", "received"))
        self.assertFalse(es.can_follow("approved", "made_available"))
        self.assertFalse(es.can_follow("deposited", "deposited"))

    def test_rejected_only_at_reception(self):
        for status in ("deposited", "issued", "received"):
            self.assertTrue(es.can_follow(status, "rejected"), status)
        for status in ("made_available", "approved", "disputed"):
            self.assertFalse(es.can_follow(status, "rejected"), status)

    def test_completed_only_after_suspended(self):
        self.assertTrue(es.can_follow("suspended", "completed"))
        self.assertTrue(es.can_follow("completed", "approved"))
        for status in (False, "deposited", "approved", "disputed"):
            self.assertFalse(es.can_follow(status, "completed"), status)

    def test_final_statuses_end_the_cycle(self):
        for status in ("refused", "rejected", "collected"):
            self.assertEqual(es.next_statuses(status), frozenset(), status)

    def test_processing_follows_any_live_status(self):
        for status in (False, "deposited", "made_available", "disputed", "suspended"):
            self.assertTrue(es.can_follow(status, "approved"), status)
            self.assertTrue(es.can_follow(status, "collected"), status)
