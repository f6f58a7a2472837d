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


@tagged("post_install", "-at_install")
class TestDisputeByInvoiceLink(AdvDisputeCommon, HttpCase):
    """A customer without an account opens a dispute from the link of its invoice (the
    invoice's access token, as a reminder gives it): that invoice only, for its customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_invoice = cls._adv_invoice(cls.other_customer, [(cls.product_a, 2, 40.0)])
        cls.token = cls.invoice._portal_ensure_token()
        cls.other_token = cls.other_invoice._portal_ensure_token()

    def _url(self, invoice, token):
        return f"/my/invoices/{invoice.id}/dispute?access_token={token}"

    def _csrf_token(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def _post(self, invoice, token, csrf, **fields):
        data = {"csrf_token": csrf, "reason": "damaged_goods", "description": "Sacs déchirés."}
        data.update(fields)
        if token is not None:
            data["access_token"] = token
        return self.url_open(f"/my/invoices/{invoice.id}/dispute", data=data)

    def _disputes_of(self, invoice):
        return self.env["adv.dispute"].search([("move_ids", "in", invoice.ids)])

    def test_visitor_opens_a_dispute_with_the_invoice_link(self):
        # The invoice page reached by its link offers the form, with the same token.
        page = self.url_open(self.invoice.get_portal_url())
        self.assertIn(self._url(self.invoice, self.token).replace("&", "&amp;"), page.text)
        url = self._url(self.invoice, self.token)
        form = self.url_open(url)
        self.assertIn(f"Report a problem on invoice {self.invoice.name}", form.text)
        self.assertIn(f'name="access_token" value="{self.token}"', form.text)
        response = self._post(self.invoice, self.token, self._csrf_token(url))
        dispute = self._disputes_of(self.invoice)
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.partner_id, self.customer, "the invoice's customer")
        self.assertEqual(dispute.move_ids, self.invoice)
        self.assertEqual(dispute.state, "new")
        self.assertIn("Sacs déchirés", dispute.description)
        # The visitor lands on the dispute, through its own token.
        self.assertIn(
            f"/my/disputes/{dispute.id}?access_token={dispute.access_token}", response.url
        )
        self.assertIn(dispute.name, response.text)
        # Without the dispute's token, a visitor is sent to log in.
        self.assertIn("/web/login", self.url_open(f"/my/disputes/{dispute.id}").url)

    def test_token_opens_its_invoice_only(self):
        before = self.env["adv.dispute"].search_count([])
        csrf = self._csrf_token(self._url(self.invoice, self.token))
        for invoice, token in (
            (self.other_invoice, self.token),  # invoice A's link on another customer's
            (self.invoice, self.other_token),
            (self.invoice, self.token[:-1] + ("0" if self.token[-1] != "0" else "1")),
            (self.invoice, ""),
            (self.invoice, None),
        ):
            form = self.url_open(
                self._url(invoice, token)
                if token is not None
                else f"/my/invoices/{invoice.id}/dispute"
            )
            self.assertNotIn("Report a problem on invoice", form.text, (invoice.name, token))
            self.assertIn("/web/login", form.url)
            response = self._post(invoice, token, csrf)
            self.assertNotIn("Report a problem on invoice", response.text)
        self.assertEqual(self.env["adv.dispute"].search_count([]), before)

    def test_form_fields_decide_nothing_else(self):
        url = self._url(self.invoice, self.token)
        self._post(
            self.invoice,
            self.token,
            self._csrf_token(url),
            partner_id=str(self.other_customer.id),
            move_ids=str(self.other_invoice.id),
            state="resolved",
        )
        dispute = self._disputes_of(self.invoice)
        self.assertEqual((dispute.partner_id, dispute.move_ids), (self.customer, self.invoice))
        self.assertEqual(dispute.state, "new")
        self.assertFalse(self._disputes_of(self.other_invoice))

    def test_portal_user_with_its_link_cannot_reach_another_invoice(self):
        new_test_user(
            self.env,
            login="bt_portal_link",
            groups="base.group_portal",
            partner_id=self.customer_contact.id,
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.authenticate("bt_portal_link", "bt_portal_link")
        csrf = self._csrf_token(f"/my/invoices/{self.invoice.id}/dispute")
        response = self._post(self.other_invoice, self.token, csrf)
        self.assertNotIn("Report a problem on invoice", response.text)
        self.assertFalse(self._disputes_of(self.other_invoice))

    def test_description_is_bounded(self):
        url = self._url(self.invoice, self.token)
        response = self._post(
            self.invoice, self.token, self._csrf_token(url), description="x" * 10001
        )
        self.assertIn("10000 characters at most", response.text)
        self.assertFalse(self._disputes_of(self.invoice))
