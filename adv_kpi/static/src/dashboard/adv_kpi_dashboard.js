/** @odoo-module **/

import { Component, onWillStart, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { formatFloat } from "@web/core/utils/numbers";
import { useService } from "@web/core/utils/hooks";
import { AdvKpiTrendChart } from "./adv_kpi_trend_chart";

const { DateTime } = luxon;

/**
 * Headline KPIs of the period beside those of the previous period.
 * One RPC loads everything (adv.kpi.get_dashboard_data), the KPI catalogue included:
 * the cards and tables are drawn from it (label, unit, which way is good news, help),
 * none is listed here. A card opens its analysis. The numbers the catalogue flags `trend`
 * have a twelve-month chart (Chart.js, as shipped by the web client); a click on a month
 * opens the analysis of that month.
 */

/** Read a dotted path ("backlog.to_deliver") in the KPIs; null when missing. */
function readPath(kpis, path) {
    let value = kpis;
    for (const part of path.split(".")) {
        if (value === null || value === undefined) {
            return null;
        }
        value = value[part];
    }
    return value === undefined ? null : value;
}

export class AdvKpiDashboard extends Component {
    static template = "adv_kpi.Dashboard";
    static components = { AdvKpiTrendChart };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.periods = [
            { key: "this_month", label: _t("This Month") },
            { key: "last_month", label: _t("Last Month") },
            { key: "this_quarter", label: _t("This Quarter") },
            { key: "this_year", label: _t("This Year") },
        ];
        this.state = useState({ period: "this_month", data: null, dateFrom: "", dateTo: "" });
        onWillStart(() => Promise.all([this.load(), loadBundle("web.chartjs_lib")]));
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
        if (unit === "amount") {
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

    /** The numbers of the catalogue shown as cards: single KPIs and parts of dict KPIs. */
    get cardSpecs() {
        const specs = [];
        for (const entry of this.state.data.catalogue) {
            if (entry.layout === "value" && entry.card) {
                specs.push({ ...entry, path: entry.key, kpi: entry.key });
            }
            for (const part of entry.parts) {
                if (part.card) {
                    specs.push({ ...part, key: part.path, kpi: entry.key });
                }
            }
        }
        return specs;
    }

    get cards() {
        const { current, previous } = this.state.data;
        return this.cardSpecs.map((card) => {
            const value = readPath(current, card.path);
            const prev = readPath(previous, card.path);
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

    /** Dict KPIs shown as a table of buckets (the ageing), period and previous period. */
    get bucketTables() {
        const { current, previous } = this.state.data;
        return this.state.data.catalogue
            .filter((entry) => entry.layout === "buckets")
            .map((entry) => ({
                ...entry,
                hasData: Boolean(current[entry.key]),
                rows: entry.parts
                    .filter((part) => part.bucket)
                    .map((part) => ({
                        key: part.key,
                        label: part.label,
                        value: this.formatValue(readPath(current, part.path), entry.unit),
                        previous: this.formatValue(readPath(previous, part.path), entry.unit),
                    })),
            }));
    }

    /** List KPIs shown as a table of rows (work handled per clerk). */
    get rowTables() {
        const { current } = this.state.data;
        return this.state.data.catalogue
            .filter((entry) => entry.layout === "rows")
            .map((entry) => ({ ...entry, rows: current[entry.key] || [] }));
    }

    /** The numbers of the catalogue flagged `trend`, with their twelve monthly values. */
    get trendCharts() {
        const { catalogue, trends } = this.state.data;
        const specs = [];
        for (const entry of catalogue) {
            if (entry.layout === "value" && entry.trend) {
                specs.push({ ...entry, path: entry.key, kpi: entry.key });
            }
            for (const part of entry.parts) {
                if (part.trend) {
                    specs.push({ ...part, kpi: entry.key });
                }
            }
        }
        return specs.map((spec, index) => ({
            ...spec,
            index,
            values: trends.values[spec.path] || [],
        }));
    }

    /** The analysis of a KPI on the dashboard's period, or on the given one. */
    async openAnalysis(kpi, dateFrom = this.state.dateFrom, dateTo = this.state.dateTo) {
        const action = await this.orm.call("adv.kpi", "action_open_analysis", [
            kpi,
            dateFrom,
            dateTo,
        ]);
        await this.actionService.doAction(action);
    }

    /** A month of a trend chart: its analysis on that month. */
    async onTrendPointClick(kpi, month) {
        await this.openAnalysis(kpi, month.date_from, month.date_to);
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
