import io

import xlsxwriter

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
        one cut at ``date_to``): the months of the dashboard's trends."""
        return self.env["adv.kpi"]._kpi_trend_periods(date_to, TREND_MONTHS)

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
        # One sheet per KPI of the catalogue, or per group of KPIs sharing a sheet, in
        # the catalogue's order.
        numbers = self.env["adv.kpi"]._kpi_catalogue_numbers()
        done = set()
        for entry in self.env["adv.kpi"]._kpi_catalogue():
            sheet_key = entry["sheet"]
            if not sheet_key or sheet_key in done:
                continue
            done.add(sheet_key)
            if entry["layout"] == "buckets":
                self._sheet_buckets(workbook, styles, entry, current, previous)
            elif entry["layout"] == "rows":
                self._sheet_rows(workbook, styles, entry, current)
            else:
                title, chart_type = self._trend_sheets().get(sheet_key, (entry["label"], "line"))
                self._sheet_trend(
                    workbook,
                    styles,
                    title,
                    trend,
                    [
                        (number["path"], self._series_label(number), self._style(number))
                        for number in numbers
                        if number["sheet"] == sheet_key
                    ],
                    chart_type,
                    breakdowns=self._breakdowns(sheet_key, date_from, date_to, company_ids),
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

    def _read(self, kpis, key):
        return self.env["adv.kpi"]._kpi_read_path(kpis, key)

    def _trend_sheets(self):
        """Title and chart type of the trend sheets, by ``sheet`` key of the catalogue
        (layout only: a sheet not listed is titled after its first KPI, with lines)."""
        return {
            "dso": (self.env._("DSO"), "line"),
            "cei": (self.env._("CEI"), "line"),
            "dispute_rate": (self.env._("Dispute rate"), "line"),
            "otif": (self.env._("OTIF"), "line"),
            "cycle": (self.env._("Cycle time"), "line"),
            "revenue": (self.env._("Revenue and order book"), "column"),
        }

    @staticmethod
    def _style(number):
        return {"amount": "money"}.get(number["unit"], number["unit"])

    def _unit_label(self, unit):
        if unit == "amount":
            # compute_kpis converts every amount to the currency of env.company.
            return self.env.company.currency_id.name
        return {
            "days": self.env._("days"),
            "percent": self.env._("percent"),
            "count": self.env._("count"),
        }.get(unit, unit)

    def _series_label(self, number):
        unit = "%" if number["unit"] == "percent" else self._unit_label(number["unit"])
        return f"{number['label']} ({unit})"

    def _breakdowns(self, sheet_key, date_from, date_to, company_ids):
        """The rate KPIs of the sheet broken down by the fields of their catalogue
        entry: ``[(caption, rows)]``."""
        kpi = self.env["adv.kpi"]
        breakdowns = []
        for entry in kpi._kpi_catalogue():
            if entry["sheet"] != sheet_key or not entry["rate"]:
                continue
            report = self.env[entry["rate"]["model"]]
            for groupby in entry["rate"]["breakdowns"]:
                caption = report._fields[groupby]._description_string(self.env)
                rows = kpi.compute_breakdown(
                    entry["key"], groupby, date_from, date_to, company_ids=company_ids
                )
                breakdowns.append((caption, rows))
        return breakdowns

    def _summary_rows(self):
        """``(path, label, unit label, style)`` of the summary: the numbers of the
        catalogue marked ``summary``."""
        return [
            (number["path"], number["label"], self._unit_label(number["unit"]), self._style(number))
            for number in self.env["adv.kpi"]._kpi_catalogue_numbers()
            if number["summary"]
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

    def _sheet_buckets(self, workbook, styles, entry, current, previous):
        """A dict KPI taken at the period end (the ageing): its parts at the end of the
        period and of the previous one, with a chart of the buckets."""
        sheet = workbook.add_worksheet(entry["label"][:31])
        sheet.set_column(0, 2, 22)
        style = self._style(entry)
        for col, header in enumerate(
            [entry["label"], self.env._("Period end"), self.env._("Previous")]
        ):
            sheet.write(0, col, header, styles["header"])
        for row, part in enumerate(entry["parts"], start=1):
            sheet.write(row, 0, part["label"], styles["text"])
            self._write_value(sheet, row, 1, self._read(current, part["path"]), style, styles)
            self._write_value(sheet, row, 2, self._read(previous, part["path"]), style, styles)
        buckets = [row for row, part in enumerate(entry["parts"], start=1) if part["bucket"]]
        if buckets:
            chart = workbook.add_chart({"type": "column"})
            for col, name in ((1, self.env._("Period end")), (2, self.env._("Previous"))):
                chart.add_series(
                    {
                        "name": name,
                        "categories": [sheet.name, buckets[0], 0, buckets[-1], 0],
                        "values": [sheet.name, buckets[0], col, buckets[-1], col],
                    }
                )
            chart.set_title({"name": entry["label"]})
            chart.set_legend({"position": "bottom"})
            sheet.insert_chart(1, 4, chart)
        return sheet

    def _sheet_rows(self, workbook, styles, entry, current):
        """A list KPI (work handled per clerk): one row per user, one column per
        column of the catalogue entry, with a chart."""
        sheet = workbook.add_worksheet(entry["label"][:31])
        columns = entry["columns"]
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, len(columns), 16)
        headers = [self.env._("Clerk")] + [column["label"] for column in columns]
        for col, header in enumerate(headers):
            sheet.write(0, col, header, styles["header"])
        rows = current[entry["key"]] or []
        if not rows:
            sheet.write_string(1, 0, self.env._("No data"), styles["nodata"])
            return sheet
        style = self._style(entry)
        for row, values in enumerate(rows, start=1):
            sheet.write_string(row, 0, values["user_name"] or self.env._("Unknown"), styles["text"])
            for col, column in enumerate(columns, start=1):
                sheet.write_number(row, col, values[column["key"]], styles[style])
        chart = workbook.add_chart({"type": "column"})
        for col, name in enumerate(headers[1:], start=1):
            chart.add_series(
                {
                    "name": name,
                    "categories": [sheet.name, 1, 0, len(rows), 0],
                    "values": [sheet.name, 1, col, len(rows), col],
                }
            )
        chart.set_title({"name": entry["label"]})
        chart.set_legend({"position": "bottom"})
        sheet.insert_chart(1, len(columns) + 2, chart)
        return sheet
