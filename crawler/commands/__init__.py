"""``scrapy crawl`` and ``scrapy check`` as partyfacts needs them (COMMANDS_MODULE): an exit
code that says how the run went, and a check that fails when it could check nothing."""
