import calendar
import io

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

TREND_MONTHS = 12


class AdvKpiXlsx(models.AbstractModel):
    """The KPI pack as an XLSX workbook: one formatted sheet per KPI.

    Every number comes from ``adv.kpi.compute_kpis`` (the period, the previous period
    and each month of the trend), so the workbook shows what the dashboard shows.
    """

    _name = "adv.kpi.xlsx"
    _description = "ADV KPI pack workbook"

    # ------------------------------------------------------------------
    # BUSINESS
    # ------------------------------------------------------------------

    @api.model
    def _trend_periods(self, date_to):
        """The twelve calendar months ending with the month of ``date_to`` (the last
        one cut at ``date_to``)."""
        periods = []
        start = date_to.replace(day=1) - relativedelta(months=TREND_MONTHS - 1)
        for _index in range(TREND_MONTHS):
            end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
            periods.append((start, min(end, date_to)))
            start += relativedelta(months=1)
        return periods

    @api.model
    def generate_workbook(self, date_from, date_to, company_ids=None):
        """Build the workbook and return its bytes."""
        kpi = self.env["adv.kpi"]
        date_from = fields.Date.to_date(date_from)
        date_to = fields.Date.to_date(date_to)
        prev_from, prev_to = kpi._kpi_previous_period(date_from, date_to)
        current = kpi.compute_kpis(date_from, date_to, company_ids=company_ids)
        previous = kpi.compute_kpis(prev_from, prev_to, company_ids=company_ids)
        trend = [
            kpi.compute_kpis(start, end, company_ids=company_ids)
            for start, end in self._trend_periods(date_to)
        ]
        output = io.BytesIO()
        # Names of customers, products and clerks are text: one typed "=HYPERLINK(...)"
        # or "+33..." must not turn into a formula (CSV/formula injection) nor a link.
        # The text cells are written with write_string too; these options cover any
        # other write() of a string.
        workbook = xlsxwriter.Workbook(
            output,
            {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        styles = self._styles(workbook)
        self._sheet_summary(workbook, styles, current, previous)
        self._sheet_trend(
            workbook,
            styles,
            self.env._("DSO"),
            trend,
            [
                ("dso", self.env._("DSO (days)"), "days"),
                ("dso_countback", self.env._("DSO countback (days)"), "days"),
                ("best_dso", self.env._("Best possible DSO (days)"), "days"),
                ("add", self.env._("ADD (days)"), "days"),
            ],
            "line",
        )
        self._sheet_trend(
            workbook,
            styles,
            self.env._("CEI"),
            trend,
            [("cei", self.env._("CEI (%)"), "percent")],
            "line",
        )
        self._sheet_ageing(workbook, styles, current, previous)

        def breakdown(kpi_name, groupby):
            return kpi.compute_breakdown(
                kpi_name, groupby, date_from, date_to, company_ids=company_ids
            )

        self._sheet_trend(
            workbook,
            styles,
            self.env._("Dispute rate"),
            trend,
            [("dispute_rate", self.env._("Dispute rate (%)"), "percent")],
            "line",
            breakdowns=[
                (self.env._("Customer"), breakdown("dispute_rate", "partner_id")),
                (self.env._("Salesperson"), breakdown("dispute_rate", "user_id")),
                (self.env._("Reason"), breakdown("dispute_rate", "reason")),
                (self.env._("Root cause"), breakdown("dispute_rate", "origin")),
            ],
        )
        self._sheet_trend(
            workbook,
            styles,
            self.env._("OTIF"),
            trend,
            [("otif", self.env._("OTIF (%)"), "percent")],
            "line",
            breakdowns=[
                (self.env._("Customer"), breakdown("otif", "partner_id")),
                (self.env._("Product"), breakdown("otif", "product_id")),
            ],
        )
        self._sheet_trend(
            workbook,
            styles,
            self.env._("Cycle time"),
            trend,
            [
                ("order_cycle_days", self.env._("Confirmation to delivery (days)"), "days"),
                ("invoice_cycle_days", self.env._("Confirmation to invoice (days)"), "days"),
            ],
            "line",
        )
        self._sheet_productivity(workbook, styles, current)
        self._sheet_trend(
            workbook,
            styles,
            self.env._("Revenue and order book"),
            trend,
            [
                ("revenue", self.env._("Revenue"), "money"),
                ("backlog.to_deliver", self.env._("Confirmed, not delivered"), "money"),
                ("backlog.to_invoice", self.env._("Delivered, not invoiced"), "money"),
            ],
            "column",
        )
        workbook.close()
        return output.getvalue()

    # ------------------------------------------------------------------
    # SHEETS
    # ------------------------------------------------------------------

    def _styles(self, workbook):
        currency = self.env.company.currency_id
        money = "#,##0.00" if currency.decimal_places else "#,##0"
        return {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "header": workbook.add_format(
                {"bold": True, "bg_color": "#714B67", "font_color": "#FFFFFF", "border": 1}
            ),
            "text": workbook.add_format({"border": 1}),
            "date": workbook.add_format({"border": 1, "num_format": "yyyy-mm-dd"}),
            "days": workbook.add_format({"border": 1, "num_format": "0.0"}),
            "percent": workbook.add_format({"border": 1, "num_format": "0.0"}),
            "money": workbook.add_format({"border": 1, "num_format": money}),
            "count": workbook.add_format({"border": 1, "num_format": "0"}),
            "nodata": workbook.add_format({"border": 1, "italic": True, "font_color": "#888888"}),
        }

    def _write_value(self, sheet, row, col, value, style, styles):
        if value is None:
            sheet.write_string(row, col, self.env._("No data"), styles["nodata"])
        else:
            sheet.write_number(row, col, value, styles[style])

    @staticmethod
    def _read(kpis, key):
        value = kpis
        for part in key.split("."):
            if value is None:
                return None
            value = value.get(part)
        return value

    def _summary_rows(self):
        return [
            ("dso", self.env._("DSO"), self.env._("days"), "days"),
            ("dso_countback", self.env._("DSO, countback method"), self.env._("days"), "days"),
            ("best_dso", self.env._("Best possible DSO"), self.env._("days"), "days"),
            ("add", self.env._("Average days delinquent (ADD)"), self.env._("days"), "days"),
            (
                "cei",
                self.env._("Collection effectiveness index (CEI)"),
                self.env._("percent"),
                "percent",
            ),
            ("dispute_rate", self.env._("Dispute rate"), self.env._("percent"), "percent"),
            ("otif", self.env._("OTIF"), self.env._("percent"), "percent"),
            (
                "order_cycle_days",
                self.env._("Confirmation to full delivery"),
                self.env._("days"),
                "days",
            ),
            (
                "invoice_cycle_days",
                self.env._("Confirmation to first invoice"),
                self.env._("days"),
                "days",
            ),
            ("revenue", self.env._("Revenue (untaxed)"), self.env._("company currency"), "money"),
            (
                "backlog.to_deliver",
                self.env._("Confirmed, not delivered"),
                self.env._("company currency"),
                "money",
            ),
            (
                "backlog.to_invoice",
                self.env._("Delivered, not invoiced"),
                self.env._("company currency"),
                "money",
            ),
            (
                "receivable",
                self.env._("Receivable at period end"),
                self.env._("company currency"),
                "money",
            ),
            (
                "credit_sales",
                self.env._("Credit sales (tax included)"),
                self.env._("company currency"),
                "money",
            ),
        ]

    def _sheet_summary(self, workbook, styles, current, previous):
        sheet = workbook.add_worksheet(self.env._("Summary"))
        sheet.set_column(0, 0, 42)
        sheet.set_column(1, 1, 18)
        sheet.set_column(2, 3, 18)
        sheet.write(0, 0, self.env._("ADV KPI pack"), styles["title"])
        sheet.write(1, 0, self.env._("Period"), styles["text"])
        sheet.write_datetime(1, 2, current["date_from"], styles["date"])
        sheet.write_datetime(1, 3, current["date_to"], styles["date"])
        sheet.write(2, 0, self.env._("Previous period"), styles["text"])
        sheet.write_datetime(2, 2, previous["date_from"], styles["date"])
        sheet.write_datetime(2, 3, previous["date_to"], styles["date"])
        headers = [
            self.env._("KPI"),
            self.env._("Unit"),
            self.env._("Period"),
            self.env._("Previous period"),
        ]
        for col, header in enumerate(headers):
            sheet.write(4, col, header, styles["header"])
        for index, (key, label, unit, style) in enumerate(self._summary_rows()):
            row = 5 + index
            sheet.write(row, 0, label, styles["text"])
            sheet.write(row, 1, unit, styles["text"])
            self._write_value(sheet, row, 2, self._read(current, key), style, styles)
            self._write_value(sheet, row, 3, self._read(previous, key), style, styles)
        return sheet

    def _sheet_trend(self, workbook, styles, title, trend, series, chart_type, breakdowns=()):
        sheet = workbook.add_worksheet(title[:31])
        sheet.set_column(0, 0, 12)
        sheet.set_column(1, len(series), 30)
        sheet.write(0, 0, self.env._("Month"), styles["header"])
        for col, (_key, label, _style) in enumerate(series, start=1):
            sheet.write(0, col, label, styles["header"])
        for row, kpis in enumerate(trend, start=1):
            sheet.write_datetime(row, 0, kpis["date_from"], styles["date"])
            for col, (key, _label, style) in enumerate(series, start=1):
                self._write_value(sheet, row, col, self._read(kpis, key), style, styles)
        chart = workbook.add_chart({"type": chart_type})
        for col, (_key, label, _style) in enumerate(series, start=1):
            chart.add_series(
                {
                    "name": label,
                    "categories": [sheet.name, 1, 0, len(trend), 0],
                    "values": [sheet.name, 1, col, len(trend), col],
                    "marker": {"type": "circle"} if chart_type == "line" else None,
                }
            )
        chart.set_title({"name": title})
        chart.set_x_axis({"date_axis": True, "num_format": "mmm yy"})
        chart.set_legend({"position": "bottom"})
        sheet.insert_chart(1, len(series) + 2, chart, {"x_scale": 1.4, "y_scale": 1.2})
        row = len(trend) + 3
        for caption, rows in breakdowns:
            row = self._write_breakdown(sheet, styles, row, caption, rows) + 2
        return sheet

    def _write_breakdown(self, sheet, styles, row, caption, rows):
        """A rate of the period by one dimension, below the trend; returns the last row."""
        headers = [caption, self.env._("Count"), self.env._("Rate (%)")]
        for col, header in enumerate(headers):
            sheet.write(row, col, header, styles["header"])
        if not rows:
            sheet.write_string(row + 1, 0, self.env._("No data"), styles["nodata"])
            return row + 1
        for values in rows:
            row += 1
            sheet.write_string(row, 0, values["label"] or "", styles["text"])
            sheet.write_number(row, 1, values["count"], styles["count"])
            sheet.write_number(row, 2, values["rate"], styles["percent"])
        return row

    def _sheet_ageing(self, workbook, styles, current, previous):
        sheet = workbook.add_worksheet(self.env._("Ageing"))
        sheet.set_column(0, 2, 22)
        buckets = [
            ("not_due", self.env._("Not due")),
            ("1_30", self.env._("1-30 days")),
            ("31_60", self.env._("31-60 days")),
            ("61_90", self.env._("61-90 days")),
            ("over_90", self.env._("Over 90 days")),
            ("total", self.env._("Total")),
        ]
        for col, header in enumerate(
            [self.env._("Days past due"), self.env._("Period end"), self.env._("Previous")]
        ):
            sheet.write(0, col, header, styles["header"])
        for row, (key, label) in enumerate(buckets, start=1):
            sheet.write(row, 0, label, styles["text"])
            self._write_value(sheet, row, 1, self._read(current, f"ageing.{key}"), "money", styles)
            self._write_value(sheet, row, 2, self._read(previous, f"ageing.{key}"), "money", styles)
        chart = workbook.add_chart({"type": "column"})
        for col, name in ((1, self.env._("Period end")), (2, self.env._("Previous"))):
            chart.add_series(
                {
                    "name": name,
                    "categories": [sheet.name, 1, 0, 5, 0],
                    "values": [sheet.name, 1, col, 5, col],
                }
            )
        chart.set_title({"name": self.env._("Receivable ageing")})
        chart.set_legend({"position": "bottom"})
        sheet.insert_chart(1, 4, chart)
        return sheet

    def _sheet_productivity(self, workbook, styles, current):
        sheet = workbook.add_worksheet(self.env._("Productivity"))
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 4, 16)
        headers = [
            self.env._("Clerk"),
            self.env._("Orders"),
            self.env._("Invoices"),
            self.env._("Credit notes"),
            self.env._("Disputes"),
        ]
        keys = ["orders", "invoices", "credit_notes", "disputes"]
        for col, header in enumerate(headers):
            sheet.write(0, col, header, styles["header"])
        rows = current["productivity"] or []
        if not rows:
            sheet.write_string(1, 0, self.env._("No data"), styles["nodata"])
            return sheet
        for row, values in enumerate(rows, start=1):
            sheet.write_string(row, 0, values["user_name"] or self.env._("Unknown"), styles["text"])
            for col, key in enumerate(keys, start=1):
                sheet.write_number(row, col, values[key], styles["count"])
        chart = workbook.add_chart({"type": "column"})
        for col, name in enumerate(headers[1:], start=1):
            chart.add_series(
                {
                    "name": name,
                    "categories": [sheet.name, 1, 0, len(rows), 0],
                    "values": [sheet.name, 1, col, len(rows), col],
                }
            )
        chart.set_title({"name": self.env._("Work handled per clerk")})
        chart.set_legend({"position": "bottom"})
        sheet.insert_chart(1, 6, chart)
        return sheet
