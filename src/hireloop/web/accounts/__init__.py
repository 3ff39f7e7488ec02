"""Pages of signing in, switching workspace and the workspace's settings and API tokens."""
