/** @odoo-module **/

import { registry } from "@web/core/registry";

const { DateTime } = luxon;

/**
 * The dashboard of the demo database shows the month the demo tells (see the demo of
 * adv_orders): OTIF strictly between 0 and 100 % and an order cycle time, for the current
 * month or the previous one (the story spans the 28 days before the database was made).
 */
const seen = { otif: [], cycle: [] };

function number(text) {
    // "66.7 %", "66,7 %", "2.5 days", "2,5 jours"; "No data" gives NaN
    return parseFloat((text || "").replace(/\s/g, "").replace(",", "."));
}

function readCards() {
    for (const [key, kpi] of [["otif", "otif"], ["cycle", "order_cycle_days"]]) {
        const card = document.querySelector(`.o_adv_kpi_card[data-kpi='${kpi}']`);
        for (const selector of [".o_adv_kpi_value", ".o_adv_kpi_previous"]) {
            seen[key].push(number(card.querySelector(selector).textContent));
        }
    }
}

registry.category("web_tour.tours").add("adv_kpi_demo_dashboard_tour", {
    url: "/odoo/action-adv_kpi.action_adv_kpi_dashboard",
    steps: () => {
        const lastMonth = DateTime.now().minus({ months: 1 }).startOf("month").toISODate();
        return [
            {
                content: "This month's dashboard is loaded",
                trigger: ".o_adv_kpi_period.active[data-period='this_month']",
            },
            {
                trigger: ".o_adv_kpi_card[data-kpi='otif'] .o_adv_kpi_previous",
                run: readCards,
            },
            {
                content: "Switch to last month",
                trigger: ".o_adv_kpi_period[data-period='last_month']",
                run: "click",
            },
            {
                content: "Last month's figures are loaded",
                // the first date of the period line (the previous period of this month starts
                // on the same day)
                trigger: `.o_adv_kpi_dashboard p > span:nth-child(2):contains(${lastMonth})`,
            },
            {
                content: "OTIF and order cycle time tell the demo month",
                trigger: ".o_adv_kpi_card[data-kpi='otif'] .o_adv_kpi_value",
                run() {
                    readCards();
                    const otif = seen.otif.filter((value) => value > 0 && value < 100);
                    const cycle = seen.cycle.filter((value) => value > 0);
                    if (!otif.length || !cycle.length) {
                        throw new Error(
                            `Trivial demo figures: OTIF ${seen.otif}, cycle ${seen.cycle}`
                        );
                    }
                },
            },
            {
                content: "Work per clerk lists the demo clerks",
                trigger: ".o_adv_kpi_table[data-kpi='productivity'] td:contains(Claire Dubois)",
            },
        ];
    },
});
