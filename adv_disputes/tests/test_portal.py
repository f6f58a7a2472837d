import re

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import AdvDisputeCommon


@tagged("post_install", "-at_install")
class TestDisputePortal(AdvDisputeCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company_vals = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.portal_user = new_test_user(
            cls.env,
            login="bt_portal",
            groups="base.group_portal",
            partner_id=cls.customer_contact.id,
            **company_vals,
        )
        cls.other_contact = cls.env["res.partner"].create(
            {
                "name": "Paul Quincaillier",
                "parent_id": cls.other_customer.id,
                "email": "p@qt.example",
            }
        )
        cls.other_portal_user = new_test_user(
            cls.env,
            login="qt_portal",
            groups="base.group_portal",
            partner_id=cls.other_contact.id,
            **company_vals,
        )
        cls.other_invoice = cls._adv_invoice(cls.other_contact, [(cls.product_a, 2, 40.0)])
        cls.other_dispute = (
            cls.env["adv.dispute"]
            .with_user(cls.manager)
            .create(
                {
                    "partner_id": cls.other_customer.id,
                    "move_ids": [Command.set(cls.other_invoice.ids)],
                    "reason": "late_delivery",
                }
            )
        )

    def _csrf_token(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def _disputes_of(self, invoice):
        return self.env["adv.dispute"].search([("move_ids", "in", invoice.ids)])

    def test_customer_opens_a_dispute_on_its_invoice(self):
        self.authenticate("bt_portal", "bt_portal")
        page = self.url_open(f"/my/invoices/{self.invoice.id}")
        self.assertIn(f"/my/invoices/{self.invoice.id}/dispute", page.text, "the button is shown")
        url = f"/my/invoices/{self.invoice.id}/dispute"
        response = self.url_open(
            url,
            data={
                "csrf_token": self._csrf_token(url),
                "reason": "damaged_goods",
                "description": "Trois sacs de farine déchirés à la livraison.",
            },
        )
        dispute = self._disputes_of(self.invoice)
        self.assertEqual(len(dispute), 1)
        self.assertTrue(response.url.endswith(f"/my/disputes/{dispute.id}"))
        self.assertEqual(dispute.partner_id, self.customer)
        self.assertEqual(dispute.reason, "damaged_goods")
        self.assertIn("sacs de farine", dispute.description)
        self.assertEqual(dispute.state, "new")
        self.assertFalse(dispute.user_id, "the ADV team assigns it")
        self.assertTrue(self.invoice.adv_is_disputed)
        self.assertIn(dispute.name, response.text)

        listing = self.url_open("/my/disputes")
        self.assertIn(dispute.name, listing.text)
        self.assertNotIn(self.other_dispute.name, listing.text)
        other = self.url_open(f"/my/disputes/{self.other_dispute.id}")
        self.assertNotIn(self.other_dispute.name, other.text, "redirected away")

    def test_customer_cannot_dispute_another_customers_invoice(self):
        self.authenticate("bt_portal", "bt_portal")
        token = self._csrf_token(f"/my/invoices/{self.invoice.id}/dispute")
        before = self.env["adv.dispute"].search_count([])
        response = self.url_open(
            f"/my/invoices/{self.other_invoice.id}/dispute",
            data={"csrf_token": token, "reason": "other", "description": "Pas à nous."},
        )
        self.assertNotIn("Report a problem on invoice", response.text)
        self.assertEqual(self.env["adv.dispute"].search_count([]), before)
        self.assertEqual(self._disputes_of(self.other_invoice), self.other_dispute)

    def test_description_is_required(self):
        self.authenticate("bt_portal", "bt_portal")
        url = f"/my/invoices/{self.invoice.id}/dispute"
        response = self.url_open(
            url, data={"csrf_token": self._csrf_token(url), "reason": "other", "description": " "}
        )
        self.assertIn("Describe the problem", response.text)
        self.assertFalse(self._disputes_of(self.invoice))

    def test_portal_record_rules(self):
        mine = self._open_dispute(self.invoice)
        disputes = self.env["adv.dispute"].with_user(self.portal_user)
        self.assertEqual(disputes.search([]), mine)
        with self.assertRaises(AccessError):
            self.other_dispute.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            mine.with_user(self.portal_user).write({"reason": "other"})
        self.assertEqual(
            self.env["adv.dispute"].with_user(self.other_portal_user).search([]),
            self.other_dispute,
        )

    def test_form_sets_only_its_fields_and_one_open_dispute_per_invoice(self):
        self.authenticate("bt_portal", "bt_portal")
        url = f"/my/invoices/{self.invoice.id}/dispute"
        self.url_open(
            url,
            data={
                "csrf_token": self._csrf_token(url),
                "reason": "price_error",
                "description": "Prix facturé différent du devis.",
                # what a forger adds to the form: ignored
                "state": "resolved",
                "resolution": "credit_note",
                "amount": "99999",
                "partner_id": str(self.other_customer.id),
            },
        )
        dispute = self._disputes_of(self.invoice)
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.state, "new")
        self.assertFalse(dispute.resolution)
        self.assertFalse(dispute.amount)
        self.assertEqual(dispute.partner_id, self.customer)
        response = self.url_open(
            url,
            data={
                "csrf_token": self._csrf_token(url),
                "reason": "other",
                "description": "Encore un litige sur la même facture.",
            },
        )
        self.assertIn(f"already in open dispute {dispute.name}", response.text)
        self.assertEqual(self._disputes_of(self.invoice), dispute)
