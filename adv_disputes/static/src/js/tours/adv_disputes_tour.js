import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// From a posted invoice: open a dispute, then resolve it by a partial credit note.
registry.category("web_tour.tours").add("adv_disputes_invoice_to_credit_note", {
    steps: () => [
        {
            content: "Open a dispute from the invoice",
            trigger: ".o_form_view button[name='action_adv_open_dispute']",
            run: "click",
        },
        {
            content: "The dispute is pre-filled with the invoice",
            trigger: ".o_form_view div[name='move_ids'] .o_tag:contains('INV/')",
        },
        {
            content: "Type the disputed amount",
            trigger: ".o_form_view div[name='amount'] input",
            run: "edit 115",
        },
        {
            content: "Say what happened",
            trigger: ".o_form_view div[name='origin'] select",
            run: "selectByIndex 2",
        },
        ...stepUtils.saveForm(),
        {
            content: "The dispute got its reference",
            trigger: ".o_form_view div[name='name']:contains('LIT/')",
        },
        {
            content: "Resolve by a credit note",
            trigger: ".o_form_view button[name='action_open_credit_note_wizard']",
            run: "click",
        },
        {
            content: "Credit part of the invoice",
            trigger: ".modal div[name='amount'] input",
            run: "edit 115",
        },
        {
            content: "Check the total to credit",
            trigger: ".modal div[name='amount_total']:contains('115')",
        },
        {
            content: "Create the credit note",
            trigger: ".modal button[name='action_create_credit_note']",
            run: "click",
        },
        {
            content: "The credit note is open, posted",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
    ],
});
