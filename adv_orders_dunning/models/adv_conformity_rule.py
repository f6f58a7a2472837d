from odoo import _, fields, models


class AdvConformityRule(models.Model):
    _inherit = "adv.conformity.rule"

    # The worked example of readme/DEVELOP.md (adv_orders): a rule type added by another
    # module, with one selection value and one _check_<type> method.
    rule_type = fields.Selection(
        selection_add=[("credit_hold", "Customer on credit hold")],
        ondelete={"credit_hold": "cascade"},
    )

    def _check_credit_hold(self, orders):
        """Orders of customers on credit hold (set by the reminders) in the order's company.

        An order already paid online (done or authorized transactions covering its total)
        is not flagged: the payment settles the risk the hold protects against. That is a
        fact read on the server, not a flag a client could send.
        """
        vals_list = []
        for rule in self:
            for order in rule._orders_in_scope(orders):
                customer = order.partner_id.commercial_partner_id
                if not customer.with_company(order.company_id).adv_credit_hold:
                    continue
                if order._adv_paid_online():
                    continue
                vals_list.append(
                    rule._finding(
                        order,
                        _(
                            "Customer %(partner)s is on credit hold after unpaid reminders",
                            partner=customer.display_name,
                        ),
                    )
                )
        return vals_list
