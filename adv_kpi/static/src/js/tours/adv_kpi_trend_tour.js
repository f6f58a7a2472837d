/** @odoo-module **/

import { registry } from "@web/core/registry";

const { DateTime } = luxon;

/**
 * A click on a point of a trend chart opens the analysis of that month. The test
 * (test_adv_kpi_tour.py) invoices a customer two months ago and another one last month;
 * the revenue point of two months ago must open the revenue analysis on that month only.
 */
const TREND_MONTHS = 12;
const MONTHS_AGO = 2;
const clicked = DateTime.now().minus({ months: MONTHS_AGO }).startOf("month");
const PIVOT = ".o_pivot_view .o_content:not(.o_view_sample_data) .o_pivot";

function trendChart(path) {
    const canvas = document.querySelector(`.o_adv_kpi_trend[data-kpi='${path}'] canvas`);
    const chart = canvas && Chart.getChart(canvas);
    if (!chart) {
        throw new Error(`The trend of ${path} is not drawn`);
    }
    return chart;
}

registry.category("web_tour.tours").add("adv_kpi_trend_tour", {
    url: "/odoo/action-adv_kpi.action_adv_kpi_dashboard",
    steps: () => [
        {
            content: "The dashboard of this month shows the trends of the catalogue",
            trigger: ".o_adv_kpi_period.active[data-period='this_month']",
        },
        {
            trigger: ".o_adv_kpi_trend[data-kpi='backlog.total'] canvas",
            run() {
                for (const path of ["dso", "otif", "dispute_rate", "revenue", "backlog.total"]) {
                    const chart = trendChart(path);
                    if (chart.data.labels.length !== TREND_MONTHS) {
                        throw new Error(`${path}: ${chart.data.labels.length} months`);
                    }
                }
            },
        },
        {
            content: "Click the revenue of two months ago, where it is drawn",
            trigger: ".o_adv_kpi_trend[data-kpi='revenue'] canvas",
            run() {
                const chart = trendChart("revenue");
                const index = TREND_MONTHS - 1 - MONTHS_AGO;
                const label = clicked.toFormat("LLL yy");
                if (chart.data.labels[index] !== label) {
                    throw new Error(`Month ${index} is ${chart.data.labels[index]}, not ${label}`);
                }
                const point = chart.getDatasetMeta(0).data[index];
                if (point.skip || !chart.data.datasets[0].data[index]) {
                    throw new Error(`No revenue drawn for ${label}`);
                }
                chart.canvas.scrollIntoView({ block: "center" });
                const rect = chart.canvas.getBoundingClientRect();
                chart.canvas.dispatchEvent(
                    new MouseEvent("click", {
                        bubbles: true,
                        cancelable: true,
                        view: window,
                        clientX: rect.left + point.x,
                        clientY: rect.top + point.y,
                    })
                );
            },
        },
        {
            content: "The revenue analysis opens",
            trigger: ".o_breadcrumb .active:contains(Revenue)",
        },
        {
            // real rows, not the sample data an empty pivot shows
            content: "on that month: its column, its customer",
            trigger: `${PIVOT} th:contains(${clicked.toFormat("MMMM yyyy")})`,
        },
        {
            trigger: `${PIVOT} th:contains(Courbes Tendance SARL)`,
            run() {
                const headers = [...document.querySelectorAll(`${PIVOT} th`)].map(
                    (th) => th.textContent
                );
                const nextMonth = clicked.plus({ months: 1 }).toFormat("MMMM yyyy");
                const foreign = headers.filter(
                    (text) => text.includes("Voisin Tendance") || text.includes(nextMonth)
                );
                if (foreign.length) {
                    throw new Error(`The analysis shows another month: ${foreign}`);
                }
            },
        },
    ],
});
