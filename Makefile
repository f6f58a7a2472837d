# Thin wrapper around scripts/adv (see README.md).
.PHONY: setup run test lint format wheels

setup:
	scripts/adv setup
run:
	scripts/adv run
test:
	scripts/adv test
lint:
	scripts/adv lint
format:
	scripts/adv format
wheels:
	scripts/adv wheels dist
