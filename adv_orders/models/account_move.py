from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    adv_invoicing_run_id = fields.Many2one(
        "adv.invoicing.run",
        string="Invoicing Run",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        help="The invoicing run that created this invoice.",
    )
    adv_invoicing_block_reason = fields.Text(
        string="Invoicing Run Block Reason",
        readonly=True,
        copy=False,
        help="Why the invoicing run left this invoice in draft instead of posting and sending it.",
    )
