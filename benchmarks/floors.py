"""The floors: hand-written SQL computing the same results directly from the tables.

A floor is what a database can do at best for a measure: no ORM, no access checks, no
computed fields, no generality beyond the benchmark's own setup (one company, its default
policy). Each KPI floor is ONE query that must give the same number as ``adv.kpi``; the
harness reports both values so that any difference shows.
"""

import calendar
from datetime import date

from dateutil.relativedelta import relativedelta


def jsonable(value):
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return str(value)
    if isinstance(value, float):
        return round(value, 4)
    if hasattr(value, "__float__") and not isinstance(value, int | bool):
        return round(float(value), 4)
    return value


# ---------------------------------------------------------------------------- dunning


def dunning(cr, today, company_id):
    """Every customer with overdue invoices at the level its most overdue invoice
    reached: one grouped SELECT, then set-based INSERTs of the reminders and their lines
    and one UPDATE of the invoices' level (what a reminder run writes)."""
    cr.execute(
        """
        CREATE TEMP TABLE floor_comm (id serial, partner_id int, level_id int,
                                      amount numeric) ON COMMIT DROP;
        CREATE TEMP TABLE floor_line (comm_id int, move_id int, level_id int,
                                      residual numeric, days_late int) ON COMMIT DROP;
        CREATE TEMP TABLE floor_due ON COMMIT DROP AS
        SELECT m.id AS move_id, m.commercial_partner_id AS partner_id,
               m.amount_residual AS residual, %(today)s::date - m.invoice_date_due AS days,
               (SELECT l.id FROM adv_dunning_level l
                 WHERE l.policy_id = c.adv_dunning_policy_id
                   AND l.days_after_due <= %(today)s::date - m.invoice_date_due
                 ORDER BY l.days_after_due DESC LIMIT 1) AS level_id
          FROM account_move m
          JOIN res_company c ON c.id = m.company_id
         WHERE m.company_id = %(company)s AND m.move_type = 'out_invoice'
           AND m.state = 'posted' AND m.payment_state IN ('not_paid', 'partial')
           AND m.amount_residual > 0 AND NOT m.adv_dunning_blocked
           AND m.invoice_date_due <= %(today)s::date - 1;
        INSERT INTO floor_comm (partner_id, level_id, amount)
        SELECT partner_id, (array_agg(level_id ORDER BY days DESC))[1], SUM(residual)
          FROM floor_due GROUP BY partner_id;
        INSERT INTO floor_line
        SELECT c.id, d.move_id, d.level_id, d.residual, d.days
          FROM floor_due d JOIN floor_comm c ON c.partner_id = d.partner_id;
        UPDATE account_move m SET adv_dunning_level_id = d.level_id,
                                  adv_dunning_date = %(today)s
          FROM floor_due d WHERE m.id = d.move_id;
        SELECT (SELECT COUNT(*) FROM floor_comm), (SELECT COUNT(*) FROM floor_line);
        """,
        {"today": today, "company": company_id},
    )
    comms, lines = cr.fetchone()
    return {"communications": comms, "lines": lines}


# ---------------------------------------------------------------------------- KPIs


def _tz(env):
    return env.user.tz or "UTC"


def kpi_receivable(env, date_from, date_to):
    """DSO, best DSO, CEI, ageing: the receivable items of the period. The residual at
    ``date_to`` is the stored ``amount_residual`` (exact when ``date_to`` is today)."""
    env.cr.execute(
        """
        SELECT COUNT(*),
               COALESCE(SUM(aml.balance) FILTER (WHERE aml.date < %(f)s), 0),
               COALESCE(SUM(aml.balance), 0),
               COALESCE(SUM(aml.balance) FILTER (WHERE aml.date >= %(f)s
                    AND am.move_type IN ('out_invoice', 'out_refund')), 0),
               COALESCE(SUM(aml.amount_residual) FILTER (
                    WHERE COALESCE(aml.date_maturity, aml.date) >= %(t)s), 0),
               COALESCE(SUM(aml.amount_residual) FILTER (
                    WHERE %(t)s - COALESCE(aml.date_maturity, aml.date) BETWEEN 1 AND 30), 0),
               COALESCE(SUM(aml.amount_residual) FILTER (
                    WHERE %(t)s - COALESCE(aml.date_maturity, aml.date) BETWEEN 31 AND 60), 0),
               COALESCE(SUM(aml.amount_residual) FILTER (
                    WHERE %(t)s - COALESCE(aml.date_maturity, aml.date) BETWEEN 61 AND 90), 0),
               COALESCE(SUM(aml.amount_residual) FILTER (
                    WHERE %(t)s - COALESCE(aml.date_maturity, aml.date) > 90), 0)
          FROM account_move_line aml
          JOIN account_move am ON am.id = aml.move_id
          JOIN account_account acc ON acc.id = aml.account_id
         WHERE aml.parent_state = 'posted' AND acc.account_type = 'asset_receivable'
           AND aml.company_id = %(c)s AND aml.date <= %(t)s
        """,
        {"f": date_from, "t": date_to, "c": env.company.id},
    )
    count, opening, closing, sales, not_due, a30, a60, a90, over90 = env.cr.fetchone()
    if not count:
        return None
    return {
        "item_count": count,
        "opening": opening,
        "closing": closing,
        "credit_sales": sales,
        "not_due": not_due,
        "a30": a30,
        "a60": a60,
        "a90": a90,
        "over90": over90,
    }


def kpi_dso_countback(env, date_from, date_to):
    env.cr.execute(
        """
        SELECT date_trunc('month', aml.date)::date,
               SUM(aml.balance) FILTER (WHERE am.move_type IN ('out_invoice', 'out_refund')
                                          AND aml.date >= %(h)s),
               SUM(aml.balance)
          FROM account_move_line aml
          JOIN account_move am ON am.id = aml.move_id
          JOIN account_account acc ON acc.id = aml.account_id
         WHERE aml.parent_state = 'posted' AND acc.account_type = 'asset_receivable'
           AND aml.company_id = %(c)s AND aml.date <= %(t)s
         GROUP BY 1
        """,
        {"t": date_to, "c": env.company.id, "h": date_to.replace(day=1) - relativedelta(months=23)},
    )
    rows = env.cr.fetchall()
    receivable = sum(row[2] or 0 for row in rows)
    sales = {row[0]: row[1] for row in rows if row[1] is not None}
    if not sales:
        return None
    days, month_start, month_end = 0.0, date_to.replace(day=1), date_to
    for _i in range(24):
        if receivable <= 0:
            break
        month_days = (month_end - month_start).days + 1
        month_sales = sales.get(month_start, 0.0)
        if 0 < month_sales and receivable <= month_sales:
            days += receivable / month_sales * month_days
            break
        receivable -= max(month_sales, 0.0)
        days += month_days
        month_start -= relativedelta(months=1)
        month_end = month_start.replace(
            day=calendar.monthrange(month_start.year, month_start.month)[1]
        )
    return days


def kpi_dispute_rate(env, date_from, date_to):
    env.cr.execute(
        """
        SELECT 100.0 * COUNT(*) FILTER (WHERE d.move_id IS NOT NULL OR r.rev IS NOT NULL)
               / NULLIF(COUNT(*), 0)
          FROM account_move am
          LEFT JOIN (SELECT DISTINCT rel.move_id FROM adv_dispute_account_move_rel rel
                       JOIN adv_dispute d ON d.id = rel.dispute_id
                      WHERE d.state <> 'rejected') d ON d.move_id = am.id
          LEFT JOIN (SELECT DISTINCT reversed_entry_id AS rev FROM account_move
                      WHERE move_type = 'out_refund' AND state = 'posted') r ON r.rev = am.id
         WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
           AND am.company_id = %(c)s AND am.invoice_date BETWEEN %(f)s AND %(t)s
        """,
        {"f": date_from, "t": date_to, "c": env.company.id},
    )
    return env.cr.fetchone()[0]


def kpi_otif(env, date_from, date_to):
    date_to = min(date_to, date.today())
    env.cr.execute(
        """
        WITH moves AS (
            SELECT sm.sale_line_id,
                   array_agg(((sm.date AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s)::date)
                       FILTER (WHERE sm.state = 'done' AND (ld.usage = 'customer')
                                     <> (ls.usage = 'customer')) AS dates,
                   array_agg(CASE WHEN ld.usage = 'customer' THEN sm.quantity
                                  ELSE -sm.quantity END)
                       FILTER (WHERE sm.state = 'done' AND (ld.usage = 'customer')
                                     <> (ls.usage = 'customer')) AS qties
              FROM stock_move sm
              JOIN stock_location ls ON ls.id = sm.location_id
              JOIN stock_location ld ON ld.id = sm.location_dest_id
             WHERE sm.sale_line_id IS NOT NULL
             GROUP BY sm.sale_line_id
        ), line AS (
            SELECT sol.product_uom_qty AS qty, mv.dates, mv.qties,
                   -- the promised date of the line (adv_orders), as the suite reads it
                   ((sol.adv_promised_date AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s)::date
                       AS promised
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN product_product pp ON pp.id = sol.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              LEFT JOIN moves mv ON mv.sale_line_id = sol.id
             WHERE so.state = 'sale' AND sol.display_type IS NULL
               AND sol.product_uom_qty > 0 AND pt.type = 'consu' AND so.company_id = %(c)s
        )
        SELECT AVG(CASE WHEN COALESCE((SELECT SUM(q) FROM unnest(dates, qties) AS u(d, q)
                                        WHERE d <= promised), 0) >= qty - 0.000001
                        THEN 100.0 ELSE 0.0 END)
          FROM line WHERE promised BETWEEN %(f)s AND %(t)s
        """,
        {"f": date_from, "t": date_to, "c": env.company.id, "tz": _tz(env)},
    )
    return env.cr.fetchone()[0]


def kpi_order_cycle(env, date_from, date_to):
    env.cr.execute(
        """
        WITH conf AS (
            SELECT so.id, ((so.date_order AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s)::date AS d
              FROM sale_order so WHERE so.state = 'sale' AND so.company_id = %(c)s
        ), dlv AS (
            SELECT sol.order_id,
                   MAX(((sm.date AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s)::date) AS d
              FROM stock_move sm JOIN sale_order_line sol ON sol.id = sm.sale_line_id
             WHERE sm.origin_returned_move_id IS NULL
             GROUP BY sol.order_id
            HAVING bool_and(sm.state IN ('done', 'cancel')) AND bool_or(sm.state = 'done')
        ), inv AS (
            SELECT sol.order_id, MIN(am.invoice_date) AS d
              FROM sale_order_line sol
              JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move am ON am.id = aml.move_id
             WHERE am.state = 'posted' AND am.move_type = 'out_invoice'
             GROUP BY sol.order_id
        )
        SELECT AVG((dlv.d - conf.d)::float) FILTER (WHERE dlv.d BETWEEN %(f)s AND %(t)s),
               AVG((inv.d - conf.d)::float) FILTER (WHERE inv.d BETWEEN %(f)s AND %(t)s)
          FROM conf LEFT JOIN dlv ON dlv.order_id = conf.id
          LEFT JOIN inv ON inv.order_id = conf.id
        """,
        {"f": date_from, "t": date_to, "c": env.company.id, "tz": _tz(env)},
    )
    return env.cr.fetchone()


def kpi_revenue(env, date_from, date_to):
    env.cr.execute(
        """
        SELECT SUM(-aml.balance)
          FROM account_move_line aml JOIN account_move am ON am.id = aml.move_id
         WHERE am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')
           AND aml.display_type = 'product' AND am.company_id = %(c)s
           AND am.invoice_date BETWEEN %(f)s AND %(t)s
        """,
        {"f": date_from, "t": date_to, "c": env.company.id},
    )
    return env.cr.fetchone()[0]


def kpi_backlog(env, date_from, date_to):
    env.cr.execute(
        """
        WITH dlv AS (
            SELECT sm.sale_line_id AS id,
                   SUM(CASE WHEN ld.usage = 'customer' THEN sm.quantity ELSE -sm.quantity END)
                       AS qty
              FROM stock_move sm
              JOIN stock_location ls ON ls.id = sm.location_id
              JOIN stock_location ld ON ld.id = sm.location_dest_id
             WHERE sm.state = 'done' AND (ld.usage = 'customer') <> (ls.usage = 'customer')
               AND ((sm.date AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s)::date <= %(t)s
             GROUP BY 1
        ), inv AS (
            SELECT rel.order_line_id AS id,
                   SUM(CASE WHEN am.move_type = 'out_refund' THEN -aml.quantity
                            ELSE aml.quantity END) AS qty
              FROM sale_order_line_invoice_rel rel
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move am ON am.id = aml.move_id
             WHERE am.state = 'posted' AND am.date <= %(t)s
             GROUP BY 1
        ), line AS (
            SELECT sol.product_uom_qty AS ordered, COALESCE(dlv.qty, 0) AS delivered,
                   COALESCE(inv.qty, 0) AS invoiced,
                   sol.price_subtotal / sol.product_uom_qty
                       / COALESCE(NULLIF(so.currency_rate, 0), 1.0) AS price
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN product_product pp ON pp.id = sol.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              LEFT JOIN dlv ON dlv.id = sol.id
              LEFT JOIN inv ON inv.id = sol.id
             WHERE so.state = 'sale' AND sol.display_type IS NULL
               AND sol.product_uom_qty > 0 AND pt.type = 'consu' AND so.company_id = %(c)s
               AND ((so.date_order AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s)::date <= %(t)s
        )
        SELECT COUNT(*), SUM(GREATEST(ordered - delivered, 0) * price),
               SUM(GREATEST(delivered - invoiced, 0) * price)
          FROM line
        """,
        {"t": date_to, "c": env.company.id, "tz": _tz(env)},
    )
    count, to_deliver, to_invoice = env.cr.fetchone()
    if not count:
        return None
    return {"to_deliver": to_deliver, "to_invoice": to_invoice, "total": to_deliver + to_invoice}


def kpi_productivity(env, date_from, date_to):
    env.cr.execute(
        """
        SELECT uid, SUM(o), SUM(i), SUM(r), SUM(d) FROM (
            SELECT create_uid AS uid, 1 AS o, 0 AS i, 0 AS r, 0 AS d FROM sale_order
             WHERE state = 'sale' AND company_id = %(c)s
               AND ((date_order AT TIME ZONE 'UTC') AT TIME ZONE %(tz)s)::date
                   BETWEEN %(f)s AND %(t)s
            UNION ALL
            SELECT create_uid, 0, (move_type = 'out_invoice')::int,
                   (move_type = 'out_refund')::int, 0 FROM account_move
             WHERE state = 'posted' AND move_type IN ('out_invoice', 'out_refund')
               AND company_id = %(c)s AND invoice_date BETWEEN %(f)s AND %(t)s
            UNION ALL
            SELECT user_id, 0, 0, 0, 1 FROM adv_dispute
             WHERE state IN ('resolved', 'rejected') AND company_id = %(c)s
               AND date_closed BETWEEN %(f)s AND %(t)s
        ) x GROUP BY uid ORDER BY uid
        """,
        {"f": date_from, "t": date_to, "c": env.company.id, "tz": _tz(env)},
    )
    return [
        {"user_id": uid, "orders": o, "invoices": i, "credit_notes": r, "disputes": d}
        for uid, o, i, r, d in env.cr.fetchall()
    ] or None


KPI = {
    "receivable": kpi_receivable,
    "dso_countback": kpi_dso_countback,
    "dispute_rate": kpi_dispute_rate,
    "otif": kpi_otif,
    "order_cycle": kpi_order_cycle,
    "revenue": kpi_revenue,
    "backlog": kpi_backlog,
    "productivity": kpi_productivity,
}
