/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { formatFloat } from "@web/core/utils/numbers";
import { useService } from "@web/core/utils/hooks";

const { DateTime } = luxon;

/**
 * Headline KPIs of the period beside those of the previous period.
 * One RPC loads everything (adv.kpi.get_dashboard_data); a card opens its analysis.
 *
 * `better` tells which way is good news: "up", "down" or null (neutral).
 */
const CARDS = [
    { key: "dso", kpi: "dso", label: _t("DSO"), unit: "days", better: "down",
      help: _t("Receivable at period end / credit sales x days") },
    { key: "dso_countback", kpi: "dso", label: _t("DSO (countback)"), unit: "days",
      better: "down", help: _t("Months of sales needed to cover the receivable") },
    { key: "best_dso", kpi: "dso", label: _t("Best possible DSO"), unit: "days",
      better: "down", help: _t("Receivable not yet due / credit sales x days") },
    { key: "add", kpi: "ageing", label: _t("Average days delinquent"), unit: "days",
      better: "down", help: _t("DSO - best possible DSO") },
    { key: "cei", kpi: "cei", label: _t("Collection effectiveness"), unit: "percent",
      better: "up", help: _t("Share of the collectible receivable collected") },
    { key: "dispute_rate", kpi: "dispute_rate", label: _t("Dispute rate"), unit: "percent",
      better: "down", help: _t("Invoices disputed or credited / invoices issued") },
    { key: "otif", kpi: "otif", label: _t("OTIF"), unit: "percent", better: "up",
      help: _t("Order lines delivered in full by the promised date") },
    { key: "order_cycle_days", kpi: "order_cycle_days", label: _t("Order to delivery"),
      unit: "days", better: "down", help: _t("Average days from confirmation to full delivery") },
    { key: "revenue", kpi: "revenue", label: _t("Revenue"), unit: "money", better: "up",
      help: _t("Net untaxed revenue invoiced") },
    { key: "backlog_to_deliver", kpi: "backlog", label: _t("Confirmed, not delivered"),
      unit: "money", better: null, help: _t("Order book at period end"),
      get: (kpis) => kpis.backlog && kpis.backlog.to_deliver },
    { key: "backlog_to_invoice", kpi: "backlog", label: _t("Delivered, not invoiced"),
      unit: "money", better: "down", help: _t("Order book at period end"),
      get: (kpis) => kpis.backlog && kpis.backlog.to_invoice },
    { key: "overdue", kpi: "ageing", label: _t("Overdue receivable"), unit: "money",
      better: "down", help: _t("Receivable past its due date at period end"),
      get: (kpis) => kpis.ageing && kpis.ageing.total - kpis.ageing.not_due },
];

const AGEING_BUCKETS = [
    ["not_due", _t("Not due")],
    ["1_30", _t("1-30 days")],
    ["31_60", _t("31-60 days")],
    ["61_90", _t("61-90 days")],
    ["over_90", _t("Over 90 days")],
];

export class AdvKpiDashboard extends Component {
    static template = "adv_kpi.Dashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.ageingBuckets = AGEING_BUCKETS;
        this.periods = [
            { key: "this_month", label: _t("This Month") },
            { key: "last_month", label: _t("Last Month") },
            { key: "this_quarter", label: _t("This Quarter") },
            { key: "this_year", label: _t("This Year") },
        ];
        this.state = useState({ period: "this_month", data: null, dateFrom: "", dateTo: "" });
        onWillStart(() => this.load());
    }

    /** Periods run to today when they are still going: a DSO needs closed days. */
    computeRange(key) {
        const today = DateTime.local().startOf("day");
        switch (key) {
            case "last_month": {
                const start = today.minus({ months: 1 }).startOf("month");
                return [start, start.endOf("month")];
            }
            case "this_quarter":
                return [today.startOf("quarter"), today];
            case "this_year":
                return [today.startOf("year"), today];
            default:
                return [today.startOf("month"), today];
        }
    }

    async load() {
        const [dateFrom, dateTo] = this.computeRange(this.state.period);
        const data = await this.orm.call("adv.kpi", "get_dashboard_data", [
            dateFrom.toISODate(),
            dateTo.toISODate(),
        ]);
        Object.assign(this.state, {
            data,
            dateFrom: dateFrom.toISODate(),
            dateTo: dateTo.toISODate(),
        });
    }

    async onPeriodClick(key) {
        this.state.period = key;
        await this.load();
    }

    formatValue(value, unit) {
        if (value === null || value === undefined) {
            return _t("No data");
        }
        if (unit === "money") {
            const { symbol, position } = this.state.data.currency;
            const amount = formatFloat(value, { digits: [false, 0] });
            return position === "before" ? `${symbol} ${amount}` : `${amount} ${symbol}`;
        }
        if (unit === "percent") {
            return `${formatFloat(value, { digits: [false, 1] })} %`;
        }
        if (unit === "days") {
            return _t("%s days", formatFloat(value, { digits: [false, 1] }));
        }
        return formatFloat(value, { digits: [false, 0] });
    }

    get cards() {
        const { current, previous } = this.state.data;
        return CARDS.map((card) => {
            const read = card.get || ((kpis) => kpis[card.key]);
            const value = read(current);
            const prev = read(previous);
            let deltaClass = "text-muted";
            let delta = "";
            const comparable =
                value !== null && value !== undefined && prev !== null && prev !== undefined;
            if (comparable && Math.abs(value - prev) > 1e-9) {
                const diff = value - prev;
                const sign = diff > 0 ? "+" : "";
                delta =
                    card.unit === "percent"
                        ? `${sign}${formatFloat(diff, { digits: [false, 1] })} pts`
                        : `${sign}${this.formatValue(diff, card.unit)}`;
                if (card.better) {
                    const good = (diff > 0) === (card.better === "up");
                    deltaClass = good ? "text-success" : "text-danger";
                }
            }
            return {
                ...card,
                value: this.formatValue(value, card.unit),
                previous: this.formatValue(prev, card.unit),
                delta,
                deltaClass,
            };
        });
    }

    get productivity() {
        return this.state.data.current.productivity || [];
    }

    async openAnalysis(kpi) {
        const action = await this.orm.call("adv.kpi", "action_open_analysis", [
            kpi,
            this.state.dateFrom,
            this.state.dateTo,
        ]);
        await this.actionService.doAction(action);
    }

    async onExportClick() {
        await this.actionService.doAction("adv_kpi.action_adv_kpi_export_wizard", {
            additionalContext: {
                default_date_from: this.state.dateFrom,
                default_date_to: this.state.dateTo,
            },
        });
    }
}

registry.category("actions").add("adv_kpi_dashboard", AdvKpiDashboard);
