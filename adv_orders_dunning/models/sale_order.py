from odoo import _, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        """Refuse to confirm the orders of customers on credit hold.

        An order paid online (the context set by the payment transaction) is confirmed
        anyway: the payment settles the risk the hold protects against.
        """
        if not self.env.context.get("adv_dunning_skip_credit_hold"):
            self._adv_check_credit_hold()
        return super().action_confirm()

    def _adv_check_credit_hold(self):
        on_hold = self.filtered(
            lambda order: (
                order.state in ("draft", "sent")
                and order.partner_id.commercial_partner_id.with_company(
                    order.company_id
                ).adv_credit_hold
            )
        )
        if on_hold:
            raise UserError(
                _(
                    "These orders cannot be confirmed: their customer is on credit hold after "
                    "unpaid reminders. Release the hold on the customer (Reminders tab) first."
                    "\n%(orders)s",
                    orders="\n".join(
                        f"- {order.name} ({order.partner_id.commercial_partner_id.name})"
                        for order in on_hold
                    ),
                )
            )
