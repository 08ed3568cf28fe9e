# Yusuan's two entry points: `make demo` and `make test` (see README.md).
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint system-deps fixtures bench

$(BIN)/yusuan: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# The storage tests start a real PostgreSQL server, the query-site browser test drives Debian's
# chromium through chromium-driver, the OCR tests run OCRmyPDF and Tesseract: install them where missing.
system-deps:
	@if ! command -v pg_ctl >/dev/null && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	fi
	@if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	fi
	@# The browser tests read Chinese pages (and make the README's screenshots): CJK fonts for chromium.
	@if ! ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk; \
	fi
	@# OCR of scanned pages (extractors/ocr.py): OCRmyPDF with Tesseract's simplified Chinese.
	@if ! command -v ocrmypdf >/dev/null || ! ls /usr/share/tesseract-ocr/*/tessdata/chi_sim.traineddata >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ocrmypdf tesseract-ocr tesseract-ocr-chi-sim; \
	fi
	@# The re-saved copies of a disclosure in tests/test_same_disclosure.py (an owner password) are made by qpdf;
	@# the read-only database tests drop root's file powers with setpriv (util-linux).
	@if ! command -v qpdf >/dev/null || ! command -v setpriv >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qpdf util-linux; \
	fi

demo: $(BIN)/yusuan
	$(BIN)/yusuan ingest fixtures/*.pdf --db sqlite:///yusuan.db
	$(BIN)/yusuan stats --db sqlite:///yusuan.db

lint: $(BIN)/yusuan
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: system-deps lint
	$(BIN)/pytest

# Regenerating the fixture PDFs needs LibreOffice (Writer, Calc), Chromium, the Noto CJK and Liberation fonts, poppler and qpdf.
fixtures: $(BIN)/yusuan
	apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui chromium fonts-liberation fonts-noto-cjk poppler-utils qpdf
	$(BIN)/pip install -q -e '.[fixtures]'
	$(BIN)/python -m fixtures.generate

bench: $(BIN)/yusuan
	$(BIN)/python bench/bench.py
