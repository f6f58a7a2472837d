from odoo import fields, models
from odoo.tools import SQL


class AdvKpiReportMixin(models.AbstractModel):
    """Shared helpers of the SQL-backed ADV analyses.

    Every analysis is a read-only ``_auto = False`` model whose rows come from one
    parameterised query (``_table_query`` returns an :class:`odoo.tools.SQL`).
    """

    _name = "adv.kpi.report.mixin"
    _description = "ADV analysis helpers"

    def _kpi_tz(self):
        # Datetimes are stored in UTC; the manager reads days in his own time zone.
        return self.env.context.get("tz") or self.env.user.tz or "UTC"

    def _kpi_local_date(self, column):
        """SQL expression turning a UTC timestamp column into a local date."""
        return SQL("((%s AT TIME ZONE 'UTC') AT TIME ZONE %s)::date", column, self._kpi_tz())

    def _kpi_as_of_date(self):
        """Date at which snapshot analyses (ageing, order book) are taken.

        ``adv_kpi_date`` in the context lets ``adv.kpi`` read a past period with the same
        query as the screens; without it the snapshot is today's.
        """
        value = self.env.context.get("adv_kpi_date")
        if value:
            return fields.Date.to_date(value)
        return fields.Date.context_today(self)
