/** @odoo-module **/

import { Component, useEffect, useRef } from "@odoo/owl";
import { cookie } from "@web/core/browser/cookie";
import { getColor, hexToRGBA } from "@web/core/colors/colors";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";

/**
 * The twelve-month trend of one number of the dashboard, drawn with the Chart.js that
 * the web client ships (bundle web.chartjs_lib, loaded by the dashboard). A click on a
 * month calls onPointClick(kpi, month): the dashboard opens that month's analysis.
 */
export class AdvKpiTrendChart extends Component {
    static template = "adv_kpi.TrendChart";
    static props = {
        // the number of the catalogue: path, kpi (its entry), label, help, unit; index
        // (its place among the charts, for its colour)
        trend: Object,
        // [{date_from, date_to}], oldest first, and one value (or null) per month
        months: Array,
        values: Array,
        formatValue: Function,
        onPointClick: Function,
    };

    setup() {
        this.canvasRef = useRef("canvas");
        this.chart = null;
        useEffect(
            () => {
                this.renderChart();
                return () => this.chart?.destroy();
            },
            () => [this.props.months, this.props.values]
        );
    }

    renderChart() {
        this.chart?.destroy();
        const { trend, months, formatValue } = this.props;
        const color = getColor(trend.index || 0, cookie.get("color_scheme"), "sm");
        this.chart = new Chart(this.canvasRef.el, {
            type: "line",
            data: {
                labels: months.map((month) => deserializeDate(month.date_from).toFormat("LLL yy")),
                datasets: [
                    {
                        label: trend.label,
                        // a copy: Chart.js patches the arrays it is given
                        data: [...this.props.values],
                        borderColor: color,
                        backgroundColor: hexToRGBA(color, 0.15),
                        fill: "start",
                        borderWidth: 2,
                        pointRadius: 3,
                        pointHoverRadius: 5,
                        tension: 0.2,
                    },
                ],
            },
            options: {
                // positions are final at once: a point is where the click lands
                animation: false,
                maintainAspectRatio: false,
                interaction: { mode: "index", intersect: false },
                onClick: (event, elements, chart) => this.onChartClick(event, chart),
                onHover: (event, elements) => {
                    this.canvasRef.el.style.cursor = elements.length ? "pointer" : "default";
                },
                plugins: {
                    legend: { display: false },
                    tooltip: {
                        displayColors: false,
                        callbacks: {
                            title: ([item]) => {
                                const { date_from, date_to } = months[item.dataIndex];
                                const [from, to] = [date_from, date_to].map((date) =>
                                    formatDate(deserializeDate(date))
                                );
                                return `${from} – ${to}`;
                            },
                            label: (item) => formatValue(item.raw, trend.unit),
                        },
                    },
                },
                scales: {
                    x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 8 } },
                    y: {
                        beginAtZero: trend.unit !== "days",
                        ticks: {
                            maxTicksLimit: 4,
                            callback: (value) => formatValue(value, trend.unit),
                        },
                    },
                },
            },
        });
    }

    /** The month under the click (the nearest on the x axis), if any. */
    onChartClick(event, chart) {
        const [element] = chart.getElementsAtEventForMode(
            event,
            "index",
            { intersect: false },
            true
        );
        if (element) {
            this.props.onPointClick(this.props.trend.kpi, this.props.months[element.index]);
        }
    }
}
