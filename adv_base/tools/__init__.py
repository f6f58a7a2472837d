from .decision import decided, ensure_decided, has_server_flag, is_decided, with_server_flag
