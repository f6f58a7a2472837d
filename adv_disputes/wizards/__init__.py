from . import adv_dispute_credit_note_wizard
from . import adv_dispute_credit_note_wizard_line
from . import adv_dispute_reject_wizard
from . import stock_return_picking
