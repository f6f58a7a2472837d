from datetime import datetime, time, timedelta

from odoo import Command, api, fields, models


class AdvDisputesDemo(models.AbstractModel):
    """The disputes of the demo company, told through the business flows.

    Demo data only (called from demo/adv_dispute_demo.xml). The clerks create the credit
    notes with the dispute's credit note wizard, as from the screen, so that the credit
    notes are theirs; the warehouse (the superuser: the demo clerks have no stock rights)
    delivers, makes the return and receives it. Odoo stamps the current time on a delivery
    and an order confirmation; the story needs them in the past: written afterwards.
    """

    _name = "adv.disputes.demo"
    _description = "ADV disputes demo story"

    @api.model
    def _adv_demo_credit_note(self, dispute_xmlid, invoice_xmlid, amount):
        """The responsible of the dispute credits ``amount``: a partial credit note, posted
        and reconciled with the invoice, which resolves the dispute."""
        dispute = self.env.ref(dispute_xmlid)
        invoice = self.env.ref(invoice_xmlid)
        clerk = dispute.user_id
        wizard = (
            self.env["adv.dispute.credit.note.wizard"]
            .with_user(clerk)
            .with_company(dispute.company_id)
            .create(
                {
                    "dispute_id": dispute.id,
                    "move_id": invoice.id,
                    "mode": "amount",
                    "amount": amount,
                    "post": True,
                    "reconcile": True,
                }
            )
        )
        wizard.action_create_credit_note()
        return True

    @api.model
    def _adv_demo_return(self, partner_xmlid, product_xmlid, clerk_xmlid, ref, quantity, returned):
        """Hôtel du Lac received stained bed sets: ordered 20 days ago, delivered 17 days
        ago, invoiced the same day; the dispute asks for a return credited; the clerk
        credits the returned sets, the warehouse receives them, which resolves the dispute
        as a return."""
        # The order acknowledgment waits in Odoo's mail queue (no mail server in the demo).
        self = self.with_context(mail_notify_force_send=False)
        partner = self.env.ref(partner_xmlid)
        product = self.env.ref(product_xmlid)
        clerk = self.env.ref(clerk_xmlid)
        company = self.env.ref("base.main_company")
        today = fields.Date.context_today(self.with_company(company))
        order = (
            self.env["sale.order"]
            .with_user(clerk)
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "client_order_ref": ref,
                    "user_id": clerk.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": quantity})
                    ],
                }
            )
        )
        order.action_confirm()
        # Confirmed 20 days ago, delivered 17 days ago: Odoo dates both now.
        order.date_order = datetime.combine(today - timedelta(days=20), time(9))
        delivered = datetime.combine(today - timedelta(days=17), time(14))
        delivery = order.sudo().picking_ids
        delivery.move_ids.quantity = quantity
        delivery.move_ids.picked = True
        delivery.button_validate()
        delivery.move_ids.write({"date": delivered})
        delivery.move_line_ids.write({"date": delivered})
        delivery.date_done = delivered
        invoice = order._create_invoices()
        invoice.invoice_date = delivered.date()
        invoice.action_post()

        dispute = (
            self.env["adv.dispute"]
            .with_user(clerk)
            .with_company(company)
            .create(
                {
                    "partner_id": partner.commercial_partner_id.id,
                    "sale_order_id": order.id,
                    "picking_ids": [Command.set(delivery.ids)],
                    "move_ids": [Command.set(invoice.ids)],
                    "reason": "damaged_goods",
                    "origin": "product_quality",
                    "user_id": clerk.id,
                    "credit_returned_goods": True,
                    "description": "<p>La gouvernante signale des parures tachées à "
                    "l'ouverture des cartons ; l'hôtel demande leur reprise.</p>",
                    "line_ids": [
                        Command.create(
                            {
                                "move_line_id": invoice.invoice_line_ids[0].id,
                                "quantity": returned,
                            }
                        )
                    ],
                }
            )
        )
        dispute.action_start()
        # The return wizard proposes the disputed quantities (stock rights: the warehouse).
        action = dispute.sudo().action_create_return()
        self.env["stock.return.picking"].browse(action["res_id"]).with_context(
            **action["context"]
        ).action_create_returns()
        self._adv_demo_credit_note_lines(dispute, invoice)
        receipt = dispute.sudo().return_picking_ids
        receipt.move_ids.quantity = returned
        receipt.move_ids.picked = True
        receipt.button_validate()
        return True

    @api.model
    def _adv_demo_credit_note_lines(self, dispute, invoice):
        wizard = (
            self.env["adv.dispute.credit.note.wizard"]
            .with_user(dispute.user_id)
            .with_company(dispute.company_id)
            .create({"dispute_id": dispute.id, "move_id": invoice.id, "reconcile": True})
        )
        wizard.action_create_credit_note()
