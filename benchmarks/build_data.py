"""Fill a benchmark database with a consistent order-to-cash history, through the ORM.

Usage (see benchmarks/bench): python build_data.py <odoo-bin options> -d bench_s --size S

Everything goes through the ORM in batches (what Odoo itself writes: posted invoices with
their journal items, payments reconciled with them, credit notes reversing invoices,
confirmed orders with their pickings validated, backorders of partial deliveries,
disputes), with a commit after each batch so that memory stays flat. A fixed random seed
makes two builds of the same size identical, except that dates are relative to the day
of the build (the measures run "today").
"""

import argparse
import logging
import random
import sys
import time
from datetime import (
    date,
    datetime,
    time as dtime,
    timedelta,
)

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tools import config

_logger = logging.getLogger("bench.build")

# customers, invoices; orders are a fifth of the invoices, with 1 to 5 lines each.
# XS: a smoke size to try the harness in a few minutes.
SIZES = {"XS": (50, 500), "S": (1_000, 10_000), "M": (5_000, 50_000), "L": (20_000, 200_000)}
BATCH = 500
HISTORY_DAYS = 180
# The conformity orders: (lines, dirty): dirty orders break a line rule on 30 % of lines.
CONFORMITY_ORDERS = [(n, dirty) for n in (10, 100, 300) for dirty in (False, True)]
# Levels shared by both dunning policies: days after the due date.
DUNNING_DELAYS = (1, 15, 30)


class Builder:
    def __init__(self, env, size):
        self.env = env
        self.cr = env.cr
        self.size = size
        self.rng = random.Random(42)
        self.today = date.today()
        self.n_customers, self.n_invoices = SIZES[size]
        self.n_orders = self.n_invoices // 5
        self.timings = {}

    # ------------------------------------------------------------------ helpers

    def step(self, name, func):
        t0 = time.perf_counter()
        func()
        self.cr.commit()
        self.env.invalidate_all()
        self.timings[name] = time.perf_counter() - t0
        _logger.info("%s: %.1f s", name, self.timings[name])

    def commit(self):
        self.cr.commit()
        self.env.invalidate_all()

    def past(self, max_days, min_days=0):
        return self.today - timedelta(days=self.rng.randint(min_days, max_days))

    def clerk_env(self, index):
        """Documents are keyed by one of the clerks (create_uid), as in real life."""
        clerk = self.clerks[index % len(self.clerks)]
        return self.env(user=clerk.id, su=True)

    # ------------------------------------------------------------------ setup

    def setup(self):
        env = self.env
        self.company = env.company
        self.receivable = env["account.account"].search(
            [("account_type", "=", "asset_receivable"), ("company_ids", "in", self.company.id)],
            limit=1,
        )
        self.tax = self.company.account_sale_tax_id
        self.term = env.ref("account.account_payment_term_30days")
        self.bank = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        self.sale_journal = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1
        )
        groups = [
            env.ref("sales_team.group_sale_salesman_all_leads").id,
            env.ref("account.group_account_invoice").id,
            env.ref("stock.group_stock_user").id,
            env.ref("adv_base.group_adv_user").id,
        ]
        self.clerks = env["res.users"].create(
            [
                {
                    "name": name,
                    "login": f"bench.{name.split()[0].lower()}",
                    "groups_id": [Command.set(groups)],
                }
                for name in ("Claire Bench", "Julien Bench", "Nadia Bench")
            ]
        )
        categ = env["product.category"].create({"name": "Benchmark"})
        self.products = env["product.product"].create(
            [
                {
                    "name": f"Article {i:04d}",
                    "default_code": f"BEN-{i:04d}",
                    "type": "consu",
                    "is_storable": False,
                    "invoice_policy": "delivery",
                    "list_price": round(self.rng.uniform(5, 500), 2),
                    "categ_id": categ.id,
                    "taxes_id": [Command.set(self.tax.ids)],
                }
                for i in range(200)
            ]
        )
        self.archived_product = env["product.product"].create(
            {
                "name": "Article retiré",
                "default_code": "BEN-OLD",
                "list_price": 50.0,
                "type": "consu",
                "taxes_id": [Command.set(self.tax.ids)],
            }
        )
        self.archived_product.product_tmpl_id.active = False

    def customers(self):
        france = self.env.ref("base.fr")
        vals = []
        for i in range(self.n_customers):
            # 5 % without street: the address rules have something to find.
            no_street = self.rng.random() < 0.05
            vals.append(
                {
                    "name": f"Client {i:06d} SARL",
                    "is_company": True,
                    "street": False if no_street else f"{self.rng.randint(1, 200)} rue du Commerce",
                    "zip": f"{self.rng.randint(1, 95):02d}{self.rng.randint(0, 999):03d}",
                    "city": "Nantes",
                    "country_id": france.id,
                    "email": f"compta{i}@client-bench.example",
                    "customer_rank": 1,
                    "property_payment_term_id": self.term.id,
                    "credit_limit": self.rng.choice([0, 0, 5_000, 20_000, 100_000]),
                }
            )
        partners = self.env["res.partner"]
        for start in range(0, len(vals), BATCH):
            partners |= self.env["res.partner"].create(vals[start : start + BATCH])
        self.customer_ids = partners.ids
        self.commit()

    # ------------------------------------------------------------------ invoices

    def _invoice_lines(self):
        lines = []
        for _i in range(self.rng.randint(1, 3)):
            product = self.rng.choice(self.products)
            lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "quantity": self.rng.randint(1, 20),
                        "price_unit": product.lst_price,
                        "tax_ids": [Command.set(self.tax.ids)],
                    }
                )
            )
        return lines

    def invoices(self, count):
        """Customer invoices typed directly (services, counter sales...), posted."""
        self.products = self.products.with_env(self.env)  # lst_price cached once
        done = 0
        while done < count:
            n = min(BATCH, count - done)
            vals = []
            for _i in range(n):
                invoice_date = self.past(HISTORY_DAYS)
                vals.append(
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.rng.choice(self.customer_ids),
                        "invoice_date": invoice_date,
                        "date": invoice_date,
                        "invoice_payment_term_id": self.term.id,
                        "journal_id": self.sale_journal.id,
                        "invoice_line_ids": self._invoice_lines(),
                    }
                )
            env = self.clerk_env(done // BATCH)
            moves = env["account.move"].create(vals)
            moves.action_post()
            done += n
            self.commit()
            _logger.info("invoices: %d/%d", done, count)

    # ------------------------------------------------------------------ orders

    def orders(self):
        """Quotations, confirmed orders, deliveries (on time, late, partial) and invoices."""
        rng = self.rng
        done = 0
        while done < self.n_orders:
            n = min(BATCH, self.n_orders - done)
            vals = []
            for _i in range(n):
                lines = [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": rng.randint(1, 30),
                        }
                    )
                    for product in rng.sample(list(self.products), rng.randint(1, 5))
                ]
                vals.append({"partner_id": rng.choice(self.customer_ids), "order_line": lines})
            env = self.clerk_env(done // BATCH)
            orders = env["sale.order"].create(vals)
            # sale_exception reads the orders from a new cursor at confirmation: they must
            # be committed first (MissingError otherwise).
            self.commit()
            # 85 % confirmed, the rest stays in quotation.
            to_confirm = orders.filtered(lambda o: rng.random() < 0.85)
            to_confirm.action_confirm()
            plan = {}
            for order in to_confirm:
                order_date = self.past(HISTORY_DAYS, 3)
                promised = order_date + timedelta(days=7)
                roll = rng.random()
                if roll < 0.65:
                    kind, delivered = "on_time", order_date + timedelta(days=rng.randint(1, 7))
                elif roll < 0.80:
                    kind, delivered = "late", promised + timedelta(days=rng.randint(1, 15))
                elif roll < 0.90:
                    kind, delivered = "partial", order_date + timedelta(days=rng.randint(1, 7))
                else:
                    kind, delivered = "open", None
                if delivered and delivered > self.today:
                    kind, delivered = "open", None
                plan[order.id] = (kind, order_date, promised, delivered)
                order.write(
                    {
                        "date_order": datetime.combine(order_date, dtime(9)),
                        "commitment_date": datetime.combine(promised, dtime(17)),
                    }
                )
            open_ids = {oid for oid, todo in plan.items() if todo[0] == "open"}
            pickings = to_confirm.picking_ids.filtered(
                lambda p, skip=open_ids: p.sale_id.id not in skip
            )
            for picking in pickings:
                kind = plan[picking.sale_id.id][0]
                for move in picking.move_ids:
                    qty = move.product_uom_qty
                    move.quantity = max(1, qty // 2) if kind == "partial" and qty > 1 else qty
                    move.picked = True
            pickings.with_context(cancel_backorder=False)._action_done()
            for picking in pickings:
                when = datetime.combine(plan[picking.sale_id.id][3], dtime(14))
                picking.date_done = when
                picking.move_ids.write({"date": when})
                picking.move_ids.move_line_ids.write({"date": when})
            # 70 % of delivered orders invoiced a few days after the delivery.
            to_invoice = pickings.sale_id.filtered(lambda o: rng.random() < 0.7)
            if to_invoice:
                invoices = to_invoice._create_invoices()
                for invoice in invoices:
                    delivered = plan[invoice.invoice_line_ids.sale_line_ids.order_id[:1].id][3]
                    inv_date = min(delivered + timedelta(days=rng.randint(0, 3)), self.today)
                    invoice.write({"invoice_date": inv_date, "date": inv_date})
                invoices.action_post()
                self.order_invoice_count += len(invoices)
            done += n
            self.commit()
            _logger.info("orders: %d/%d", done, self.n_orders)

    # ------------------------------------------------------------------ cash

    def credit_notes_and_payments(self):
        """3 % of invoices reversed by a credit note, then 10 % paid, 30 % partly paid."""
        rng = self.rng
        self.cr.execute(
            "SELECT id FROM account_move WHERE move_type = 'out_invoice' AND state = 'posted' "
            "ORDER BY id"
        )
        invoice_ids = [row[0] for row in self.cr.fetchall()]
        rng.shuffle(invoice_ids)
        n = len(invoice_ids)
        refund_ids = invoice_ids[: n * 3 // 100]
        paid_ids = invoice_ids[n * 3 // 100 : n * 13 // 100]
        partial_ids = invoice_ids[n * 13 // 100 : n * 43 // 100]
        for start in range(0, len(refund_ids), BATCH):
            env = self.clerk_env(start // BATCH + 1)
            invoices = env["account.move"].browse(refund_ids[start : start + BATCH])
            defaults = []
            for inv in invoices:
                when = min(inv.invoice_date + timedelta(days=rng.randint(3, 20)), self.today)
                defaults.append({"invoice_date": when, "date": when, "ref": f"Avoir {inv.name}"})
            # cancel=True: posted and reconciled with the invoice, as the wizard does.
            invoices._reverse_moves(defaults, cancel=True)
            self.commit()
        self.refund_count = len(refund_ids)
        todo = [(inv_id, 1.0) for inv_id in paid_ids] + [
            (inv_id, rng.uniform(0.3, 0.8)) for inv_id in partial_ids
        ]
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            env = self.clerk_env(start // BATCH + 2)
            invoices = env["account.move"].browse([inv_id for inv_id, _r in chunk])
            vals = []
            for invoice, (_inv_id, ratio) in zip(invoices, chunk, strict=True):
                pay_date = invoice.invoice_date + timedelta(days=rng.randint(10, 60))
                pay_date = min(pay_date, self.today)
                vals.append(
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": invoice.commercial_partner_id.id,
                        "amount": invoice.currency_id.round(invoice.amount_total * ratio),
                        "date": pay_date,
                        "journal_id": self.bank.id,
                        "memo": invoice.name,
                    }
                )
            payments = env["account.payment"].create(vals)
            payments.action_post()
            plan = []
            for invoice, payment in zip(invoices, payments, strict=True):
                lines = (invoice.line_ids | payment.move_id.line_ids).filtered(
                    lambda line: line.account_id.account_type == "asset_receivable"
                )
                plan.append(lines)
            env["account.move.line"]._reconcile_plan(plan)
            self.commit()
            _logger.info("payments: %d/%d", start + len(chunk), len(todo))
        self.payment_count = len(todo)

    def disputes(self):
        """2 % of invoices disputed: half open, a quarter resolved, a quarter rejected."""
        # imported here: odoo.addons knows the suite's path once the config is parsed
        from odoo.addons.adv_base.tools import decided

        rng = self.rng
        self.cr.execute(
            "SELECT id, commercial_partner_id, invoice_date FROM account_move "
            "WHERE move_type = 'out_invoice' AND state = 'posted' ORDER BY id"
        )
        rows = self.cr.fetchall()
        chosen = rng.sample(rows, len(rows) // 50)
        reasons = ["price_error", "quantity_error", "damaged_goods", "late_delivery", "other"]
        for start in range(0, len(chosen), BATCH):
            vals = []
            for move_id, partner_id, invoice_date in chosen[start : start + BATCH]:
                opened = min(invoice_date + timedelta(days=rng.randint(2, 30)), self.today)
                vals.append(
                    {
                        "partner_id": partner_id,
                        "company_id": self.company.id,
                        "move_ids": [Command.set([move_id])],
                        "reason": rng.choice(reasons),
                        "date_open": opened,
                        "user_id": rng.choice(self.clerks).id,
                    }
                )
            disputes = self.env["adv.dispute"].create(vals)
            for dispute in disputes:
                roll = rng.random()
                if roll < 0.5:
                    closed = min(dispute.date_open + timedelta(days=rng.randint(1, 20)), self.today)
                    state = "resolved" if roll < 0.25 else "rejected"
                    # a closed dispute of the history: written as the suite's workflow
                    # writes it (its decision fields refuse a plain write)
                    decided(dispute).write({"state": state, "date_closed": closed})
            self.commit()
        self.dispute_count = len(chosen)

    # ------------------------------------------------------------------ measures' setup

    def policies(self):
        """The two dunning policies, equivalent: same three levels, same delays, e-mail."""
        env = self.env
        names = ("Premier rappel", "Deuxième rappel", "Mise en demeure")
        policy = env["adv.dunning.policy"].create(
            {
                "name": "Benchmark",
                "company_id": self.company.id,
                "min_interval_days": 0,
                "level_ids": [
                    Command.create(
                        {"name": name, "sequence": i, "days_after_due": delay, "channel": "email"}
                    )
                    for i, (name, delay) in enumerate(zip(names, DUNNING_DELAYS, strict=True))
                ],
            }
        )
        self.company.adv_dunning_policy_id = policy
        template = env.ref("account_credit_control.email_template_credit_control_base")
        oca = env["credit.control.policy"].create(
            {
                "name": "Benchmark",
                "company_id": self.company.id,
                # every receivable account of the company: the one partners use is
                # a property, not necessarily the first of the chart
                "account_ids": [
                    Command.set(
                        env["account.account"]
                        .search(
                            [
                                ("account_type", "=", "asset_receivable"),
                                ("company_ids", "in", self.company.id),
                            ]
                        )
                        .ids
                    )
                ],
                "level_ids": [
                    Command.create(
                        {
                            "name": name,
                            "level": i + 1,
                            "computation_mode": "net_days",
                            "delay_days": delay,
                            "channel": "email",
                            "email_template_id": template.id,
                            "custom_text": name,
                            "custom_mail_text": f"<p>{name}</p>",
                        }
                    )
                    for i, (name, delay) in enumerate(zip(names, DUNNING_DELAYS, strict=True))
                ],
            }
        )
        self.company.credit_policy_id = oca

    def conformity(self):
        """Draft orders of 10, 100 and 300 lines, clean or with 30 % of lines at fault,
        for a customer with a complete address and a high credit limit."""
        env = self.env
        rng = random.Random(7)
        customer = env["res.partner"].create(
            {
                "name": "Client Conformité SA",
                "is_company": True,
                "street": "1 place Royale",
                "zip": "44000",
                "city": "Nantes",
                "country_id": env.ref("base.fr").id,
                "credit_limit": 10_000_000,
                "property_payment_term_id": self.term.id,
            }
        )
        ids = {}
        for n_lines, dirty in CONFORMITY_ORDERS:
            lines = []
            for i in range(n_lines):
                product = self.products[i % len(self.products)]
                vals = {"product_id": product.id, "product_uom_qty": rng.randint(1, 10)}
                if dirty and i % 10 < 3:
                    # one fault per faulty line, in turn: price cut, big discount, archived
                    fault = i % 3
                    if fault == 0:
                        vals["price_unit"] = round(product.lst_price * 0.5, 2)
                    elif fault == 1:
                        vals["discount"] = 35.0
                    else:
                        vals["product_id"] = self.archived_product.id
                lines.append(Command.create(vals))
            order = env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "client_order_ref": f"BENCH-{n_lines}-{'dirty' if dirty else 'clean'}",
                    "order_line": lines,
                }
            )
            # prices typed by hand must survive the recomputation of the pricelist
            ids[f"{n_lines}_{'dirty' if dirty else 'clean'}"] = order.id
        env["ir.config_parameter"].set_param("bench.conformity_orders", repr(ids))
        self.exception_rules()

    def exception_rules(self):
        """sale_exception rules equivalent to five of ours (created last: once active they
        would stop the confirmation of the orders built above)."""
        env = self.env
        rules = [
            (
                "Prix sous le tarif",
                "sale.order.line",
                "failed = self.price_unit < self.product_id.lst_price * (1 - 0.0001)",
            ),
            ("Remise supérieure au maximum", "sale.order.line", None),
            ("Article archivé", "sale.order.line", None),
            ("Adresse incomplète", "sale.order", None),
            ("Encours dépassé", "sale.order", None),
        ]
        domains = {
            "Remise supérieure au maximum": "[('discount', '>', 20)]",
            "Article archivé": "[('product_id.active', '=', False)]",
            "Adresse incomplète": "['|', ('partner_invoice_id.street', '=', False), "
            "('partner_shipping_id.street', '=', False)]",
        }
        vals = []
        for seq, (name, model, code) in enumerate(rules):
            rule = {
                "name": name,
                "description": name,
                "sequence": seq,
                "model": model,
                "active": True,
            }
            if code:
                rule.update(exception_type="by_py_code", code=code)
            elif name in domains:
                rule.update(exception_type="by_domain", domain=domains[name])
            else:
                # credit limit: commercial partner's receivable plus this order over its limit
                rule.update(
                    exception_type="by_py_code",
                    code="partner = self.partner_id.commercial_partner_id\n"
                    "failed = bool(partner.credit_limit) and "
                    "partner.credit + self.amount_total > partner.credit_limit",
                )
            vals.append(rule)
        env["exception.rule"].create(vals)

    # ------------------------------------------------------------------ main

    def run(self):
        self.order_invoice_count = 0
        self.step("setup", self.setup)
        self.step("customers", self.customers)
        self.step("orders", self.orders)
        self.step(
            "invoices", lambda: self.invoices(max(self.n_invoices - self.order_invoice_count, 0))
        )
        self.step("credit notes and payments", self.credit_notes_and_payments)
        self.step("disputes", self.disputes)
        self.step("policies", self.policies)
        self.step("conformity orders and exception rules", self.conformity)
        stats = {
            "size": self.size,
            "customers": self.n_customers,
            "invoices": self.n_invoices,
            "orders": self.n_orders,
            "order_invoices": self.order_invoice_count,
            "credit_notes": self.refund_count,
            "payments": self.payment_count,
            "disputes": self.dispute_count,
            "timings": self.timings,
            "build_seconds": sum(self.timings.values()),
            "built_on": str(self.today),
        }
        self.env["ir.config_parameter"].set_param("bench.build_stats", repr(stats))
        self.cr.commit()
        _logger.info("built: %s", stats)


def open_registry(odoo_args):
    """The registry of the database named by the odoo-bin options (-d ...), with
    Odoo's logging set up: what the benchmark scripts start with."""
    config.parse_config(odoo_args)
    odoo.netsvc.init_logger()
    dbname = config["db_name"]
    if isinstance(dbname, list):
        dbname = dbname[0]
    return Registry(dbname)


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=sorted(SIZES), required=True)
    args, odoo_args = parser.parse_known_args(argv)
    registry = open_registry(odoo_args)
    with registry.cursor() as cr:
        env = api.Environment(
            cr,
            SUPERUSER_ID,
            {"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True},
        )
        Builder(env, args.size).run()
    odoo.sql_db.close_all()


if __name__ == "__main__":
    main(sys.argv[1:])
