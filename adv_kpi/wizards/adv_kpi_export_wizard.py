import base64

from odoo import api, fields, models
from odoo.exceptions import UserError


class AdvKpiExportWizard(models.TransientModel):
    """Download the KPI pack of a period as an XLSX workbook."""

    _name = "adv.kpi.export.wizard"
    _description = "ADV KPI pack export"

    date_from = fields.Date(
        string="From", required=True, default=lambda self: self._default_date_from()
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: fields.Date.context_today(self)
    )
    file_data = fields.Binary(string="File", readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    @api.model
    def _default_date_from(self):
        return fields.Date.context_today(self).replace(day=1)

    def action_export(self):
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(self.env._("The start of the period must be before its end."))
        content = self.env["adv.kpi.xlsx"].generate_workbook(self.date_from, self.date_to)
        self.write(
            {
                "file_data": base64.b64encode(content),
                "file_name": self.env._(
                    "adv_kpi_%(date_from)s_%(date_to)s.xlsx",
                    date_from=fields.Date.to_string(self.date_from),
                    date_to=fields.Date.to_string(self.date_to),
                ),
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/?model={self._name}&id={self.id}&field=file_data"
            "&filename_field=file_name&download=true",
            "target": "self",
        }
