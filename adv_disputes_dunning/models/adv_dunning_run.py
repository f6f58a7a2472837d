from odoo import models
from odoo.tools import SQL


class AdvDunningRun(models.Model):
    _inherit = "adv.dunning.run"

    # ------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------

    def _get_pause_periods_queries(self):
        """The days an invoice spent in a dispute pause its reminders: open or closed
        (resolved or rejected alike), from the day the dispute was opened to the day it
        was closed excluded, or still running while it is open. The customer was told
        its claim was being looked at: those days must not push the invoice toward the
        formal notice."""
        queries = super()._get_pause_periods_queries()
        # LEAST(): an empty range rather than an error should a closing date precede the
        # opening date; no closing date (open dispute) leaves the upper bound unbounded.
        queries.append(
            SQL(
                """
SELECT rel.move_id,
       daterange(LEAST(d.date_open, d.date_closed), d.date_closed) AS period
  FROM adv_dispute d
  JOIN adv_dispute_account_move_rel rel ON rel.dispute_id = d.id
 WHERE d.company_id = %s""",
                self.company_id.id,
            )
        )
        return queries
