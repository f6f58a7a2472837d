from . import test_dispute_blocks_reminders
from . import test_dunning_integration
from . import test_reminder_links
