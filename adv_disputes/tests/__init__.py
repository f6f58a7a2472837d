from . import test_adv_dispute
from . import test_credit_note_wizard
from . import test_return_replacement
from . import test_portal
from . import test_tour
from . import test_standard_access
from . import test_forgery
from . import test_history_kept
