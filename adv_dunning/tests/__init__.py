from . import test_adv_dunning_install
from . import test_penalty
from . import test_dunning_run
from . import test_dunning_access
from . import test_dunning_config
from . import test_history_kept
from . import test_dunning_levels
from . import test_dunning_extension
