from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class AdvEinvoiceCommon(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.customer = cls.env["res.partner"].create(
            {"name": "Fromagerie Test", "is_company": True}
        )
        user_vals = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.clerk = new_test_user(
            cls.env,
            login="adv_einvoice_clerk",
            groups="adv_base.group_adv_user,account.group_account_invoice",
            **user_vals,
        )
        # A salesman reads and bills its invoices, but is no ADV user.
        salesman_groups = ["account.group_account_invoice"]
        if cls.env.ref("sales_team.group_sale_salesman", raise_if_not_found=False):
            salesman_groups.append("sales_team.group_sale_salesman")
        cls.salesman = new_test_user(
            cls.env, login="adv_einvoice_salesman", groups=",".join(salesman_groups), **user_vals
        )
        cls.invoice = cls._adv_invoice()

    @classmethod
    def _adv_invoice(cls, amount=100.0, post=True, move_type="out_invoice", count=1):
        moves = cls.env["account.move"].create(
            [
                {
                    "move_type": move_type,
                    "partner_id": cls.customer.id,
                    "invoice_date": "2026-09-15",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product_a.id,
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for _i in range(count)
            ]
        )
        if post:
            moves.action_post()
        return moves

    def _pay(self, invoices, amount=None):
        """Register a payment of ``invoices`` from the bank journal."""
        method_lines = self.company_data["default_journal_bank"].inbound_payment_method_line_ids
        vals = {"payment_method_line_id": method_lines[:1].id}
        if amount is not None:
            vals["amount"] = amount
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create(vals)
            ._create_payments()
        )

    def _history(self, invoice):
        return [
            (row.status, row.previous_status, row.origin)
            for row in invoice.adv_einvoice_history_ids.sorted("id")
        ]
