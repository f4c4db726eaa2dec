# Names `make lint`'s unused-code check (vulture) cannot see used, each with what uses it. vulture reads only Python:
# an attribute a template reads or a hook a library calls looks dead to it. Keep this list short; delete the
# code rather than add a name here when nothing uses it. (Undefined `_` is vulture's whitelist convention.)

# Read by the built-in Jinja templates (vulture does not read templates)
_.confidence  # data.model.Source: templates/sources.html
_.figure_count  # data.model.Counted: templates/home.html, coverage.html, measures.html, councils.html, icbs.html, sources.html
_.ods_code  # data.model.Icb: templates/icb.html
_.councils_phrase  # config.Config: templates/councils.html
_.icb_short  # config.Config: templates/base.html, councils.html, icb.html, search.html, partials/search.html
_.icbs_phrase  # config.Config: templates/icbs.html
_.counterparty_label  # config.Config: templates/partials/figures_table.html, icb.html, disputes.html
_.code_label  # config.Config: templates/icb.html
_.icb_code_label  # config.Config: templates/icb.html
_.area_slug  # publish.released.ChangeItem: templates/partials/release.html
_.editions  # site.sources.Series: templates/sources.html
_.edition  # site.sources.Series: templates/sources.html
_.measure_id  # publish.released.ChangeItem: templates/partials/release.html
_.measure_label  # publish.released.ChangeItem: templates/partials/release.html
_.more  # publish.released.ReleaseView: templates/partials/release.html
_.history_missing  # publish.extras.Publishing: templates/changes.html, partials/changes.html
_.same_type  # site.compare.Position: templates/partials/council_compare.html
_.adapted  # site.maps.HexMap: templates/partials/hexmap.html
_.credit  # site.maps.HexMap: templates/partials/hexmap.html
_.credit_url  # site.maps.HexMap: templates/partials/hexmap.html
_.svg_cells  # site.maps.HexMap: templates/partials/hexmap.html (the hexes)
_.has_disputes  # data.model.Site: templates/base.html (the menu's Disputes link)
_.words  # site.views.MeasurePeriod: templates/measure.html, templates/measure_period.html
_.hexmap  # site.views.MeasurePeriod: templates/measure.html, templates/measure_period.html
_.ends  # site.views.MeasurePeriod: templates/measure.html (the ten highest and lowest)
_.grid  # site.charts.model.Chart: templates/partials/chart.html (a monthly chart's table)
_.allows_negative  # data.model.Measure: a column of measures.csv, offered to project templates like every other
_.per_head_years  # site.compare.Period: templates/partials/compare_table.html
_.neighbours_with_figure  # site.compare.Position: templates/partials/council_compare.html
_.population  # data.population.PerHead: the divisor, offered to templates beside the value and its year
_.first_reported  # data.disputes.Dispute: templates/dispute.html, templates/disputes.html
_.how_to_find  # data.model.Measure: templates/partials/too_few.html (a measure's guidance, from measures.csv)
_.status_words  # site.disputes.DisputeView: templates/dispute.html

# Registered by decorator, never called by name
_.import_  # click command `sitegen import` (cli.py)
_.serve  # click command `sitegen serve` (cli.py)
_._shared_cache  # autouse pytest fixture (tests/conftest.py)
_.pytest_collection_modifyitems  # pytest hook (tests/conftest.py): marks the kill and serve tests
_._fixed_date  # autouse pytest fixture (tests/conftest.py)
_._no_strays  # autouse pytest fixture (tests/test_crash.py)

# Read or called by a library
_.exit_code  # click.ClickException subclasses: the process's exit status
_.severity  # errors.Problem field: set by dataclasses.replace(severity=...), read through asdict
_.compress_type  # zipfile.ZipInfo, read by ZipFile.writestr (publish/downloads.py)
_.external_attr  # zipfile.ZipInfo, read by ZipFile.writestr (publish/downloads.py)
_.log_message  # http.server.BaseHTTPRequestHandler hook (serve/server.py, bench, browser tests)
_.do_GET  # http.server.BaseHTTPRequestHandler: called for a GET (serve/server.py)
_.do_HEAD  # http.server.BaseHTTPRequestHandler: called for a HEAD (serve/server.py)
_.request_queue_size  # socketserver.TCPServer: the listen backlog (serve/server.py)
_.process_request  # socketserver.TCPServer hook: a thread per connection, tracked (serve/server.py)
_.handle_error  # socketserver.TCPServer hook: a request that raised (serve/server.py)
_.handle_starttag  # html.parser.HTMLParser hook (tests)
_.handle_data  # html.parser.HTMLParser hook (tests/theme_words.py)
_.request  # requests.Session.request, overridden so frictionless never fetches (data/validate.py)

_.collect_ignore  # tests/conftest.py: read by pytest (files not collected on Windows)
_.TWO_RENAMES  # build/swap.py's switch, set by tests/paused_build.py to run Windows' swap on Linux

# Parameters a caller's signature requires
_.signum  # a signal handler's first argument (build/lock.py)
_.environment  # jinja2.BaseLoader.get_source's first argument, which Jinja may pass by name (site/render.py)

# Documentation kept in code: tests hold the README's settings table to it
_.SETTINGS_DOC  # config.py

# Named in the code a kill test runs in a child process (tests/test_hostile_kill.py's PAUSED)
_.in_template  # tests/paused_build.py

# Jinja's bytecode cache calls these (sitegen/site/render.py's Compiled)
_.load_bytecode
_.dump_bytecode
