# Two commands on a fresh machine with only Python 3.11: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
# Turns mostly wait on MySQL and the Graph API: a thread pool keeps many in flight
# (bench/e2e_turn.py meets its targets with 16 threads, not with 4 processes).
WORKER_OPTS ?= --pool threads --concurrency 16

export DJANGO_SETTINGS_MODULE ?= project_core.settings.dev

# Universal hashes for CPython 3.11 on x86_64 Linux; torch resolves to the CPU build that lies
# in /opt/wheels on these machines (PIP_FIND_LINKS).
LOCK_OPTS := --generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
	--find-links /opt/wheels --no-header -q

.PHONY: lock audit setup demo test test-mysql lint format run worker beat seed train chat bench eval eval-db eval-blind check-deploy clean

# Installed from the hashed lock files (pip --require-hashes): the exact releases CI tested,
# each checked against its hash. `make lock` regenerates them after requirements*.txt change.
# mysqlclient compiles against libmariadb/libmysqlclient; a bare machine without those
# headers still gets everything else (the embedded SQLite default needs no MySQL driver).
$(STAMP): requirements.lock requirements-dev.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PIP) install -q --upgrade pip wheel
	@if pkg-config --exists mysqlclient 2>/dev/null || pkg-config --exists libmariadb 2>/dev/null; then \
		$(PIP) install -q --require-hashes -r requirements-dev.lock; \
	else \
		echo "note: MySQL client headers not found; installing without mysqlclient (SQLite only)"; \
		awk '/^mysqlclient==/ {skip = 1; next} skip && /^[[:space:]]/ {next} {skip = 0; print}' \
			requirements-dev.lock > $(VENV)/requirements-dev-nomysql.lock; \
		$(PIP) install -q --require-hashes -r $(VENV)/requirements-dev-nomysql.lock; \
	fi
	@touch $(STAMP)

setup: $(STAMP)

demo: setup
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed
	$(PY) manage.py catalog_summary
	@if $(PY) manage.py help train_product_embeddings >/dev/null 2>&1; then \
		$(PY) manage.py train_product_embeddings && $(PY) manage.py train_faq_embeddings; fi
	@echo; echo "=== English customer ==="; echo
	$(PY) manage.py chat --phone 15550001234 --name "Sara" --script dialog_engine/scripts/demo_en.txt
	@echo; echo "=== Arabic customer ==="; echo
	$(PY) manage.py chat --phone 966500000777 --name "محمد" --script dialog_engine/scripts/demo_ar.txt

test: setup
	DJANGO_SETTINGS_MODULE=project_core.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

# The suite against MariaDB + Redis (what CI's second leg runs).
test-mysql: setup
	DB_ENGINE=mysql REDIS_URL=redis://127.0.0.1:6379/15 \
	DJANGO_SETTINGS_MODULE=project_core.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

run: setup
	$(PY) manage.py runserver 0.0.0.0:8000

worker: setup
	$(VENV)/bin/celery -A project_core worker -l info $(WORKER_OPTS)

beat: setup
	$(VENV)/bin/celery -A project_core beat -l info

seed: setup
	$(PY) manage.py seed

train: setup
	$(PY) manage.py train_product_embeddings
	$(PY) manage.py train_faq_embeddings

chat: setup
	$(PY) manage.py chat

bench: setup
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# Dialog quality through the real engine on a fresh embedded database (docs/understanding.md).
# eval: the dev set, with its failures listed; eval-blind: the frozen blind set, aggregate
# only, failing below the floors. The floors sit 0.01-0.02 under what was measured on
# 2026-12-02, the FAQ and Arabic ones on 2026-12-03 (the pipeline is deterministic; the
# margin absorbs ties in ordering): a drop fails CI. They are not issue 13's targets, which are not met
# yet (see the issue).
EVAL_DB := var/eval.sqlite3
EVAL_ENV := DB_NAME=$(EVAL_DB) CELERY_TASK_ALWAYS_EAGER=1
BLIND_FLOORS ?= \
	--require en:search_hit@3=0.94 --require ar:search_hit@3=0.90 \
	--require en:limit_violations=0.02 --require ar:limit_violations=0.02 \
	--require en:faq_correct=0.90 --require ar:faq_correct=0.90 \
	--require en:faq_wrong=0.04 --require ar:faq_wrong=0.02 \
	--require en:command_routed=0.96 --require ar:command_routed=0.92

eval-db: setup
	@mkdir -p var; rm -f $(EVAL_DB)
	$(EVAL_ENV) $(PY) manage.py migrate --noinput -v 0
	$(EVAL_ENV) $(PY) manage.py seed >/dev/null
	$(EVAL_ENV) $(PY) manage.py train_product_embeddings >/dev/null
	$(EVAL_ENV) $(PY) manage.py train_faq_embeddings >/dev/null

eval: eval-db
	@for set in dev dev2 dev3 dev4 dev5 dev6 dev7 dev8 dev9 dev10 dev11; do \
		$(EVAL_ENV) $(PY) manage.py eval_dialog --set $$set --failures 80 || exit 1; \
	done

eval-blind: eval-db
	$(EVAL_ENV) $(PY) manage.py eval_dialog --set blind $(BLIND_FLOORS)

lock: setup
	$(VENV)/bin/uv pip compile requirements.txt $(LOCK_OPTS) -o requirements.lock
	$(VENV)/bin/uv pip compile requirements-dev.txt -c requirements.lock $(LOCK_OPTS) -o requirements-dev.lock

# The lock matches requirements*.txt and the security floors; pip-audit against the lock.
audit: setup
	$(PY) .ci/deps_audit.py

check-deploy: setup
	DJANGO_SETTINGS_MODULE=project_core.settings.prod \
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	DJANGO_ALLOWED_HOSTS=shop.example.com WA_APP_SECRET=ci-check-app-secret-0123 \
	REDIS_URL=redis://127.0.0.1:6379/0 \
	$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var/db.sqlite3
