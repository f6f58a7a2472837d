from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class AdvDisputeCommon(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.customer = cls.env["res.partner"].create(
            {"name": "Boulangeries Test SARL", "is_company": True, "email": "compta@bt.example"}
        )
        cls.customer_contact = cls.env["res.partner"].create(
            {"name": "Marie Boulanger", "parent_id": cls.customer.id, "email": "marie@bt.example"}
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Quincaillerie Test", "is_company": True, "email": "qt@qt.example"}
        )
        user_vals = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        # Billing rights are what an ADV clerk needs to read invoices and draft credit notes.
        cls.clerk = new_test_user(
            cls.env,
            login="adv_dispute_clerk",
            groups="adv_base.group_adv_user,account.group_account_invoice",
            **user_vals,
        )
        cls.manager = new_test_user(
            cls.env,
            login="adv_dispute_manager",
            groups="adv_base.group_adv_manager,account.group_account_invoice",
            **user_vals,
        )
        cls.invoice = cls._adv_invoice(cls.customer_contact, [(cls.product_a, 10, 100.0)])

    @classmethod
    def _adv_invoice(cls, partner, lines, post=True, company=None):
        """A customer invoice; ``lines`` are (product, quantity, unit price), taxed at 15%."""
        company = company or cls.company
        tax = cls.tax_sale_a if company == cls.company else cls.env["account.tax"]
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "company_id": company.id,
                "invoice_date": "2026-01-15",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": qty,
                            "price_unit": price,
                            "tax_ids": [Command.set(tax.ids)],
                        }
                    )
                    for product, qty, price in lines
                ],
            }
        )
        if post:
            invoice.action_post()
        return invoice

    def _open_dispute(self, invoice, user=None, **vals):
        """Open a dispute from the invoice button, as a clerk would."""
        user = user or self.clerk
        action = invoice.with_user(user).action_adv_open_dispute()
        dispute = self.env["adv.dispute"].with_user(user).with_context(**action["context"])
        return dispute.create({"reason": "price_error", **vals})
