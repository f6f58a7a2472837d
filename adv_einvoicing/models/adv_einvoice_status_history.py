from odoo import api, fields, models

from .einvoice_status import CODE_BY_STATUS, SELECTION


class AdvEinvoiceStatusHistory(models.Model):
    """One change of the e-invoicing status of an invoice: a log, written only by
    ``account.move._adv_einvoice_write`` (no access right lets anyone create, change or
    delete a row)."""

    _name = "adv.einvoice.status.history"
    _description = "E-invoicing Status History"
    _order = "date desc, id desc"
    _rec_name = "status"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    status = fields.Selection(SELECTION, required=True, readonly=True)
    code = fields.Char(compute="_compute_code", help="Code of the status in the reform.")
    previous_status = fields.Selection(
        SELECTION,
        readonly=True,
        help="The status before this change: the suite goes back to it when what moved the "
        "invoice is undone (a dispute rejected, a payment unreconciled).",
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", string="By", readonly=True, ondelete="set null")
    origin = fields.Selection(
        [
            ("suite", "ADV Suite"),
            ("user", "User"),
            ("integration", "Integration"),
        ],
        required=True,
        readonly=True,
        help="ADV Suite: moved by the suite itself (posting, dispute, payment). User: set by an "
        "ADV user on the invoice. Integration: set through the external API (the platform "
        "connector).",
    )
    note = fields.Text(readonly=True)

    # ------------------------------------------------------------
    # COMPUTE
    # ------------------------------------------------------------

    @api.depends("status")
    def _compute_code(self):
        for row in self:
            row.code = CODE_BY_STATUS.get(row.status, False)
